package io.moesearch.core.index;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.charfilter.BaseCharFilter;

/**
 * Units of measure spelled out after a number, written as their symbols: "8 gig" and "8 gigabytes"
 * → "8 gb", "512meg" → "512 mb", "3 metre" → "3 m", "2 feet" → "2 ft". Shoppers spell units; titles
 * write symbols, so the BM25 branch ({@link Analyzers}) and the ranking's quantities and codes read
 * the symbol either way ("512meg" is no model code). Only a word right after a number (a space or
 * none between) is read: "meter" in "power meter" stays a word.
 *
 * <p>Spellings: the units' English names, singular and plural, British and American ("metre",
 * "meter"), and the short forms shops write ("gig", "meg", "mtr", "kilo"). Not "pound" (a currency
 * as often as a weight) nor "tera"/"giga" alone.
 */
public final class SpelledUnits {
  private SpelledUnits() {}

  /** Symbol by spelling, lower case. */
  static final Map<String, String> SYMBOLS = symbols();

  private static Map<String, String> symbols() {
    Map<String, String> m = new HashMap<>();
    put(m, "tb", "terabyte", "terabytes", "tbyte", "tbytes");
    put(m, "gb", "gig", "gigs", "gigabyte", "gigabytes", "gbyte", "gbytes");
    put(m, "mb", "meg", "megs", "megabyte", "megabytes", "mbyte", "mbytes");
    put(m, "kb", "kilobyte", "kilobytes");
    put(m, "km", "kilometre", "kilometres", "kilometer", "kilometers");
    put(m, "m", "metre", "metres", "meter", "meters", "mtr", "mtrs");
    put(m, "cm", "centimetre", "centimetres", "centimeter", "centimeters");
    put(m, "mm", "millimetre", "millimetres", "millimeter", "millimeters");
    put(m, "inch", "inches"); // "in" spaced from its number reads as a word
    put(m, "ft", "foot", "feet");
    put(m, "kg", "kilogram", "kilograms", "kilogramme", "kilogrammes", "kilo", "kilos", "kgs");
    put(m, "g", "gram", "grams", "gramme", "grammes");
    put(m, "l", "litre", "litres", "liter", "liters", "ltr", "ltrs");
    put(m, "ml", "millilitre", "millilitres", "milliliter", "milliliters");
    put(m, "kw", "kilowatt", "kilowatts");
    put(m, "w", "watt", "watts");
    put(m, "v", "volt", "volts");
    put(m, "ghz", "gigahertz");
    put(m, "mhz", "megahertz");
    put(m, "hz", "hertz");
    put(m, "mp", "megapixel", "megapixels");
    return Map.copyOf(m);
  }

  private static void put(Map<String, String> m, String symbol, String... spellings) {
    for (String s : spellings) {
      m.put(s, symbol);
    }
  }

  /**
   * A number, then at most one space, then a spelling, as a whole word. Longest spellings first, so
   * that "meters" is not read as "meter" and an "s".
   */
  static final Pattern NUMBER_SPELLED =
      Pattern.compile(
          "(?iu)(?<![\\p{L}\\p{N}])(\\d+(?:[.,]\\d+)?) ?("
              + String.join(
                  "|",
                  SYMBOLS.keySet().stream()
                      .sorted(
                          Comparator.comparingInt(String::length)
                              .reversed()
                              .thenComparing(Comparator.naturalOrder()))
                      .toList())
              + ")(?![\\p{L}\\p{N}])");

  /**
   * The text with every spelled unit after a number written as its symbol, number and symbol apart.
   */
  public static String normalize(String text) {
    return rewrite(text, (outputOffset, diff) -> {});
  }

  /** Where the output's offsets leave the input's: {@code BaseCharFilter#addOffCorrectMap}. */
  private interface OffsetCorrection {
    void add(int outputOffset, int cumulativeDiff);
  }

  /**
   * {@link #normalize}, telling {@code corrections} where offsets move: for a unit glued to its
   * number ("512meg") the symbol starts where the unit does (the space written before it is not in
   * the text), and after each replacement the output is shorter or longer by its difference.
   * Returns {@code text} itself when nothing is spelled out.
   */
  private static String rewrite(String text, OffsetCorrection corrections) {
    Matcher m = NUMBER_SPELLED.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    int diff = 0; // original offset minus output offset so far
    do {
      sb.append(text, last, m.start());
      String r = replacement(m);
      boolean glued = m.end(1) == m.start(2);
      if (glued) {
        corrections.add(sb.length() + m.group(1).length() + 1, diff - 1);
      }
      sb.append(r);
      int delta = (m.end() - m.start()) - r.length();
      diff += delta;
      if (glued || delta != 0) {
        corrections.add(sb.length(), diff);
      }
      last = m.end();
    } while (m.find());
    return sb.append(text, last, text.length()).toString();
  }

  private static String replacement(Matcher m) {
    return m.group(1) + " " + SYMBOLS.get(fold(m.group(2)));
  }

  /**
   * A spelling as {@link #NUMBER_SPELLED} compares it, case-insensitively in Unicode, character by
   * character: "LİTRE", "lıtre" and "kiloſ" match, and fold to "litre" and "kilos", so that every
   * match has its symbol ({@code toLowerCase} leaves "lıtre" as it is).
   */
  private static String fold(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      sb.append(Character.toLowerCase(Character.toUpperCase(s.charAt(i))));
    }
    return sb.toString();
  }

  /**
   * {@link #normalize} as a Lucene char filter, offsets corrected to the original text. Reads its
   * whole input first, as Lucene's {@code PatternReplaceCharFilter} does.
   */
  public static final class CharFilter extends BaseCharFilter {
    private Reader transformed;

    public CharFilter(Reader in) {
      super(in);
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      if (transformed == null) {
        transformed = new StringReader(transform(slurp()));
      }
      return transformed.read(cbuf, off, len);
    }

    private String slurp() throws IOException {
      StringBuilder sb = new StringBuilder();
      char[] buf = new char[1024];
      for (int n; (n = input.read(buf)) != -1; ) {
        sb.append(buf, 0, n);
      }
      return sb.toString();
    }

    private String transform(String text) {
      return rewrite(text, this::addOffCorrectMap);
    }
  }
}
