package io.moesearch.core.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/** File helpers shared by the loaders and the artifact code. */
public final class Files2 {
  private Files2() {}

  /**
   * A UTF-8 line reader over {@code path}, transparently gunzipping files that end in {@code .gz},
   * past a leading byte-order mark; a line that is not UTF-8 is reported, not decoded with U+FFFD
   * ({@link Utf8LineReader}).
   */
  public static Utf8LineReader openText(Path path) throws IOException {
    InputStream in = Files.newInputStream(path);
    try {
      if (path.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
    } catch (IOException e) {
      in.close();
      throw e;
    }
    return new Utf8LineReader(in);
  }

  /** Hex SHA-256 of a file's bytes. */
  public static String sha256(Path path) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Deletes a file tree if it exists. */
  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
