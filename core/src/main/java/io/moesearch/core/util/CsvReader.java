package io.moesearch.core.util;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A small RFC 4180 CSV reader: comma separated, double-quoted fields may hold commas, quotes
 * ({@code ""}) and line breaks; a quote inside an unquoted field is a character of it (an inch
 * mark, as shops write "Monitor 27\" wide"). Each record knows the line it starts on, so errors can
 * name it.
 */
public final class CsvReader {

  /**
   * One CSV record and the 1-based line it starts on; {@code error} is set when it is malformed.
   */
  public record Row(long lineNumber, List<String> fields, String error) {}

  /**
   * Most lines one record may span. A quote left open otherwise runs to the end of the file: the
   * record is then read as a bad line, and the lines after its first are read again.
   */
  public static final int MAX_RECORD_LINES = 10_000;

  /**
   * Most chars one record may span (its lines' together, as {@link Utf8LineReader#MAX_LINE_BYTES}
   * bounds one line): a record past it is read as one whose quote is never closed.
   */
  public static final int MAX_RECORD_CHARS = Utf8LineReader.MAX_LINE_BYTES;

  private final BufferedReader in;
  private final Deque<String> readAgain = new ArrayDeque<>();
  private long line;
  private int expectedFields = -1;

  public CsvReader(BufferedReader in) {
    this.in = in;
  }

  /**
   * Records are to have {@code n} fields (after the header). A record that spans several lines and
   * then has another count opened a quote it never closed on its line ("Desk lamp 12 inch): it is
   * returned as malformed, and the lines after its first are read again as records of their own, so
   * one stray quote costs one line, not every line up to the next quote.
   */
  public void expectFields(int n) {
    expectedFields = n;
  }

  private String readLine() throws IOException {
    String again = readAgain.pollFirst();
    return again != null ? again : in.readLine();
  }

  /** Returns the lines of a record after its first to be read again; the record's error. */
  private Row unclosed(long start, List<String> lines, List<String> fields) {
    for (int k = lines.size() - 1; k >= 1; k--) {
      readAgain.addFirst(lines.get(k));
    }
    line = start;
    return new Row(
        start,
        fields,
        lines.size() > 1
            ? "a quoted field opened on this line is not closed on it (the "
                + (lines.size() - 1)
                + " lines after it are read again)"
            : "unterminated quoted field");
  }

  /**
   * The next record, or {@code null} at the end of input. Blank lines are skipped; a record with a
   * line that is not UTF-8 or too long ({@link Utf8LineReader}) is malformed, and so is a quoted
   * field that runs on past {@link #MAX_RECORD_LINES} lines or {@link #MAX_RECORD_CHARS} chars.
   */
  public Row next() {
    long start = -1;
    try {
      String text = readLine();
      line++;
      while (text != null && text.isBlank()) {
        text = readLine();
        line++;
      }
      if (text == null) {
        return null;
      }
      start = line;
      List<String> lines = new ArrayList<>();
      lines.add(text);
      long chars = text.length();
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean wasQuoted = false;
      int i = 0;
      while (true) {
        if (i >= text.length()) {
          if (quoted) {
            String more =
                lines.size() < MAX_RECORD_LINES && chars < MAX_RECORD_CHARS ? readLine() : null;
            if (more == null) {
              return unclosed(start, lines, fields);
            }
            chars += more.length();
            line++;
            lines.add(more);
            field.append('\n');
            text = more;
            i = 0;
            continue;
          }
          fields.add(field.toString());
          if (lines.size() > 1 && expectedFields >= 0 && fields.size() != expectedFields) {
            return unclosed(start, lines, fields);
          }
          return new Row(start, fields, null);
        }
        char c = text.charAt(i++);
        if (quoted) {
          if (c == '"') {
            if (i < text.length() && text.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              quoted = false;
              if (lines.size() > 1 && i < text.length() && text.charAt(i) != ',') {
                // Closed by a quote of a later line (an inch mark, another field's): the quote
                // opened on the first line was never closed there.
                return unclosed(start, lines, fields);
              }
            }
          } else {
            field.append(c);
          }
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
        } else if (c == '"' && field.isEmpty() && !wasQuoted) {
          quoted = true;
          wasQuoted = true;
        } else {
          // Also a quote inside an unquoted field: an inch mark ("Monitor 27\" wide"), as written.
          field.append(c);
        }
      }
    } catch (Utf8LineReader.BadLineException e) {
      // The record is bad; the lines of it read so far are not read again.
      line++;
      return new Row(
          start < 0 ? line : start,
          List.of(),
          start < 0 ? e.reason() : "line " + line + " is " + e.reason());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
