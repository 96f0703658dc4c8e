package io.moesearch.core.util;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * UTF-8 text read line by line, each line decoded strictly: {@link #readLine} throws {@link
 * MalformedLineException} for a line whose bytes are not UTF-8 (where {@link
 * java.io.InputStreamReader} would put U+FFFD in their place), and the next call reads the line
 * after it. Lines end at {@code \n}, {@code \r\n} or {@code \r}, as {@link BufferedReader}'s do; a
 * byte-order mark before the first line is no part of it. A line longer than {@link
 * #MAX_LINE_BYTES} throws {@link LineTooLongException} (a file with no line break, such as a
 * device's endless zeros, is not held in memory). Only {@link #readLine} (and {@link #lines}) read:
 * the {@code read} methods throw {@link UnsupportedOperationException}.
 */
public final class Utf8LineReader extends BufferedReader {

  /** The longest line read by default, in bytes: 16 MiB. */
  public static final int MAX_LINE_BYTES = 16 << 20;

  /** A line that cannot be returned; it is consumed, and reading may go on with the next line. */
  public abstract static sealed class BadLineException extends IOException
      permits MalformedLineException, LineTooLongException {
    private final long lineNumber;
    private final String reason;

    BadLineException(long lineNumber, String reason) {
      super("line " + lineNumber + " is " + reason);
      this.lineNumber = lineNumber;
      this.reason = reason;
    }

    /** The 1-based number of the line. */
    public long lineNumber() {
      return lineNumber;
    }

    /** Why, as a bad line's reason: {@code "not valid UTF-8"}. */
    public String reason() {
      return reason;
    }
  }

  /** A line whose bytes are not UTF-8. */
  public static final class MalformedLineException extends BadLineException {
    MalformedLineException(long lineNumber) {
      super(lineNumber, "not valid UTF-8");
    }
  }

  /** A line longer than the reader's limit ({@link #MAX_LINE_BYTES} by default). */
  public static final class LineTooLongException extends BadLineException {
    LineTooLongException(long lineNumber, int maxBytes) {
      super(lineNumber, "longer than " + size(maxBytes));
    }

    private static String size(int bytes) {
      return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
  }

  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int end;
  private byte[] line = new byte[256];
  private final int maxLineBytes;
  private boolean skipLf;
  private long lineNumber;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** Reads {@code in}, which it closes when closed, in lines of up to {@link #MAX_LINE_BYTES}. */
  public Utf8LineReader(InputStream in) {
    this(in, MAX_LINE_BYTES);
  }

  /** Reads {@code in}, which it closes when closed, in lines of up to {@code maxLineBytes}. */
  public Utf8LineReader(InputStream in, int maxLineBytes) {
    super(Reader.nullReader(), 1);
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
    }
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** Lines read so far, the malformed ones included. */
  public long lineNumber() {
    return lineNumber;
  }

  /**
   * The next line without its terminator, or {@code null} at the end of the input.
   *
   * @throws MalformedLineException if the line's bytes are not UTF-8 (the line is consumed)
   * @throws LineTooLongException if the line is longer than the limit (the line is consumed, its
   *     bytes past the limit read and dropped)
   * @throws IOException if the input cannot be read
   */
  @Override
  public String readLine() throws IOException {
    int n = 0;
    boolean any = false;
    boolean tooLong = false;
    while (true) {
      if (pos == end) {
        int read = in.read(buf);
        pos = 0;
        end = Math.max(read, 0);
        if (read < 0) {
          if (!any) {
            return null;
          }
          break;
        }
        continue;
      }
      byte b = buf[pos++];
      if (skipLf) {
        skipLf = false;
        if (b == '\n') {
          continue;
        }
      }
      any = true;
      if (b == '\n') {
        break;
      }
      if (b == '\r') {
        skipLf = true;
        break;
      }
      if (n == maxLineBytes) {
        tooLong = true;
        continue;
      }
      if (n == line.length) {
        line = Arrays.copyOf(line, (int) Math.min(2L * n, maxLineBytes));
      }
      line[n++] = b;
    }
    lineNumber++;
    if (tooLong) {
      throw new LineTooLongException(lineNumber, maxLineBytes);
    }
    int from =
        lineNumber == 1
                && n >= 3
                && line[0] == (byte) 0xEF
                && line[1] == (byte) 0xBB
                && line[2] == (byte) 0xBF
            ? 3
            : 0;
    try {
      return decoder.decode(ByteBuffer.wrap(line, from, n - from)).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedLineException(lineNumber);
    }
  }

  @Override
  public int read() {
    throw new UnsupportedOperationException("read by line (readLine)");
  }

  @Override
  public int read(char[] cbuf, int off, int len) {
    throw new UnsupportedOperationException("read by line (readLine)");
  }

  @Override
  public long skip(long n) {
    throw new UnsupportedOperationException("read by line (readLine)");
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void mark(int readAheadLimit) throws IOException {
    throw new IOException("mark not supported");
  }

  @Override
  public void reset() throws IOException {
    throw new IOException("reset not supported");
  }

  @Override
  public void close() throws IOException {
    try {
      in.close();
    } finally {
      super.close();
    }
  }
}
