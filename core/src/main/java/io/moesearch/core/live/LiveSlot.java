package io.moesearch.core.live;

import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.IndexFields;
import io.moesearch.core.index.ProductDocuments;
import io.moesearch.core.retrieval.ExactReranker;
import io.moesearch.core.retrieval.FilterQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * One serving slot's live delta over the immutable artifact: its {@link DeltaEntry}s, the upserted
 * ({@code LIVE}) products in an in-memory Lucene index (HNSW + BM25 fields, near-real-time reader),
 * and the filters that apply the changes INSIDE the artifact's searches: hidden and replaced
 * products are excluded from the artifact's HNSW and BM25 searches by a deleted-ids filter, patched
 * products are filtered on their live price and stock. So a deleted product is never returned and a
 * filtered query still fills its page from the remaining products.
 *
 * <p>Entries are applied in {@code ts} order per product: an entry not newer than the one held is
 * ignored ({@link #apply} returns false), so a replay converges. Not thread-safe (one per slot,
 * used by the operator's task thread).
 */
public final class LiveSlot implements AutoCloseable {
  private final Map<String, DeltaEntry> entries = new HashMap<>();
  private ByteBuffersDirectory directory;
  private IndexWriter writer;
  private DirectoryReader reader;
  private ExpertIndex index;
  private int liveDocs;
  private boolean dirty;
  private Query baseExclusion;
  private boolean exclusionDirty = true;

  /**
   * Per artifact index searched here: which changed products it holds (an artifact's index is
   * immutable, so the answer is kept), and the filter parts that concern them, rebuilt after a
   * change. An expert's index holds a few hundred of the catalogue's products, so most changes
   * concern none of them and its HNSW search runs without a filter, as before any update.
   */
  private final Map<ExpertIndex, Scoped> scoped = new IdentityHashMap<>();

  /** The artifact indexes a slot may search at once (versions × experts); beyond it, forget. */
  private static final int SCOPED_KEPT = 16;

  /** One artifact index's view of the delta. */
  private static final class Scoped {
    final Map<String, Boolean> holds = new HashMap<>();
    List<DeltaEntry> entries;
    Query exclusion;
  }

  /**
   * Applies {@code e} unless this slot already holds the product at the same or a newer {@code ts}.
   *
   * @return whether it was applied
   */
  public boolean apply(DeltaEntry e) {
    DeltaEntry old = entries.get(e.productId());
    if (old != null && old.ts() >= e.ts()) {
      return false;
    }
    entries.put(e.productId(), e);
    changed();
    try {
      if (e.kind() == DeltaEntry.Kind.LIVE) {
        writer().updateDocument(new Term(IndexFields.ID, e.productId()), document(e));
        if (old == null || old.kind() != DeltaEntry.Kind.LIVE) {
          liveDocs++;
        }
        dirty = true;
      } else if (old != null && old.kind() == DeltaEntry.Kind.LIVE) {
        writer().deleteDocuments(new Term(IndexFields.ID, e.productId()));
        liveDocs--;
        dirty = true;
      }
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return true;
  }

  /** Applies entries restored from state, in any order (each product's newest wins). */
  public void applyAll(Iterable<DeltaEntry> restored) {
    for (DeltaEntry e : restored) {
      apply(e);
    }
  }

  /**
   * Drops the entries a compacted version folded: each entry whose product's folded {@code ts} (in
   * {@code folded}: product id → {@code ts}) is at least the entry's. A newer entry stays: the
   * version does not hold it.
   *
   * @return the dropped products' ids
   */
  public List<String> dropFolded(Map<String, Long> folded) {
    List<String> dropped = new ArrayList<>();
    for (var it = entries.values().iterator(); it.hasNext(); ) {
      DeltaEntry e = it.next();
      Long ts = folded.get(e.productId());
      if (ts != null && e.ts() <= ts) {
        it.remove();
        dropped.add(e.productId());
        changed();
        if (e.kind() == DeltaEntry.Kind.LIVE) {
          try {
            writer().deleteDocuments(new Term(IndexFields.ID, e.productId()));
          } catch (IOException x) {
            throw new UncheckedIOException(x);
          }
          liveDocs--;
          dirty = true;
        }
      }
    }
    return dropped;
  }

  /** Number of products this slot holds an entry for. */
  public int size() {
    return entries.size();
  }

  /** Number of upserted products served from this slot's delta index. */
  public int liveDocs() {
    return liveDocs;
  }

  public DeltaEntry entry(String productId) {
    return entries.get(productId);
  }

  private void changed() {
    exclusionDirty = true;
    for (Scoped v : scoped.values()) {
      v.entries = null;
      v.exclusion = null;
    }
  }

  /**
   * The filter of the artifact's search in this slot: the query's brand and price constraints (the
   * price on live values for patched products), in-stock (live), and no product that is hidden or
   * replaced by the delta. {@code null} when nothing is constrained or excluded.
   */
  public Query baseFilter(LiveFilter f) {
    return baseFilter(f, null);
  }

  /**
   * {@link #baseFilter(LiveFilter)} for a search of {@code index}, naming only the changed products
   * that index holds ({@code null}: every changed product): the others cannot match in it anyway.
   * So an expert's HNSW search carries no filter for the changes to other experts' products (a
   * filter makes Lucene collect the accepted documents and often search exhaustively).
   */
  public Query baseFilter(LiveFilter f, ExpertIndex index) {
    Collection<DeltaEntry> relevant = index == null ? entries.values() : scoped(index).entries;
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    boolean positive = false;
    Query brand = FilterQueries.of(f.brands(), null, null);
    if (brand != null) {
      b.add(brand, Occur.FILTER);
      positive = true;
    }
    if (f.hasPrice()) {
      Query range = FilterQueries.of(null, f.priceMin(), f.priceMax());
      List<BytesRef> priced = new ArrayList<>();
      List<BytesRef> passing = new ArrayList<>();
      for (DeltaEntry e : relevant) {
        if (e.kind() == DeltaEntry.Kind.PATCHED && e.price() != null) {
          BytesRef id = new BytesRef(e.productId());
          priced.add(id);
          if (f.priceAllows(e.price())) {
            passing.add(id);
          }
        }
      }
      if (priced.isEmpty()) {
        b.add(range, Occur.FILTER);
      } else {
        BooleanQuery.Builder either = new BooleanQuery.Builder();
        either.add(
            new BooleanQuery.Builder()
                .add(range, Occur.FILTER)
                .add(new TermInSetQuery(IndexFields.ID, priced), Occur.MUST_NOT)
                .build(),
            Occur.SHOULD);
        if (!passing.isEmpty()) {
          either.add(new TermInSetQuery(IndexFields.ID, passing), Occur.SHOULD);
        }
        either.setMinimumNumberShouldMatch(1);
        b.add(either.build(), Occur.FILTER);
      }
      positive = true;
    }
    Query excluded = index == null ? exclusion() : scoped(index).exclusion;
    boolean any = positive;
    if (excluded != null) {
      b.add(excluded, Occur.MUST_NOT);
      any = true;
    }
    if (f.inStock()) {
      List<BytesRef> out = new ArrayList<>();
      List<BytesRef> restocked = new ArrayList<>();
      for (DeltaEntry e : relevant) {
        if (e.kind() == DeltaEntry.Kind.PATCHED) {
          (e.inStock() ? restocked : out).add(new BytesRef(e.productId()));
        }
      }
      // The artifact's out-of-stock products (a compacted version marks them), unless restocked.
      Query artifactOut = new TermQuery(new Term(IndexFields.IN_STOCK, "false"));
      if (!restocked.isEmpty()) {
        artifactOut =
            new BooleanQuery.Builder()
                .add(artifactOut, Occur.FILTER)
                .add(new TermInSetQuery(IndexFields.ID, restocked), Occur.MUST_NOT)
                .build();
      }
      b.add(artifactOut, Occur.MUST_NOT);
      any = true;
      if (!out.isEmpty()) {
        b.add(new TermInSetQuery(IndexFields.ID, out), Occur.MUST_NOT);
      }
    }
    if (!any) {
      return null;
    }
    if (!positive) {
      b.add(new MatchAllDocsQuery(), Occur.FILTER); // MUST_NOT alone matches nothing
    }
    return b.build();
  }

  /** Ids the artifact's index must not return here: hidden, or served from the delta. */
  private Query exclusion() {
    if (exclusionDirty) {
      baseExclusion = exclusion(entries.values());
      exclusionDirty = false;
    }
    return baseExclusion;
  }

  private static Query exclusion(Collection<DeltaEntry> of) {
    List<BytesRef> ids = new ArrayList<>();
    for (DeltaEntry e : of) {
      if (e.kind() != DeltaEntry.Kind.PATCHED) {
        ids.add(new BytesRef(e.productId()));
      }
    }
    return ids.isEmpty() ? null : new TermInSetQuery(IndexFields.ID, ids);
  }

  /** {@code index}'s view of the delta: the entries of the products it holds, current. */
  private Scoped scoped(ExpertIndex index) {
    Scoped v = scoped.get(index);
    if (v == null) {
      if (scoped.size() >= SCOPED_KEPT) {
        scoped.clear();
      }
      v = new Scoped();
      scoped.put(index, v);
    }
    if (v.entries == null) {
      List<DeltaEntry> held = new ArrayList<>();
      for (DeltaEntry e : entries.values()) {
        if (v.holds.computeIfAbsent(e.productId(), index::holds)) {
          held.add(e);
        }
      }
      v.entries = held;
      v.exclusion = exclusion(held);
    }
    return v;
  }

  /** The filter of the delta index's search: the query's constraints on the live values. */
  public static Query liveFilter(LiveFilter f) {
    Query q = FilterQueries.of(f.brands(), f.priceMin(), f.priceMax());
    if (!f.inStock()) {
      return q;
    }
    BooleanQuery.Builder b =
        new BooleanQuery.Builder()
            .add(new TermQuery(new Term(IndexFields.IN_STOCK, "true")), Occur.FILTER);
    if (q != null) {
      b.add(q, Occur.FILTER);
    }
    return b.build();
  }

  /**
   * Dense retrieval in this slot: the artifact's expert index ({@code null}: none) with {@link
   * #baseFilter} inside the HNSW search, and the delta index with {@link #liveFilter}, each {@code
   * k × oversample} candidates rescored exactly; the best {@code k} of both.
   */
  public List<Candidate> denseTopK(
      ExpertIndex base, float[] query, int k, int oversample, LiveFilter f) {
    List<List<Candidate>> lists = new ArrayList<>(2);
    if (base != null && base.size() > 0) {
      lists.add(base.knn(query, k * oversample, k, baseFilter(f, base)));
    }
    ExpertIndex delta = deltaIndex();
    if (delta != null) {
      lists.add(delta.knn(query, k * oversample, k, liveFilter(f)));
    }
    return lists.isEmpty() ? List.of() : ExactReranker.topK(lists, k);
  }

  /**
   * Lexical retrieval in this slot: {@code query} (BM25) over the artifact's lexical index with
   * {@link #baseFilter} and over the delta index with {@link #liveFilter}; the best {@code depth}
   * by BM25 score (ties by id).
   */
  public List<Candidate> lexicalTopK(ExpertIndex base, Query query, int depth, LiveFilter f) {
    List<Candidate> baseHits = search(base, query, depth, baseFilter(f, base));
    ExpertIndex delta = deltaIndex();
    if (delta == null) {
      return baseHits;
    }
    List<Candidate> all = new ArrayList<>(baseHits);
    all.addAll(search(delta, query, depth, liveFilter(f)));
    all.sort(ExactReranker.ORDER);
    return all.size() > depth ? List.copyOf(all.subList(0, depth)) : all;
  }

  private static List<Candidate> search(ExpertIndex index, Query q, int n, Query filter) {
    if (filter != null) {
      q = new BooleanQuery.Builder().add(q, Occur.MUST).add(filter, Occur.FILTER).build();
    }
    return index.search(q, n);
  }

  /** The embedding of a product served from this slot's delta, or {@code null}. */
  public float[] vector(String productId) {
    DeltaEntry e = entries.get(productId);
    return e != null && e.kind() == DeltaEntry.Kind.LIVE ? e.vector() : null;
  }

  /** The live price of a retrieved product: the delta's when it holds one, else the index's. */
  public Double price(Candidate c) {
    DeltaEntry e = entries.get(c.productId());
    return e != null && e.price() != null ? e.price() : c.price();
  }

  /**
   * The live stock of a product: the delta's, else {@code inArtifact} (the artifact's: a compacted
   * version may hold a product out of stock).
   */
  public boolean inStock(String productId, boolean inArtifact) {
    DeltaEntry e = entries.get(productId);
    return e == null ? inArtifact : e.inStock();
  }

  private ExpertIndex deltaIndex() {
    if (liveDocs == 0 && !dirty) {
      return null;
    }
    try {
      if (reader == null) {
        reader = DirectoryReader.open(writer());
        index = ExpertIndex.over(reader);
      } else if (dirty) {
        DirectoryReader next = DirectoryReader.openIfChanged(reader, writer);
        if (next != null) {
          reader.close();
          reader = next;
          index = ExpertIndex.over(reader);
        }
      }
      dirty = false;
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return liveDocs == 0 ? null : index;
  }

  private IndexWriter writer() throws IOException {
    if (writer == null) {
      directory = new ByteBuffersDirectory();
      IndexWriterConfig iwc = new IndexWriterConfig(Analyzers.forIndexing());
      iwc.setMergeScheduler(new SerialMergeScheduler());
      writer = new IndexWriter(directory, iwc);
    }
    return writer;
  }

  private static Document document(DeltaEntry e) {
    Document doc = ProductDocuments.toDocument(-1, e.product(), e.vector());
    doc.add(new KeywordField(IndexFields.IN_STOCK, Boolean.toString(e.inStock()), Field.Store.NO));
    return doc;
  }

  @Override
  public void close() {
    try {
      if (reader != null) {
        reader.close();
      }
      if (writer != null) {
        writer.close();
      }
      if (directory != null) {
        directory.close();
      }
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }
}
