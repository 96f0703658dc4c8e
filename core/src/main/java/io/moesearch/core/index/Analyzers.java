package io.moesearch.core.index;

import java.io.Reader;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.apache.lucene.analysis.pattern.PatternReplaceFilter;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;

/**
 * The analyzers of the product fields. Indexing and querying must use the same: the artifact format
 * ({@code Manifest.FORMAT_VERSION}) changes with the BM25 field's analysis.
 *
 * <p>The combined BM25 field ({@link IndexFields#ALL_TEXT}) is analysed for e-commerce text, all
 * with Lucene's own components:
 *
 * <ol>
 *   <li>a plus sign ending a word or standing alone is the word {@code plus} ({@link #PLUS_WORD}:
 *       {@code FlexCare+}, {@code USB + PS/2});
 *   <li>units: a unit spelled out after a number is written as its symbol ({@link SpelledUnits}:
 *       {@code 8 gig}, {@code 512meg}, {@code 3 metre}); a number glued to a unit is split from it
 *       ({@link PatternReplaceCharFilter}), so {@code 16gb}, {@code 16 GB}, {@code 16GB} and {@code
 *       16 gigabytes} all give {@code 16 gb}, {@code 3m} gives {@code 3 m}. Only a number that
 *       starts a word is split ({@code AB12M} stays whole);
 *   <li>tokens: split at white space and at list separators ({@code / , ; | ( ) + ...}); a hyphen,
 *       dot or underscore stays inside a token for the next step; a token is cut to its first
 *       {@value #MAX_TOKEN_CHARS} characters (as {@link StandardAnalyzer} cuts), so that no text,
 *       however hostile, makes a term longer than Lucene's limit (an immense term fails the whole
 *       document, and a catalogue update carrying one would fail the task applying it); a code with
 *       a slashed suffix also gives its parts joined ({@link SlashCodeTokenizer}: {@code HD7820/60}
 *       adds {@code hd782060}, which the next step leaves whole);
 *   <li>model codes: {@link WordDelimiterGraphFilter} splits a token at separators and at
 *       letter/digit changes and adds the catenation of all its parts, so {@code DXOC67C3}, {@code
 *       dxoc-67c3} and {@code Dxoc67c3} all index the term {@code dxoc67c3} (plus its parts {@code
 *       dxoc 67 c 3}); English possessives are removed;
 *   <li>lower case, ASCII folding, English stop words;
 *   <li>trade item numbers: an EAN-8, UPC-A, EAN-13 or GTIN-14 is written in its 14-digit form
 *       ({@link GtinNormalizationFilter}), so a UPC-A {@code 882780756373} finds the EAN-13 {@code
 *       0882780756373} a feed gives (products' GTINs are indexed in this field: {@link
 *       ProductDocuments#allText}); indexed stacked, adding nothing to a document's length; a
 *       query's number typed in its printed digit groups ({@code 4 006381 333931}) is joined first
 *       ({@link SpacedGtinFilter});
 *   <li>plural stemming only: the sibilant plurals {@code -ches -shes -xes -sses -zzes} lose their
 *       {@code es} ({@link PatternReplaceFilter}: {@code watches → watch}, {@code boxes → box}),
 *       then {@link EnglishMinimalStemFilter} (the "S" stemmer: {@code loafers → loafer}, {@code
 *       batteries → battery}). No derivational stemming: Porter's {@code general → gener}, {@code
 *       organic → organ} conflations do not happen; Krovetz keeps {@code watches} unstemmed;
 *   <li>{@link FlattenGraphFilter}, so the index holds a flat token stream.
 * </ol>
 */
public final class Analyzers {
  private Analyzers() {}

  /**
   * Longest token, in UTF-16 units, before the word-delimiter filter: its catenation of parts is no
   * longer, so every term stays far below Lucene's 32,766 bytes. The shipped catalogue's longest
   * token has 29 characters.
   */
  public static final int MAX_TOKEN_CHARS = 255;

  /** A number that starts a word, directly followed by a unit of measure (case-insensitive). */
  static final Pattern NUMBER_UNIT =
      Pattern.compile(
          "(?i)(?<![\\p{L}\\p{N}])(\\d+(?:[.,]\\d+)?)\\s*"
              + "(tb|gb|mb|kb|ghz|mhz|khz|hz|mah|wh|kwh|kw|w|mw|v|mv|ma|a|mm|cm|m|km|in|inch|ft"
              + "|kg|g|mg|lb|lbs|oz|l|ml|cl|mp|px|fps|rpm|db|pcs|pc|tbsp|ppm|dpi|bit|nm|ms)"
              + "(?![\\p{L}\\p{N}])");

  /**
   * A plus sign that ends a word or stands alone ("FlexCare+", "Galaxy S10+", "USB + PS/2"): the
   * word "plus", as shoppers type it ("flexcare plus"). Not one a letter or digit follows ("DVD+R",
   * "+5V"), which is a part of a name or a sign.
   */
  static final Pattern PLUS_WORD = Pattern.compile("\\+(?![\\p{L}\\p{N}])");

  /** Token separators; '-', '.', '_' and '\'' stay inside tokens for the word-delimiter filter. */
  static final Pattern SEPARATORS = Pattern.compile("[\\s,;:|/\\\\()\\[\\]{}\"+*!?<>=#&®™©]+");

  /** Sibilant plurals whose singular drops "es" (the minimal stemmer would leave "watche"). */
  static final Pattern SIBILANT_PLURAL = Pattern.compile("^(\\p{L}{2,}(?:ch|sh|x|ss|zz))es$");

  static final int WORD_DELIMITER_FLAGS =
      WordDelimiterGraphFilter.GENERATE_WORD_PARTS
          | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
          | WordDelimiterGraphFilter.CATENATE_ALL
          | WordDelimiterGraphFilter.SPLIT_ON_NUMERICS
          | WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE
          | WordDelimiterGraphFilter.IGNORE_KEYWORDS;

  /** The e-commerce analyzer of {@link IndexFields#ALL_TEXT} (see the class comment). */
  private static final class ProductText extends Analyzer {
    private final SynonymMap synonyms;
    private final int wordDelimiterFlags;
    private final boolean stackTradeItemNumbers;
    private final boolean joinPrintedGroups;

    ProductText(
        SynonymMap synonyms,
        int wordDelimiterFlags,
        boolean stackTradeItemNumbers,
        boolean joinPrintedGroups) {
      this.synonyms = synonyms;
      this.wordDelimiterFlags = wordDelimiterFlags;
      this.stackTradeItemNumbers = stackTradeItemNumbers;
      this.joinPrintedGroups = joinPrintedGroups;
    }

    @Override
    protected Reader initReader(String fieldName, Reader reader) {
      return new PatternReplaceCharFilter(
          NUMBER_UNIT,
          "$1 $2",
          new SpelledUnits.CharFilter(new PatternReplaceCharFilter(PLUS_WORD, " plus ", reader)));
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      Tokenizer source = new SlashCodeTokenizer(SEPARATORS);
      TokenStream ts = new TruncateTokenFilter(source, MAX_TOKEN_CHARS);
      ts = new WordDelimiterGraphFilter(ts, wordDelimiterFlags, null);
      ts = new LowerCaseFilter(ts);
      ts = new ASCIIFoldingFilter(ts);
      ts = new StopFilter(ts, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
      if (joinPrintedGroups) {
        ts = new SpacedGtinFilter(ts); // queries: a barcode's printed digit groups as one number
      }
      ts = new GtinNormalizationFilter(ts, stackTradeItemNumbers);
      ts = new PatternReplaceFilter(ts, SIBILANT_PLURAL, "$1", false);
      ts = new EnglishMinimalStemFilter(ts);
      ts = new FlattenGraphFilter(ts);
      if (synonyms != null) {
        ts = new SynonymGraphFilter(ts, synonyms, true);
      }
      return new TokenStreamComponents(source, ts);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
      return new ASCIIFoldingFilter(new LowerCaseFilter(in));
    }
  }

  public static Analyzer forIndexing() {
    return new PerFieldAnalyzerWrapper(
        new StandardAnalyzer(), Map.of(IndexFields.ALL_TEXT, allTextIndexed()));
  }

  /**
   * The analyzer of {@link IndexFields#ALL_TEXT} for queries and features: the index's terms, at
   * the text's own positions.
   */
  public static Analyzer allText() {
    return new ProductText(null, WORD_DELIMITER_FLAGS, false, true);
  }

  /**
   * The analyzer that indexes {@link IndexFields#ALL_TEXT}: {@link #allText}'s terms, with trade
   * item numbers stacked so that they add nothing to a document's BM25 length ({@link
   * GtinNormalizationFilter}). What computes a document's BM25 score outside the index (the live
   * delta's signatures) must analyse with this one.
   */
  public static Analyzer allTextIndexed() {
    return new ProductText(null, WORD_DELIMITER_FLAGS, true, false);
  }

  /**
   * The analysis of a synonym rule's entries: {@link #allText} except that a token with separators
   * or letter/digit changes gives only its catenation ({@code ps4}, {@code in-ear} → {@code
   * inear}), never its parts stacked beside it, which a rule cannot hold, nor numbers typed in
   * digit groups joined ({@link SpacedGtinFilter} stacks them). The query's own stream carries the
   * same catenation and groups, which the rule then matches.
   */
  public static Analyzer synonymEntries() {
    return new ProductText(
        null,
        WordDelimiterGraphFilter.CATENATE_ALL
            | WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE
            | WordDelimiterGraphFilter.IGNORE_KEYWORDS,
        false,
        false);
  }

  /**
   * The query-side analyzer of {@link IndexFields#ALL_TEXT} with synonyms: {@link #allText}, then
   * Lucene's {@link SynonymGraphFilter} adding each matched rule's other side (its tokens are
   * analysed alike, see {@code Synonyms}). For queries only: the index holds the text's own terms.
   *
   * @param synonyms compiled rules, or {@code null} for none ({@link #allText})
   */
  public static Analyzer allTextQuery(SynonymMap synonyms) {
    return new ProductText(synonyms, WORD_DELIMITER_FLAGS, false, true);
  }
}
