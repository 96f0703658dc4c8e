package io.moesearch.core.index;

import java.util.Arrays;
import java.util.Locale;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * How HNSW vectors are stored: full float32, or one of Lucene 10's scalar-quantized encodings (the
 * raw float vectors are kept beside them, so reranking stays full precision).
 */
public enum VectorEncoding {
  FLOAT32(null),
  INT8(ScalarEncoding.UNSIGNED_BYTE),
  INT7(ScalarEncoding.SEVEN_BIT),
  INT4(ScalarEncoding.PACKED_NIBBLE),
  BIT1(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE);

  private final ScalarEncoding scalar;

  VectorEncoding(ScalarEncoding scalar) {
    this.scalar = scalar;
  }

  /**
   * The Lucene vectors format for this encoding with HNSW parameters {@code m} and {@code
   * beamWidth}.
   */
  public KnnVectorsFormat format(int m, int beamWidth) {
    return scalar == null
        ? new Lucene99HnswVectorsFormat(m, beamWidth)
        : new Lucene104HnswScalarQuantizedVectorsFormat(scalar, m, beamWidth);
  }

  public static VectorEncoding parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "index.encoding must be one of "
              + Arrays.toString(values()).toLowerCase(Locale.ROOT)
              + ", got "
              + name);
    }
  }
}
