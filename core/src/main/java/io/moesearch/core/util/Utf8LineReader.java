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
 * byte-order mark before the first line is no part of it. Only {@link #readLine} (and {@link
 * #lines}) read: the {@code read} methods throw {@link UnsupportedOperationException}.
 */
public final class Utf8LineReader extends BufferedReader {

  /** A line whose bytes are not UTF-8; reading may go on with the next line. */
  public static final class MalformedLineException extends IOException {
    private final long lineNumber;

    MalformedLineException(long lineNumber) {
      super("line " + lineNumber + " is not valid UTF-8");
      this.lineNumber = lineNumber;
    }

    /** The 1-based number of the line. */
    public long lineNumber() {
      return lineNumber;
    }
  }

  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int end;
  private byte[] line = new byte[256];
  private boolean skipLf;
  private long lineNumber;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** Reads {@code in}, which it closes when closed. */
  public Utf8LineReader(InputStream in) {
    super(Reader.nullReader(), 1);
    this.in = in;
  }

  /** Lines read so far, the malformed ones included. */
  public long lineNumber() {
    return lineNumber;
  }

  /**
   * The next line without its terminator, or {@code null} at the end of the input.
   *
   * @throws MalformedLineException if the line's bytes are not UTF-8 (the line is consumed)
   * @throws IOException if the input cannot be read
   */
  @Override
  public String readLine() throws IOException {
    int n = 0;
    boolean any = false;
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
      if (n == line.length) {
        line = Arrays.copyOf(line, 2 * n);
      }
      line[n++] = b;
    }
    lineNumber++;
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
