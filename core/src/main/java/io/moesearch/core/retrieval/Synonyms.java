package io.moesearch.core.retrieval;

import io.moesearch.core.index.Analyzers;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymMap;

/**
 * Query-time synonyms of the BM25 branch, written in Solr's synonyms format (Lucene's {@link
 * SolrSynonymParser}): one rule per line, {@code laptop, notebook} (each word finds the others) or
 * {@code tv => television} (the left side is searched as the right side), {@code #} comments. Both
 * sides are analysed like the indexed text ({@link Analyzers#synonymEntries}: {@code Laptops} is
 * {@code laptop}, {@code PS4} is {@code ps4}); a multi-word side matches the words in sequence
 * ({@code mobile phone, smartphone}). A word with separators matches as a side of its own ({@code
 * ps4, playstation 4} finds "PS-4"), not inside a multi-word side ({@code in-ear headphones} is
 * never matched in a query: the query's stream stacks the word's parts beside its catenation).
 *
 * <p>A query's BM25 terms are then its own terms plus the synonyms a rule adds ({@link
 * Bm25Queries#terms(String)}), each searched once ({@link Bm25Queries#query(String,
 * java.util.function.Predicate)}): a one-word synonym of a one-word term joins it as one term
 * (Lucene's {@code SynonymQuery}), the words of a multi-word side are terms of their own (a bag of
 * words, not a phrase). A product's score then never exceeds the sum of its matching terms' own
 * BM25 scores, the bound the query cache's coherence check uses. Only the query is expanded: the
 * index need not be rebuilt when the rules change. Immutable and serializable (the rules travel as
 * text; the compiled map is rebuilt where it is used).
 */
public final class Synonyms implements Serializable {
  private static final long serialVersionUID = 1L;

  /** No synonyms: queries search their own terms only. */
  public static final Synonyms NONE = new Synonyms("", null);

  /** Largest rules text accepted, in UTF-16 units (1 Mi): a rules file is a config file. */
  public static final int MAX_CHARS = 1 << 20;

  /**
   * Most mappings the rules may compile to, in all: a rule of n entries maps each to every one (n ×
   * n), {@code a, b => c} each left entry to every right one. 4,000,000 compile in about a second
   * (a 1 MiB file of five-word groups has about 1,000,000); a group of 150,000 words, which {@link
   * #MAX_CHARS} allows, would take more memory than any heap.
   */
  public static final long MAX_MAPPINGS = 4_000_000;

  private final String rules;
  private transient volatile SynonymMap map;

  private Synonyms(String rules, SynonymMap map) {
    this.rules = rules;
    this.map = map;
  }

  /**
   * Parses rules in Solr's format.
   *
   * @throws IllegalArgumentException when a rule cannot be parsed (naming its line), an entry
   *     analyses to nothing or to stacked tokens, or the text exceeds {@link #MAX_CHARS}
   */
  public static Synonyms parse(String rules) {
    if (rules == null) {
      throw new IllegalArgumentException("synonym rules are required");
    }
    if (rules.length() > MAX_CHARS) {
      throw new IllegalArgumentException(
          "synonym rules exceed " + MAX_CHARS + " characters: " + rules.length());
    }
    if (rules.isBlank()) {
      return NONE;
    }
    requireBoundedMappings(rules);
    SynonymMap map = compile(rules);
    // Only comments, or one-word lines: no rule at all (Lucene's filter refuses such a map).
    return map.fst == null ? NONE : new Synonyms(rules, map);
  }

  /**
   * Reads and parses a UTF-8 rules file.
   *
   * @throws IllegalArgumentException when it is missing, unreadable, not UTF-8, larger than {@link
   *     #MAX_CHARS} or not parseable
   */
  public static Synonyms read(Path file) {
    try {
      String problem = io.moesearch.core.util.Files2.notRegularFile(file);
      if (problem != null) {
        throw new IllegalArgumentException(problem + ": " + file);
      }
      if (Files.size(file) > 4L * MAX_CHARS) {
        throw new IllegalArgumentException("larger than " + 4L * MAX_CHARS + " bytes: " + file);
      }
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
      return parse(text);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8: " + file, e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses rules that would compile to more than {@link #MAX_MAPPINGS} mappings, naming the line
   * that passes the bound, before any is compiled (Lucene builds every mapping in memory).
   */
  private static void requireBoundedMappings(String rules) {
    String[] lines = lines(rules);
    long mappings = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue; // a comment as the parser reads one: "  # a, b" is a rule there
      }
      int arrow = arrow(line);
      mappings +=
          arrow < 0
              ? (long) entries(line) * entries(line)
              : (long) entries(line.substring(0, arrow)) * entries(line.substring(arrow + 2));
      if (mappings > MAX_MAPPINGS) {
        throw new IllegalArgumentException(
            "synonym rule at line "
                + (i + 1)
                + " ('"
                + cut(lines[i])
                + "'): the rules map more than "
                + MAX_MAPPINGS
                + " entries to one another (a rule of n entries maps n x n)");
      }
    }
  }

  /**
   * The lines of {@code rules} as Lucene's parser reads them ({@link
   * java.io.BufferedReader#readLine}: ended by {@code \n}, {@code \r} or both), so that the bound
   * and the messages count the lines it compiles: Java's {@code \R} also ends one at U+2028, U+0085
   * and the like, inside what the parser reads as one rule.
   */
  private static String[] lines(String rules) {
    return LINE_END.split(rules, -1);
  }

  private static final Pattern LINE_END = Pattern.compile("\r\n|\r|\n");

  /**
   * The index of a rule's first unescaped {@code =>}, or -1: as Lucene's parser splits the sides, a
   * backslash escaping the character after it ({@code x\=>} is an entry, not an arrow).
   */
  private static int arrow(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '\\') {
        i++;
      } else if (line.startsWith("=>", i)) {
        return i;
      }
    }
    return -1;
  }

  /** The entries of one side of a rule: its unescaped commas plus one. */
  private static int entries(String side) {
    int n = 1;
    for (int i = 0; i < side.length(); i++) {
      char c = side.charAt(i);
      if (c == '\\') {
        i++; // an escaped character, a comma among them
      } else if (c == ',') {
        n++;
      }
    }
    return n;
  }

  private static SynonymMap compile(String rules) {
    try {
      return parsed(rules);
    } catch (ParseException | IllegalArgumentException e) {
      // Name the first rule that fails on its own (Lucene's offset is not always its line).
      String[] lines = lines(rules);
      for (int i = 0; i < lines.length; i++) {
        try {
          parsed(lines[i]);
        } catch (ParseException | IllegalArgumentException lineError) {
          Throwable cause = lineError.getCause() != null ? lineError.getCause() : lineError;
          throw new IllegalArgumentException(
              "synonym rule at line "
                  + (i + 1)
                  + " ('"
                  + cut(lines[i])
                  + "'): "
                  + cause.getMessage(),
              e);
        }
      }
      throw new IllegalArgumentException("synonym rules: " + e.getMessage(), e);
    }
  }

  private static SynonymMap parsed(String rules) throws ParseException {
    SolrSynonymParser parser = new SolrSynonymParser(true, true, Analyzers.synonymEntries());
    try {
      parser.parse(new StringReader(rules));
      return parser.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String cut(String line) {
    return line.length() <= 80 ? line : line.substring(0, 80) + "...";
  }

  /** Whether there are no rules. */
  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The compiled rules, or {@code null} when there are none. */
  public SynonymMap map() {
    if (rules.isEmpty()) {
      return null;
    }
    SynonymMap m = map;
    if (m == null) {
      m = compile(rules);
      map = m;
    }
    return m;
  }

  /** The rules as given. */
  public String rules() {
    return rules;
  }

  private Object readResolve() {
    return rules.isEmpty() ? NONE : this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Synonyms s && s.rules.equals(rules);
  }

  @Override
  public int hashCode() {
    return rules.hashCode();
  }

  @Override
  public String toString() {
    return rules.isEmpty() ? "Synonyms[none]" : "Synonyms[" + rules.lines().count() + " lines]";
  }
}
