package io.moesearch.core.util;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 CSV reader: comma separated, double-quoted fields may hold commas, quotes
 * ({@code ""}) and line breaks. Each record knows the line it starts on, so errors can name it.
 */
public final class CsvReader {

  /**
   * One CSV record and the 1-based line it starts on; {@code error} is set when it is malformed.
   */
  public record Row(long lineNumber, List<String> fields, String error) {}

  private final BufferedReader in;
  private long line;

  public CsvReader(BufferedReader in) {
    this.in = in;
  }

  /** The next record, or {@code null} at the end of input. Blank lines are skipped. */
  public Row next() {
    try {
      String text = in.readLine();
      line++;
      while (text != null && text.isBlank()) {
        text = in.readLine();
        line++;
      }
      if (text == null) {
        return null;
      }
      long start = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean wasQuoted = false;
      int i = 0;
      while (true) {
        if (i >= text.length()) {
          if (quoted) {
            String more = in.readLine();
            if (more == null) {
              return new Row(start, fields, "unterminated quoted field");
            }
            line++;
            field.append('\n');
            text = more;
            i = 0;
            continue;
          }
          fields.add(field.toString());
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
        } else if (c == '"') {
          return new Row(start, fields, "stray quote in field " + (fields.size() + 1));
        } else {
          field.append(c);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
