package io.moesearch.core.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;

/**
 * A read-only searcher over one Lucene index (an expert's partition, or the whole catalogue). HNSW
 * hits are rescored exactly against the index's own full-precision vectors. Thread-safe.
 */
public final class ExpertIndex implements AutoCloseable {
  private static final Set<String> STORED =
      Set.of(
          IndexFields.ID, IndexFields.ORD, IndexFields.TITLE, IndexFields.BRAND, IndexFields.MODEL);

  private final FSDirectory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;

  private ExpertIndex(FSDirectory directory) throws IOException {
    this.directory = directory;
    this.reader = DirectoryReader.open(directory);
    this.searcher = new IndexSearcher(reader);
    this.searcher.setQueryCache(null);
  }

  public static ExpertIndex open(Path dir) {
    try {
      return new ExpertIndex(FSDirectory.open(dir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open index " + dir + ": " + e.getMessage(), e);
    }
  }

  public int size() {
    return reader.numDocs();
  }

  public IndexSearcher searcher() {
    return searcher;
  }

  /**
   * Approximate kNN over HNSW for {@code candidates} hits (optionally pre-filtered inside the graph
   * search), each rescored exactly by dot product with the full-precision vector stored in the
   * index (Lucene keeps raw float vectors beside quantized ones); returns the best {@code keep} by
   * exact score (ties by document order). Stored fields are read only for those.
   */
  public List<Candidate> knn(float[] query, int candidates, int keep, Query filter) {
    if (candidates < 1 || keep < 1) {
      throw new IllegalArgumentException(
          "candidates and keep must be >= 1, got " + candidates + ", " + keep);
    }
    try {
      TopDocs top =
          searcher.search(
              new KnnFloatVectorQuery(IndexFields.VECTOR, query, candidates, filter), candidates);
      ScoreDoc[] hits = top.scoreDocs.clone();
      java.util.Arrays.sort(hits, java.util.Comparator.comparingInt(h -> h.doc));
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
        sd.score = VectorUtil.dotProduct(query, values.vectorValue(it.index()));
      }
      java.util.Arrays.sort(
          hits,
          (a, b) ->
              a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
      int n = Math.min(keep, hits.length);
      List<Candidate> out = new ArrayList<>(n);
      StoredFields stored = searcher.storedFields();
      for (int i = 0; i < n; i++) {
        Document d = stored.document(hits[i].doc, STORED);
        out.add(
            new Candidate(
                d.getField(IndexFields.ORD).numericValue().intValue(),
                d.get(IndexFields.ID),
                d.get(IndexFields.TITLE),
                d.get(IndexFields.BRAND),
                d.get(IndexFields.MODEL),
                hits[i].score));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs an arbitrary query (for example BM25) and returns its hits with Lucene scores. */
  public List<Candidate> search(Query query, int n) {
    try {
      TopDocs top = searcher.search(query, n);
      List<Candidate> out = new ArrayList<>(top.scoreDocs.length);
      StoredFields stored = searcher.storedFields();
      for (ScoreDoc sd : top.scoreDocs) {
        Document d = stored.document(sd.doc, STORED);
        out.add(
            new Candidate(
                d.getField(IndexFields.ORD).numericValue().intValue(),
                d.get(IndexFields.ID),
                d.get(IndexFields.TITLE),
                d.get(IndexFields.BRAND),
                d.get(IndexFields.MODEL),
                sd.score));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
