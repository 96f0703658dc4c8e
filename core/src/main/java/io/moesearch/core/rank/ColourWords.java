package io.moesearch.core.rank;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The colours a text names ({@code colour_conflict} of {@link RankingFeatures}): English colour
 * names ({@link #COLOURS}) and their spellings in the languages of European shops, read from the
 * resource {@code colour-words.txt} ("HP 624A rojo" names red, "hp 72 żółty" yellow). Whole
 * lower-case words only; "blu" or "blue" before "ray" ("Blu-ray", "blue ray") is the disc format,
 * no colour.
 *
 * <p>Inflected and plural forms are read by their ending ({@link #INFLECTIONS}: "gelbe", "zwarte",
 * "amarillos", "neri", "czarne").
 *
 * <p>A query's colour is near a title's when shops name that product by the query's word: printing
 * calls cyan blue and magenta red, pink or purple ("hp 81 blue ink" for "HP 81 Original Cyan"); a
 * navy is a blue, violet and purple, teal and turquoise one another. Not the other way: a query
 * writing the printing term ("hp 70 cyan") means cyan, not the series' blue cartridge. (A near
 * colour as a slight conflict, 0.1 or 0.5 of one, put the colourless products of a line, print
 * heads and packs, above the cartridge asked for in another language: measured, not kept.)
 */
final class ColourWords {
  private ColourWords() {}

  /** Colour words, each a product of its own when named: the word, or the word it spells. */
  static final Set<String> COLOURS =
      Set.of(
          "black",
          "white",
          "grey",
          "silver",
          "gold",
          "red",
          "blue",
          "green",
          "yellow",
          "cyan",
          "magenta",
          "pink",
          "purple",
          "violet",
          "orange",
          "brown",
          "beige",
          "navy",
          "ivory",
          "bronze",
          "turquoise",
          "teal",
          "lime",
          "maroon",
          "burgundy",
          "graphite",
          "champagne",
          "transparent");

  private static final String RESOURCE = "colour-words.txt";

  /** Other spellings of {@link #COLOURS}, to the colour: "gray", "rojo", "żółty". */
  private static final Map<String, String> SPELLINGS = load();

  /** A query's colour, a space, a title's colour that product may be named by. */
  private static final Set<String> NEAR =
      Set.of(
          "blue cyan",
          "red magenta",
          "pink magenta",
          "purple magenta",
          "blue navy",
          "violet purple",
          "purple violet",
          "teal turquoise",
          "turquoise teal");

  /**
   * Endings of inflected and plural colour words and what they replace, tried in order on a word
   * that is no colour as written until one is ("gelbe" → "gelb", "amarillos" → "amarillo", "neri" →
   * "nero", "czarne" → "czarna"); the rest must keep 3 characters.
   */
  private static final List<String[]> INFLECTIONS =
      List.of(
          new String[] {"s", ""},
          new String[] {"es", ""},
          new String[] {"e", ""},
          new String[] {"er", ""},
          new String[] {"en", ""},
          new String[] {"i", "o"},
          new String[] {"e", "a"});

  /** Words after "blu" / "blue" that make it the disc format. */
  private static final Set<String> DISC_FORMAT = Set.of("ray", "rays");

  /** The colours among lower-case words, by their English name. */
  static Set<String> colours(List<String> words) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if ((w.equals("blu") || w.equals("blue"))
          && i + 1 < words.size()
          && DISC_FORMAT.contains(words.get(i + 1))) {
        i++; // "Blu-ray", "blue ray": the disc format
        continue;
      }
      String c = colour(w);
      if (c != null) {
        out.add(c);
      }
    }
    return Set.copyOf(out);
  }

  /** The colour a lower-case word names, as written or by its ending ({@link #INFLECTIONS}). */
  private static String colour(String w) {
    String c = SPELLINGS.getOrDefault(w, w);
    if (COLOURS.contains(c)) {
      return c;
    }
    for (String[] e : INFLECTIONS) {
      if (w.length() - e[0].length() >= 3 && w.endsWith(e[0])) {
        String stem = w.substring(0, w.length() - e[0].length()) + e[1];
        c = SPELLINGS.getOrDefault(stem, stem);
        if (COLOURS.contains(c)) {
          return c;
        }
      }
    }
    return null;
  }

  /**
   * Whether a title naming {@code title} contradicts a query naming {@code query}: both name
   * colours, and none of the title's is one of the query's or near it.
   */
  static boolean conflict(Set<String> query, Set<String> title) {
    return apart(query, title) && !near(query, title);
  }

  /** Whether both name colours and none of the title's is one of the query's. */
  private static boolean apart(Set<String> query, Set<String> title) {
    return !query.isEmpty() && !title.isEmpty() && Collections.disjoint(query, title);
  }

  /** Whether a colour of the title is near one of the query's ({@link #NEAR}). */
  private static boolean near(Set<String> query, Set<String> title) {
    for (String q : query) {
      for (String t : title) {
        if (NEAR.contains(q + " " + t)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a title naming {@code title} names only colours near the query's ({@link #NEAR}: a cyan
   * cartridge for a shopper's "blue"), none of the query's own: no {@link #conflict}, unless the
   * product's line has one named by the query's colour itself ({@link
   * RankingFeatures#conflictNearColours}).
   */
  static boolean nearOnly(Set<String> query, Set<String> title) {
    return apart(query, title) && near(query, title);
  }

  /**
   * Reads {@value #RESOURCE}: lines "colour: word, word", {@code #} comments; every colour one of
   * {@link #COLOURS}, every word unique. A broken resource is a broken build: it fails the class.
   */
  private static Map<String, String> load() {
    Map<String, String> out = new HashMap<>();
    try (InputStream in = ColourWords.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int colon = line.indexOf(':');
        String colour = colon < 0 ? "" : line.substring(0, colon).strip();
        if (!COLOURS.contains(colour)) {
          throw new IllegalStateException(RESOURCE + ": not a colour line: " + line);
        }
        for (String word : line.substring(colon + 1).split(",")) {
          String w = word.strip();
          if (w.isEmpty() || COLOURS.contains(w) || out.put(w, colour) != null) {
            throw new IllegalStateException(RESOURCE + ": bad or repeated word '" + w + "'");
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(out);
  }
}
