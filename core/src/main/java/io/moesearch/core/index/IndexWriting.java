package io.moesearch.core.index;

import io.moesearch.core.catalog.Catalog;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
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
    KnnVectorsFormat format = encoding.format(m, beamWidth);
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
        w.addDocument(
            ProductDocuments.toDocument(
                ord, catalog.get(ord), vectors == null ? null : vectors.get(ord)));
      }
      w.forceMerge(1);
      w.commit();
    }
  }
}
