package io.moesearch.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8LineReaderTest {
  private static Utf8LineReader reader(byte[] bytes) {
    return new Utf8LineReader(new ByteArrayInputStream(bytes));
  }

  /** Lines end as BufferedReader's do, and a byte-order mark before the first is dropped. */
  @Test
  void readsLinesAsBufferedReaderDoes() throws Exception {
    byte[] text = "\uFEFFa\r\nb\rc\n\nd".getBytes(StandardCharsets.UTF_8);
    try (Utf8LineReader in = reader(text)) {
      assertThat(in.lines().toList()).containsExactly("a", "b", "c", "", "d");
      assertThat(in.lineNumber()).isEqualTo(5);
    }
  }

  /** A line that is not UTF-8 is reported with its number, and the next line is read. */
  @Test
  void aLineThatIsNotUtf8IsReportedAndReadingGoesOn() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("caf\u00e9\nmouse ".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xFF);
    bytes.writeBytes("\nkeyboard\n".getBytes(StandardCharsets.UTF_8));
    try (Utf8LineReader in = reader(bytes.toByteArray())) {
      assertThat(in.readLine()).isEqualTo("caf\u00e9");
      assertThatThrownBy(in::readLine)
          .isInstanceOf(Utf8LineReader.MalformedLineException.class)
          .hasMessage("line 2 is not valid UTF-8");
      assertThat(in.readLine()).isEqualTo("keyboard");
      assertThat(in.readLine()).isNull();
    }
  }

  /**
   * A line longer than the limit is reported with its number and dropped without being held (a file
   * with no line break, such as /dev/zero, ran the heap out), and the next line is read.
   */
  @Test
  void aLineLongerThanTheLimitIsReportedAndReadingGoesOn() throws Exception {
    byte[] text = "12345678\n123456789\r\nnext\n".getBytes(StandardCharsets.UTF_8);
    try (Utf8LineReader in = new Utf8LineReader(new ByteArrayInputStream(text), 8)) {
      assertThat(in.readLine()).isEqualTo("12345678");
      assertThatThrownBy(in::readLine)
          .isInstanceOf(Utf8LineReader.LineTooLongException.class)
          .hasMessage("line 2 is longer than 8 bytes");
      assertThat(in.readLine()).isEqualTo("next");
      assertThat(in.readLine()).isNull();
    }
    assertThat(Utf8LineReader.MAX_LINE_BYTES).isEqualTo(16 << 20);
  }
}
