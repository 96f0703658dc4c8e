package io.moesearch.core.index;

import io.moesearch.core.catalog.Catalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;

/**
 * Writes one force-merged Lucene index over a subset of the catalogue: an expert's products with
 * their vectors, or (with {@code vectors == null}) a purely lexical index over all products.
 */
public final class IndexWriting {
  private IndexWriting() {}

  /**
   * @param ordinals the catalogue ordinals to index
   * @param vectors the full vector store, or {@code null} for a text-only index
   */
  public static void write(
      Path dir,
      Catalog catalog,
      int[] ordinals,
      VectorStore vectors,
      VectorEncoding encoding,
      int m,
      int beamWidth)
      throws IOException {
    write(
        dir,
        ordinals,
        ord ->
            ProductDocuments.toDocument(
                ord, catalog.get(ord), vectors == null ? null : vectors.get(ord)),
        encoding.format(m, beamWidth));
  }

  /**
   * One force-merged HNSW index of vectors alone ({@link ProductDocuments#vectorOnly}): an expert
   * of a catalogue without text, such as the synthetic one.
   *
   * @param vectors the full catalogue's vectors, indexed by ordinal
   */
  public static void writeVectors(
      Path dir, float[][] vectors, int[] ordinals, VectorEncoding encoding, int m, int beamWidth)
      throws IOException {
    write(
        dir,
        ordinals,
        ord -> ProductDocuments.vectorOnly(ord, vectors[ord]),
        encoding.format(m, beamWidth));
  }

  private static void write(
      Path dir, int[] ordinals, IntFunction<Document> document, KnnVectorsFormat format)
      throws IOException {
    IndexWriterConfig iwc = new IndexWriterConfig(Analyzers.forIndexing());
    iwc.setCodec(
        new Lucene104Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        });
    iwc.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    iwc.setRAMBufferSizeMB(256);
    iwc.setUseCompoundFile(false);
    try (FSDirectory d = FSDirectory.open(dir);
        IndexWriter w = new IndexWriter(d, iwc)) {
      for (int ord : ordinals) {
        w.addDocument(document.apply(ord));
      }
      w.forceMerge(1);
      w.commit();
    }
  }
}
