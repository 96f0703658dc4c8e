package io.moesearch.core.index;

import io.moesearch.core.util.Vectors;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Full-precision product vectors by ordinal, for exact reranking. File format: little-endian int32
 * count, int32 dimension, then count × dimension float32.
 */
public final class VectorStore {
  private final float[][] vectors;
  private final int dimension;

  public VectorStore(float[][] vectors) {
    if (vectors.length == 0) {
      throw new IllegalArgumentException("a vector store needs at least one vector");
    }
    this.dimension = vectors[0].length;
    for (int i = 0; i < vectors.length; i++) {
      Vectors.checkDimension(vectors[i], dimension, "vector " + i);
    }
    this.vectors = vectors;
  }

  public int size() {
    return vectors.length;
  }

  public int dimension() {
    return dimension;
  }

  /** The stored vector; callers must not modify it. */
  public float[] get(int ordinal) {
    return vectors[ordinal];
  }

  /** The exact score of {@code ordinal} for {@code query} ({@link Vectors#exactDot}). */
  public float dot(float[] query, int ordinal) {
    return Vectors.exactDot(query, vectors[ordinal]);
  }

  public void write(Path file) throws IOException {
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(vectors.length).putInt(dimension);
      os.write(header.array());
      ByteBuffer row = ByteBuffer.allocate(dimension * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] v : vectors) {
        row.clear();
        row.asFloatBuffer().put(v);
        os.write(row.array());
      }
    }
  }

  public static VectorStore read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      DataInputStream data = new DataInputStream(in);
      byte[] headerBytes = new byte[8];
      data.readFully(headerBytes);
      ByteBuffer header = ByteBuffer.wrap(headerBytes).order(ByteOrder.LITTLE_ENDIAN);
      int count = header.getInt();
      int dim = header.getInt();
      if (count <= 0 || dim <= 0 || (long) count * dim * 4 + 8 != Files.size(file)) {
        throw new IOException(
            file
                + " is not a vector file (count "
                + count
                + ", dimension "
                + dim
                + ", size "
                + Files.size(file)
                + ")");
      }
      float[][] vectors = new float[count][dim];
      byte[] rowBytes = new byte[dim * 4];
      for (int i = 0; i < count; i++) {
        data.readFully(rowBytes);
        ByteBuffer.wrap(rowBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vectors[i]);
      }
      return new VectorStore(vectors);
    }
  }

  /** Writes a plain float matrix in the same format (used for gate weights). */
  public static void writeMatrix(float[][] m, Path file) throws IOException {
    new VectorStore(m).write(file);
  }
}
