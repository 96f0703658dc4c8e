package io.moesearch.core.live;

import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.IndexFields;
import io.moesearch.core.index.LexicalStatistics;
import io.moesearch.core.index.ProductDocuments;
import io.moesearch.core.retrieval.ExactReranker;
import io.moesearch.core.retrieval.FilterQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

/**
 * One serving slot's live delta over the immutable artifact: its {@link DeltaEntry}s, the upserted
 * ({@code LIVE}) products in an in-memory Lucene index (HNSW + BM25 fields, near-real-time reader),
 * and, per artifact index searched through the slot, a {@linkplain #visible view} in which the
 * changes apply INSIDE the artifact's searches: hidden and replaced products are deleted documents
 * of the view (Lucene's live documents, which its HNSW graph search and BM25 scoring skip without a
 * filter query), out-of-stock ones too under an {@code in_stock} filter, and patched products are
 * filtered on their live price. So a deleted product is never returned and a filtered query still
 * fills its page from the remaining products.
 *
 * <p>A view is kept up to date change by change: applying an entry costs one term lookup per view
 * (a bit flip after the first time it sees a product the view holds), and rebuilds only the views
 * that hold the product (an expert's index holds a few hundred of the catalogue's products, so most
 * changes leave its view, and its unfiltered search, as they were). A search costs no more than
 * before the first change, whatever the delta's size.
 *
 * <p>Entries are applied in {@code ts} order per product: an entry not newer than the one held is
 * ignored ({@link #apply} returns false), so a replay converges. Not thread-safe (one per slot,
 * used by the operator's task thread).
 */
public final class LiveSlot implements AutoCloseable {
  private final Map<String, DeltaEntry> entries = new HashMap<>();

  /** Whether the delta index holds the upserted products' vectors (for {@link #denseTopK}). */
  private final boolean dense;

  private ByteBuffersDirectory directory;
  private IndexWriter writer;
  private DirectoryReader reader;
  private ExpertIndex index;

  /** {@link #index} scoring with {@link #scoredWith} (the lexical branch's), made on first use. */
  private ExpertIndex scoredDelta;

  private ExpertIndex scoredDeltaOf;
  private LexicalStatistics scoredWith;
  private int liveDocs;
  private boolean dirty;

  /** A slot for dense and lexical retrieval. */
  public LiveSlot() {
    this(true);
  }

  private LiveSlot(boolean dense) {
    this.dense = dense;
  }

  /**
   * A slot for {@link #lexicalTopK} only: its delta index holds no vectors, so an upsert costs no
   * HNSW graph insertion (nor its merges); {@link #vector} still gives an upserted product's
   * embedding, and {@link #denseTopK} searches the artifact's index alone.
   */
  public static LiveSlot lexicalOnly() {
    return new LiveSlot(false);
  }

  /**
   * Per artifact index searched here, its view of the delta (identity: an index is immutable),
   * until the index is closed ({@link #forget}).
   */
  private final Map<ExpertIndex, View> views = new IdentityHashMap<>();

  /** The artifact indexes a slot may search at once (versions × experts); beyond it, forget. */
  private static final int VIEWS_KEPT = 16;

  /**
   * Applies {@code e} unless this slot already holds the product at the same or a newer {@code ts}.
   *
   * @return whether it was applied
   */
  public boolean apply(DeltaEntry e) {
    return apply(e, false);
  }

  /**
   * Applies {@code e} as {@link #apply(DeltaEntry)}; with {@code relaid}, {@code e} is the
   * product's held state fanned out again over a new serving layout, and replaces an entry of the
   * same {@code ts} and another kind (the same update, which the old layout gave this slot as
   * hidden and the new one as upserted, or the reverse). A newer entry is never replaced.
   *
   * @return whether it was applied
   */
  public boolean apply(DeltaEntry e, boolean relaid) {
    DeltaEntry old = entries.get(e.productId());
    if (old != null
        && (old.ts() > e.ts() || (old.ts() == e.ts() && (!relaid || old.kind() == e.kind())))) {
      return false;
    }
    boolean wasLive = old != null && old.kind() == DeltaEntry.Kind.LIVE;
    // The delta index first: an entry it rejects leaves the slot as it was (the product's earlier
    // state still served, the entry not recorded), never an entry without its document.
    try {
      if (e.kind() == DeltaEntry.Kind.LIVE) {
        dirty = true;
        writer().updateDocument(new Term(IndexFields.ID, e.productId()), document(e));
      } else if (wasLive) {
        dirty = true;
        writer().deleteDocuments(new Term(IndexFields.ID, e.productId()));
      }
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    if (e.kind() == DeltaEntry.Kind.LIVE && !wasLive) {
      liveDocs++;
    } else if (e.kind() != DeltaEntry.Kind.LIVE && wasLive) {
      liveDocs--;
    }
    entries.put(e.productId(), e);
    changed(e.productId());
    return true;
  }

  /**
   * Applies entries restored from state, in any order (each product's newest wins). An entry the
   * delta index rejects is skipped, so one bad entry cannot keep the slot from being rebuilt.
   *
   * @return how many entries were rejected
   */
  public int applyAll(Iterable<DeltaEntry> restored) {
    int rejected = 0;
    for (DeltaEntry e : restored) {
      try {
        apply(e);
      } catch (RuntimeException x) {
        rejected++;
      }
    }
    return rejected;
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
    for (String id : dropped) {
      changed(id);
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

  private void changed(String productId) {
    for (View v : views.values()) {
      v.update(productId);
    }
  }

  /**
   * {@code base} (an artifact index searched through this slot) as this slot serves it: without the
   * products the delta hides or replaces. {@code base} itself while no change concerns it.
   */
  public ExpertIndex visible(ExpertIndex base) {
    return view(base).searched(LiveFilter.NONE);
  }

  /**
   * {@code base} as this slot serves it under {@code f}: {@link #visible}, less the products out of
   * stock (live) under an {@code in_stock} filter and the patched products whose live price fails
   * {@code f}'s price range.
   */
  public ExpertIndex visible(ExpertIndex base, LiveFilter f) {
    return view(base).searched(f);
  }

  /**
   * The filter query of a search of {@link #visible(ExpertIndex, LiveFilter)}: {@code f}'s brand
   * and price constraints, a patched product's price matched on its live value; {@code null} when
   * {@code f} constrains neither.
   */
  public Query baseFilter(ExpertIndex base, LiveFilter f) {
    return view(base).filter(f);
  }

  /**
   * Forgets this slot's view of {@code base} (its id set, document map and bit sets), for when
   * {@code base} is closed: the view would keep them, and the closed index, reachable for as long
   * as the slot lives. Nothing when the slot has no view of it; a later search of {@code base}
   * builds one again.
   */
  public void forget(ExpertIndex base) {
    views.remove(base);
  }

  private View view(ExpertIndex base) {
    View v = views.get(base);
    if (v == null) {
      if (views.size() >= VIEWS_KEPT) {
        views.clear();
      }
      v = new View(base);
      views.put(base, v);
    }
    return v;
  }

  /** One artifact index's view of the delta, kept current by {@link #changed}. */
  private final class View {
    private final ExpertIndex base;

    /**
     * Product id → its documents in {@link #base}, for the changed products it holds (the index is
     * immutable); bounded by the index's size, since every slot sees every catalogue change (those
     * of products it does not hold in bulk, a little later).
     */
    private final Map<String, int[]> docs = new HashMap<>();

    /** The products {@link #base} holds: a change of any other concerns it not. */
    private final Set<String> held;

    /** Documents of products the delta hides or replaces. */
    private final FixedBitSet hidden;

    /** The artifact's out-of-stock documents (a compacted version marks them). */
    private final FixedBitSet artifactOut;

    /** Documents out of stock now: the artifact's, unless patched, and the patched ones. */
    private final FixedBitSet outOfStock;

    /** Documents of patched products with a live price, and their entries. */
    private final Map<Integer, DeltaEntry> priced = new HashMap<>();

    private ExpertIndex visible;
    private ExpertIndex visibleInStock;

    View(ExpertIndex base) {
      this.base = base;
      this.held = base.productIds();
      int bits = Math.max(1, base.maxDoc());
      this.hidden = new FixedBitSet(bits);
      this.artifactOut =
          base.maxDoc() == 0
              ? new FixedBitSet(bits)
              : base.matching(new TermQuery(new Term(IndexFields.IN_STOCK, "false")));
      this.outOfStock = artifactOut.clone();
      for (String id : entries.keySet()) {
        update(id);
      }
    }

    /** Brings the documents of {@code productId} in line with its entry (none: the artifact's). */
    void update(String productId) {
      int[] ds = docs.get(productId);
      if (ds == null) {
        if (!held.contains(productId)) {
          return; // most changes, for an expert's view: no term lookup
        }
        ds = base.docsOf(productId); // one term lookup
        if (ds.length == 0) {
          return;
        }
        docs.put(productId, ds);
      }
      DeltaEntry e = entries.get(productId);
      boolean patched = e != null && e.kind() == DeltaEntry.Kind.PATCHED;
      for (int d : ds) {
        set(hidden, d, e != null && !patched);
        set(outOfStock, d, patched ? !e.inStock() : artifactOut.get(d));
        if (patched && e.price() != null) {
          priced.put(d, e);
        } else {
          priced.remove(d);
        }
      }
      visible = null;
      visibleInStock = null;
    }

    ExpertIndex searched(LiveFilter f) {
      if (f.hasPrice()) {
        FixedBitSet out = null;
        for (var p : priced.entrySet()) {
          if (!f.priceAllows(p.getValue().price())) {
            if (out == null) {
              out = f.inStock() ? union(hidden, outOfStock) : hidden.clone();
            }
            out.set(p.getKey());
          }
        }
        if (out != null) {
          return without(out); // a view of this query's own
        }
      }
      if (f.inStock()) {
        if (visibleInStock == null) {
          visibleInStock = without(union(hidden, outOfStock));
        }
        return visibleInStock;
      }
      if (visible == null) {
        visible = without(hidden);
      }
      return visible;
    }

    private ExpertIndex without(FixedBitSet bits) {
      return bits.cardinality() == 0 ? base : base.without(bits);
    }

    Query filter(LiveFilter f) {
      Query brand = FilterQueries.of(f.brands(), null, null);
      if (!f.hasPrice()) {
        return brand;
      }
      Query range = FilterQueries.of(null, f.priceMin(), f.priceMax());
      List<BytesRef> passing = new ArrayList<>();
      for (DeltaEntry e : priced.values()) {
        if (f.priceAllows(e.price())) {
          passing.add(new BytesRef(e.productId()));
        }
      }
      Query price =
          passing.isEmpty()
              ? range
              : new BooleanQuery.Builder()
                  .add(range, Occur.SHOULD)
                  .add(new TermInSetQuery(IndexFields.ID, passing), Occur.SHOULD)
                  .setMinimumNumberShouldMatch(1)
                  .build();
      if (brand == null) {
        return price;
      }
      return new BooleanQuery.Builder().add(brand, Occur.FILTER).add(price, Occur.FILTER).build();
    }
  }

  private static void set(FixedBitSet bits, int doc, boolean value) {
    if (value) {
      bits.set(doc);
    } else {
      bits.clear(doc);
    }
  }

  private static FixedBitSet union(FixedBitSet a, FixedBitSet b) {
    FixedBitSet u = a.clone();
    u.or(b);
    return u;
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
   * Dense retrieval in this slot: the artifact's expert index ({@code null}: none) as {@link
   * #visible(ExpertIndex, LiveFilter) visible} under {@code f} with {@link #baseFilter} inside the
   * HNSW search, and the delta index with {@link #liveFilter}, each {@code k × oversample}
   * candidates rescored exactly; the best {@code k} of both.
   */
  public List<Candidate> denseTopK(
      ExpertIndex base, float[] query, int k, int oversample, LiveFilter f) {
    List<List<Candidate>> lists = new ArrayList<>(2);
    if (base != null && base.size() > 0) {
      ExpertIndex served = visible(base, f);
      if (served.size() > 0) {
        lists.add(served.knn(query, k * oversample, k, baseFilter(base, f)));
      }
    }
    ExpertIndex delta = dense ? deltaIndex() : null;
    if (delta != null) {
      lists.add(delta.knn(query, k * oversample, k, liveFilter(f)));
    }
    return lists.isEmpty() ? List.of() : ExactReranker.topK(lists, k);
  }

  /**
   * Lexical retrieval in this slot: {@code query} (BM25) over the artifact's lexical index as
   * {@link #visible(ExpertIndex, LiveFilter) visible} under {@code f} with {@link #baseFilter}, and
   * over the delta index with {@link #liveFilter}, scored with the artifact index's statistics
   * ({@link LexicalStatistics}: an upserted product scores as it would among the artifact's
   * documents); the best {@code depth} by BM25 score (ties by id).
   */
  public List<Candidate> lexicalTopK(ExpertIndex base, Query query, int depth, LiveFilter f) {
    List<Candidate> baseHits = search(visible(base, f), query, depth, baseFilter(base, f));
    ExpertIndex delta = deltaIndex();
    if (delta == null) {
      return baseHits;
    }
    LexicalStatistics stats = base.statistics();
    if (scoredDelta == null || scoredDeltaOf != delta || scoredWith != stats) {
      scoredDelta = ExpertIndex.over(reader, stats);
      scoredDeltaOf = delta;
      scoredWith = stats;
    }
    List<Candidate> all = new ArrayList<>(baseHits);
    all.addAll(search(scoredDelta, query, depth, liveFilter(f)));
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
    if (writer == null || (!dirty && (reader == null || reader.numDocs() == 0))) {
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
    // What the index holds, not the entries' count: searched whenever it holds a document.
    return reader.numDocs() == 0 ? null : index;
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

  private Document document(DeltaEntry e) {
    Document doc = ProductDocuments.toDocument(-1, e.product(), dense ? e.vector() : null);
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
