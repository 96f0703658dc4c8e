package io.moesearch.core.index;

import io.moesearch.core.util.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.NumericUtils;

/**
 * A read-only searcher over one Lucene index (an expert's partition, or the whole catalogue). HNSW
 * hits are rescored exactly against the index's own full-precision vectors. Thread-safe.
 */
public final class ExpertIndex implements AutoCloseable {

  private final Directory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;

  /** This index's BM25 statistics, made on first use ({@link #statistics}). */
  private volatile LexicalStatistics statistics;

  /**
   * Each document's stored values, by top-level id, read from the doc values on its first retrieval
   * (a reader's documents never change): decoding a candidate's four strings took about a tenth of
   * the retrieval thread's time. Only for an index this instance opened ({@link #open}), shared
   * with its {@link #without} views (same ids); {@code null} (read every time) for a searcher over
   * another's reader, such as the live delta's, reopened all the time. Racy writes are benign (an
   * entry is immutable, and the same whoever reads it first). Bounded by {@link #ROW_BUDGET_CHARS}
   * over all open indexes.
   */
  private final DocValuesRow[] rows;

  /** Set by {@link #close} (shared with the views): nothing more is kept. */
  private final AtomicBoolean closed;

  /** Characters this index's {@link #rows} keep (counted in {@link #ROW_CHARS}; 0 for a view). */
  private final AtomicLong rowChars;

  /**
   * Characters of stored values the open indexes keep at most, together: 32 Mi (some 64 MB of
   * strings and rows, each row counted with its overhead; the 19,406 Icecat products, each in about
   * three indexes, need about 8 Mi). Beyond it, documents are read from the doc values every time,
   * as before.
   */
  static final long ROW_BUDGET_CHARS = 32L << 20;

  private static final AtomicLong ROW_CHARS = new AtomicLong();

  /** One document's stored values as candidates carry them. */
  private record DocValuesRow(
      int ordinal, String productId, String title, String brand, String model, Double price) {
    /** Its size in characters, with a row's object overhead counted as {@value #OVERHEAD}. */
    long chars() {
      return OVERHEAD + productId.length() + title.length() + brand.length() + model.length();
    }

    /** About 200 bytes of headers (the record, four strings and their arrays, a Double). */
    static final int OVERHEAD = 100;
  }

  private ExpertIndex(Directory directory, DirectoryReader reader) {
    this(
        directory,
        reader,
        new IndexSearcher(reader),
        directory == null ? null : new DocValuesRow[reader.maxDoc()],
        new AtomicLong(),
        new AtomicBoolean());
  }

  private ExpertIndex(
      Directory directory,
      DirectoryReader reader,
      IndexSearcher searcher,
      DocValuesRow[] rows,
      AtomicLong rowChars,
      AtomicBoolean closed) {
    this.directory = directory;
    this.reader = reader;
    this.searcher = searcher;
    this.searcher.setQueryCache(null);
    this.rows = rows;
    this.rowChars = rowChars;
    this.closed = closed;
  }

  /**
   * A searcher over an open reader it does not own (for example a near-real-time reader of the live
   * delta): {@link #close} leaves the reader open.
   */
  public static ExpertIndex over(DirectoryReader reader) {
    return new ExpertIndex(null, reader);
  }

  /**
   * A searcher over an open reader it does not own that scores BM25 with {@code statistics}
   * (another index's: {@link LexicalStatistics}) instead of the reader's own.
   */
  public static ExpertIndex over(DirectoryReader reader, LexicalStatistics statistics) {
    return new ExpertIndex(
        null, reader, statistics.searcherOf(reader), null, new AtomicLong(), new AtomicBoolean());
  }

  /**
   * This index's BM25 statistics, for searches of another index that should score as if its
   * documents were in this one ({@link #over(DirectoryReader, LexicalStatistics)}). A {@link
   * #without} view has its index's statistics (deleted documents count, as in Lucene).
   */
  public LexicalStatistics statistics() {
    LexicalStatistics s = statistics;
    if (s == null) {
      s = new LexicalStatistics(reader);
      statistics = s;
    }
    return s;
  }

  /** Whether a document of this index holds {@code term} in the BM25 field (its vocabulary). */
  public boolean indexes(String term) {
    return statistics().holds(new Term(IndexFields.ALL_TEXT, term));
  }

  public static ExpertIndex open(Path dir) {
    try {
      FSDirectory d = FSDirectory.open(dir);
      return new ExpertIndex(d, DirectoryReader.open(d));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open index " + dir + ": " + e.getMessage(), e);
    }
  }

  public int size() {
    return reader.numDocs();
  }

  /**
   * Approximate kNN over HNSW for {@code candidates} hits (optionally pre-filtered inside the graph
   * search), each rescored exactly by dot product with the full-precision vector stored in the
   * index (Lucene keeps raw float vectors beside quantized ones); returns the best {@code keep} by
   * exact score (ties by document order). Stored fields are read only for those.
   *
   * <p>When {@code candidates} is at least the number of live documents, the graph search would
   * visit every document anyway (an expert of a few hundred products asked for {@code top_k ×
   * oversample} of them), so every document passing {@code filter} is scored exactly instead
   * (Lucene makes the same switch when a filter leaves no more than {@code k} documents): the
   * answer is the exact top {@code keep}, without the graph traversal, its candidate queue and the
   * rewrite's sorting.
   */
  public List<Candidate> knn(float[] query, int candidates, int keep, Query filter) {
    if (candidates < 1 || keep < 1) {
      throw new IllegalArgumentException(
          "candidates and keep must be >= 1, got " + candidates + ", " + keep);
    }
    try {
      if (candidates >= reader.numDocs()) {
        return candidates(best(exact(query, filter), keep));
      }
      TopDocs top =
          searcher.search(
              new KnnFloatVectorQuery(IndexFields.VECTOR, query, candidates, filter), candidates);
      ScoreDoc[] hits = top.scoreDocs.clone();
      Arrays.sort(hits, Comparator.comparingInt(h -> h.doc));
      List<LeafReaderContext> leaves = reader.leaves();
      int leafIdx = -1;
      FloatVectorValues values = null;
      KnnVectorValues.DocIndexIterator it = null;
      for (ScoreDoc sd : hits) {
        int leaf = ReaderUtil.subIndex(sd.doc, leaves);
        if (leaf != leafIdx) {
          leafIdx = leaf;
          values = leaves.get(leaf).reader().getFloatVectorValues(IndexFields.VECTOR);
          it = values.iterator();
        }
        int local = sd.doc - leaves.get(leaf).docBase;
        if (it.docID() < local) {
          it.advance(local);
        }
        sd.score = Vectors.exactDot(query, values.vectorValue(it.index()));
      }
      return candidates(best(hits, keep));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The best {@code keep} of {@code hits} by score, ties by document order (sorts in place). */
  private static ScoreDoc[] best(ScoreDoc[] hits, int keep) {
    Arrays.sort(
        hits,
        (a, b) ->
            a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
    return Arrays.copyOf(hits, Math.min(keep, hits.length));
  }

  /**
   * Every live document with a vector that passes {@code filter} ({@code null}: all), scored by
   * {@link Vectors#exactDot} with its full-precision vector; {@code doc} is the top-level id.
   */
  private ScoreDoc[] exact(float[] query, Query filter) throws IOException {
    Weight filterWeight =
        filter == null
            ? null
            : searcher.createWeight(searcher.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1f);
    List<ScoreDoc> out = new ArrayList<>();
    for (LeafReaderContext leaf : reader.leaves()) {
      FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexFields.VECTOR);
      if (values == null) {
        continue;
      }
      Bits live = leaf.reader().getLiveDocs();
      DocIdSetIterator accepted = null;
      if (filterWeight != null) {
        Scorer scorer = filterWeight.scorer(leaf);
        if (scorer == null) {
          continue;
        }
        accepted = scorer.iterator();
      }
      KnnVectorValues.DocIndexIterator it = values.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if (live != null && !live.get(doc)) {
          continue;
        }
        if (accepted != null) {
          if (accepted.docID() < doc) {
            accepted.advance(doc);
          }
          if (accepted.docID() != doc) {
            continue;
          }
        }
        out.add(
            new ScoreDoc(
                leaf.docBase + doc, Vectors.exactDot(query, values.vectorValue(it.index()))));
      }
    }
    return out.toArray(new ScoreDoc[0]);
  }

  /** Document ids in this index, deleted ones included: the length of a bit set over its ids. */
  public int maxDoc() {
    return reader.maxDoc();
  }

  /**
   * The ids of the products this index holds documents of (deleted ones included, as {@link
   * #docsOf}): one pass over the id field's terms. For a view of the live delta to skip the term
   * lookup of each change of a product the index does not hold (an expert holds a few hundred of
   * the catalogue's products, and every slot hears of every change).
   */
  public Set<String> productIds() {
    Set<String> out = new HashSet<>();
    try {
      for (LeafReaderContext leaf : reader.leaves()) {
        Terms terms = leaf.reader().terms(IndexFields.ID);
        if (terms == null) {
          continue;
        }
        TermsEnum te = terms.iterator();
        for (BytesRef t = te.next(); t != null; t = te.next()) {
          out.add(t.utf8ToString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The top-level ids of the documents of the product {@code id} (deleted ones included), in order;
   * empty when the index holds none.
   */
  public int[] docsOf(String id) {
    Term term = new Term(IndexFields.ID, id);
    int[] out = new int[0];
    try {
      for (LeafReaderContext leaf : reader.leaves()) {
        PostingsEnum postings = leaf.reader().postings(term, PostingsEnum.NONE);
        if (postings == null) {
          continue;
        }
        for (int d = postings.nextDoc();
            d != DocIdSetIterator.NO_MORE_DOCS;
            d = postings.nextDoc()) {
          out = Arrays.copyOf(out, out.length + 1);
          out[out.length - 1] = leaf.docBase + d;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The top-level ids of the documents matching {@code query} (deleted ones included), as a bit set
   * of {@link #maxDoc} bits.
   */
  public FixedBitSet matching(Query query) {
    FixedBitSet out = new FixedBitSet(Math.max(1, reader.maxDoc()));
    try {
      Weight w = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
      for (LeafReaderContext leaf : reader.leaves()) {
        Scorer scorer = w.scorer(leaf);
        if (scorer == null) {
          continue;
        }
        DocIdSetIterator it = scorer.iterator();
        for (int d = it.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = it.nextDoc()) {
          out.set(leaf.docBase + d);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * This index with the documents set in {@code hidden} (top-level ids; copied, so the caller may
   * change it afterwards) taken out as if deleted: every search skips them, the HNSW graph search
   * included (through its accept-docs, not a filter query), and {@link #size} counts the rest.
   * Closing the view leaves this index open.
   *
   * @throws IllegalArgumentException if {@code hidden} has fewer than {@link #maxDoc} bits
   */
  public ExpertIndex without(FixedBitSet hidden) {
    try {
      DirectoryReader hiding = new HidingDirectoryReader(reader, hidden.clone());
      return new ExpertIndex(null, hiding, new IndexSearcher(hiding), rows, rowChars, closed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether this index holds a document of the product {@code id} (deleted ones included). */
  public boolean holds(String id) {
    try {
      return reader.docFreq(new Term(IndexFields.ID, id)) > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many of this index's products match {@code filter} (a brand/price filter query). */
  public int count(Query filter) {
    try {
      return searcher.count(filter);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs an arbitrary query (for example BM25) and returns its hits with Lucene scores. */
  public List<Candidate> search(Query query, int n) {
    try {
      return candidates(searcher.search(query, n).scoreDocs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads the hits' ordinal, id, title, brand, model and price from doc values (in doc order, as
   * doc values iterate forwards), keeping the hits' order and scores.
   */
  private List<Candidate> candidates(ScoreDoc[] hits) throws IOException {
    Candidate[] out = new Candidate[hits.length];
    List<Integer> unread = null;
    for (int i = 0; i < hits.length; i++) {
      DocValuesRow row = rows == null ? null : rows[hits[i].doc];
      if (row != null) {
        out[i] = candidate(row, hits[i].score);
      } else {
        if (unread == null) {
          unread = new ArrayList<>();
        }
        unread.add(i);
      }
    }
    if (unread == null) {
      return Arrays.asList(out);
    }
    unread.sort(Comparator.comparingInt(i -> hits[i].doc)); // doc values read forward
    List<LeafReaderContext> leaves = reader.leaves();
    int leafIdx = -1;
    NumericDocValues ords = null;
    BinaryDocValues ids = null;
    BinaryDocValues titles = null;
    BinaryDocValues brands = null;
    BinaryDocValues models = null;
    SortedNumericDocValues prices = null;
    for (int i : unread) {
      int doc = hits[i].doc;
      int leaf = ReaderUtil.subIndex(doc, leaves);
      if (leaf != leafIdx) {
        leafIdx = leaf;
        var r = leaves.get(leaf).reader();
        ords = r.getNumericDocValues(IndexFields.ORD);
        ids = r.getBinaryDocValues(IndexFields.ID);
        titles = r.getBinaryDocValues(IndexFields.TITLE);
        brands = r.getBinaryDocValues(IndexFields.BRAND);
        models = r.getBinaryDocValues(IndexFields.MODEL);
        prices = r.getSortedNumericDocValues(IndexFields.PRICE);
      }
      int local = doc - leaves.get(leaf).docBase;
      DocValuesRow row = rows == null ? null : rows[doc];
      if (row == null) { // not read yet, nor by an earlier hit of the same document
        ords.advanceExact(local);
        row =
            new DocValuesRow(
                (int) ords.longValue(),
                text(ids, local),
                text(titles, local),
                text(brands, local),
                text(models, local),
                prices != null && prices.advanceExact(local)
                    ? NumericUtils.sortableLongToDouble(prices.nextValue())
                    : null);
        keep(doc, row);
      }
      out[i] = candidate(row, hits[i].score);
    }
    return Arrays.asList(out);
  }

  /** Characters of stored values the open indexes keep now (of {@link #ROW_BUDGET_CHARS}). */
  static long rowCharsKept() {
    return ROW_CHARS.get();
  }

  /** Keeps {@code row} for {@code doc} while the budget allows, and never once closed. */
  private void keep(int doc, DocValuesRow row) {
    if (rows == null || closed.get()) {
      return;
    }
    long chars = row.chars();
    if (ROW_CHARS.addAndGet(chars) > ROW_BUDGET_CHARS) {
      ROW_CHARS.addAndGet(-chars);
      return;
    }
    rowChars.addAndGet(chars);
    if (closed.get()) { // closed meanwhile: give back what close() did not see
      ROW_CHARS.addAndGet(-rowChars.getAndSet(0));
      return;
    }
    rows[doc] = row; // a racing reader of the same document may keep its own: counted twice, safe
  }

  private static Candidate candidate(DocValuesRow row, float score) {
    return new Candidate(
        row.ordinal(), row.productId(), row.title(), row.brand(), row.model(), score, row.price());
  }

  private static String text(BinaryDocValues values, int doc) throws IOException {
    return values != null && values.advanceExact(doc) ? values.binaryValue().utf8ToString() : "";
  }

  @Override
  public void close() {
    if (directory == null) {
      return;
    }
    closed.set(true);
    ROW_CHARS.addAndGet(-rowChars.getAndSet(0));
    try {
      reader.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
