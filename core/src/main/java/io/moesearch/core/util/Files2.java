package io.moesearch.core.util;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** File helpers shared by the loaders and the artifact code. */
public final class Files2 {
  private Files2() {}

  /**
   * Why {@code path} cannot be an input file, or {@code null} when it is a regular file (after
   * symbolic links): {@code "no such file"}, {@code "not a regular file (a directory)"} or {@code
   * "not a regular file (a device, FIFO or socket)"}. A device such as {@code /dev/zero} would be
   * read for ever, a FIFO blocks its reader until a writer comes.
   */
  public static String notRegularFile(Path path) {
    if (Files.isRegularFile(path)) {
      return null;
    }
    if (!Files.exists(path)) {
      return "no such file";
    }
    return Files.isDirectory(path)
        ? "not a regular file (a directory)"
        : "not a regular file (a device, FIFO or socket)";
  }

  /**
   * Fails unless {@code path} is a regular file ({@link #notRegularFile}).
   *
   * @throws NoSuchFileException if there is nothing at {@code path}
   * @throws FileSystemException naming {@code path} and why otherwise
   */
  public static void requireRegularFile(Path path) throws FileSystemException {
    String problem = notRegularFile(path);
    if (problem == null) {
      return;
    }
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString());
    }
    throw new FileSystemException(path.toString(), null, problem);
  }

  /**
   * A UTF-8 line reader over the regular file {@code path} ({@link #requireRegularFile}),
   * transparently gunzipping files that end in {@code .gz}, past a leading byte-order mark; a line
   * that is not UTF-8 or longer than {@link Utf8LineReader#MAX_LINE_BYTES} is reported, not decoded
   * with U+FFFD or held whole ({@link Utf8LineReader}).
   *
   * @throws FileSystemException if {@code path} is not a regular file or cannot be opened
   */
  public static Utf8LineReader openText(Path path) throws IOException {
    requireRegularFile(path);
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

  /** What {@link #readText} does with the open file. */
  @FunctionalInterface
  public interface LineReading<T> {
    T read(Utf8LineReader in) throws IOException;
  }

  /**
   * {@code reading} over {@link #openText}{@code (path)}. A file that cannot be read to its end
   * (not gzip though named so, gzip data that ends early or is corrupt, an I/O error) fails with
   * {@code failure} of one line naming the file and the last line read, such as {@code "<path>:
   * gzip data ends early after line 120"}, or a line it does not handle itself that is not UTF-8 or
   * is too long ({@code "<path>:7: longer than 16 MiB"}); a missing or unreadable file, or one that
   * is not a regular file, fails with the {@link FileSystemException} that names it.
   *
   * @throws FileSystemException if {@code path} cannot be opened
   */
  public static <T> T readText(
      Path path, LineReading<T> reading, Function<String, ? extends RuntimeException> failure)
      throws IOException {
    Utf8LineReader in = null;
    try {
      in = openText(path);
      try (Utf8LineReader open = in) {
        return reading.read(open);
      }
    } catch (FileSystemException | FileNotFoundException e) {
      throw e;
    } catch (IOException e) {
      throw failure.apply(readFailure(path, in == null ? 0 : in.lineNumber(), e));
    } catch (UncheckedIOException e) {
      throw failure.apply(readFailure(path, in == null ? 0 : in.lineNumber(), e.getCause()));
    }
  }

  private static String readFailure(Path path, long lines, IOException e) {
    boolean gzip = path.getFileName().toString().endsWith(".gz");
    if (e instanceof EOFException && gzip) {
      return path + ": gzip data ends early after line " + lines;
    }
    if (e instanceof ZipException && lines == 0) {
      return path + ": not gzip data (" + e.getMessage() + ")";
    }
    if (e instanceof ZipException) {
      return path + ": corrupt gzip data after line " + lines + " (" + e.getMessage() + ")";
    }
    if (e instanceof Utf8LineReader.BadLineException b) {
      return path + ":" + b.lineNumber() + ": " + b.reason();
    }
    return path + ": cannot be read after line " + lines + ": " + e;
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

  /**
   * Forces {@code path}'s bytes to the storage device ({@code fsync}); a directory's entries too,
   * where the platform allows it (Linux does; elsewhere opening a directory may fail, which is
   * ignored, as Lucene's {@code IOUtils.fsync} does).
   *
   * @throws IOException if a regular file cannot be opened or forced
   */
  public static void fsync(Path path) throws IOException {
    boolean dir = Files.isDirectory(path);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!dir) {
        throw e;
      }
    }
  }

  /**
   * {@linkplain #fsync Forces} every file and directory under {@code root} (deepest first, {@code
   * root} last), so a pointer written after it never names a version whose files a power loss could
   * still take back. Nothing when {@code root} does not exist.
   */
  public static void fsyncTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        fsync(p);
      }
    }
  }
}
