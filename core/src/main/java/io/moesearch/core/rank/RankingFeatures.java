package io.moesearch.core.rank;

import io.moesearch.core.catalog.Gtin;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.GtinNormalizationFilter;
import io.moesearch.core.index.SpelledUnits;
import io.moesearch.core.retrieval.Bm25Queries;
import io.moesearch.core.util.Texts;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;

/**
 * Query–product features for ranking. Lexical signals matter in e-commerce: shoppers type model
 * numbers and brands, where dense retrieval is weak (it places DXOC47C3 next to DXOC67C3).
 *
 * <ol>
 *   <li>{@code dense}: exact cosine of query and product embeddings; 0 when the query names a trade
 *       item number ({@link #namesTradeItem}: a barcode means nothing to the embedding model, so
 *       the cosine, every feature scaled by it and the dense list's ranks, {@code dense_rr}, are
 *       switched off for the query);
 *   <li>{@code bm25}: BM25 score divided by the query's best BM25 score (0 if no term matches);
 *   <li>{@code title_coverage}: share of the query's analysed terms found in the title;
 *   <li>{@code brand_match}: 1 if the query names the product's brand ({@link BrandNames}: as
 *       written, without its web domain or legal form, misspelled or abbreviated by initials where
 *       the query starts), unless a few offers carry the query's code and none of them is of a
 *       brand the query names ({@link #normaliseCodeShare}: "KYOCERA Q8029A" names HP's photo paper
 *       Q8029A, and Kyocera's toner kits earn nothing by the brand written beside its code);
 *   <li>{@code code_exact}: 1 if a model code of the query is a code the product carries, in its
 *       model field or its title, compared after normalising case and separators ({@link #codes}):
 *       "dxoc-67c3", "DXOC 67C3" and "dxoc67c3" all name DXOC67C3, also an offer titled "hoover
 *       dxoc67c3 washing machine" that has no model field (a shop's offers often have none; a
 *       feature reading only the model field then never fires). The value is the share of the
 *       query's codes the product carries ({@link #codeShare}), divided by the largest share in the
 *       candidate list ({@link #normaliseCodeShare}, by {@link HybridRanker#fuse}): the longest
 *       match has 1, so "Canon CLI-521 M" gives the magenta cartridge 1 and the cyan one (model
 *       CLI-521), which the query names only in part, 0.5. The accessory or variant a query asks
 *       for of a device or line it names by code ("epson lq-690 ribbon": the "Black Ribbon
 *       Cartridge for LQ-690"; "e450 high": the "E450 High Yield Toner") has 1 too, when the
 *       carriers' titles lack a word the query asks for ({@link #promoteDeviceFits}); so has
 *       another brand's replacement whose title writes the query's code behind the query's word
 *       ("Xerox Yellow toner cartridge. Equivalent to HP Q5952A" for "hp q5952a"), when few titles
 *       do and no title of a brand the query names holds it ({@link #TITLE_HELD}); the brand named
 *       beside the code then earns nothing unless the original (a candidate carrying the code as
 *       its own) is in the list, which then ranks first by its brand and the replacement next;
 *   <li>{@code dense_rr}, {@code bm25_rr}: reciprocal ranks {@code 1 / (60 + rank)} in each list (0
 *       if absent), the ingredients of reciprocal rank fusion;
 *   <li>{@code code_near}: 1 if not {@code code_exact} but the product carries a code that is
 *       near-identical to one of the query's ({@link #nearCode}): "dxoc47c3" or "dxoc68c3b" for a
 *       query naming "dxoc67c3", "g5s" for "g5". Dense similarity cannot tell such codes apart
 *       (their cosines are nearly equal), so this is the signal that the candidate names another
 *       product. Only while a candidate carries the query's code: when none does, the query names
 *       no product exactly (a code cut short, a suffix dropped or added, a typo: "C500S2" for
 *       C500S2CG, "RBC18-UK" for RBC18), and the near-identical ones are the likeliest answer, not
 *       the wrong one ({@link #normaliseCodeShare});
 *   <li>query-adaptive terms, {@code dense × q} for a query signal {@code q} (see {@link
 *       QuerySignals}): {@code dense_x_code}, {@code dense_x_agreement}, {@code dense_x_gap},
 *       {@code dense_x_length}. With them a linear model's weight of the dense cosine is {@code
 *       w_dense + Σ w_q · q}: it depends on the query ({@link LinearFusion#denseWeight});
 *   <li>{@code quantity_conflict}: 1 if the query names a quantity ("512MB", "1 GB", "55\"", "7kg")
 *       and the product's title names quantities of that unit (of that dimension for lengths,
 *       weights, volumes and data sizes of one part: "10ft" for "6in", "512 MB" for "1GB") but not
 *       that one ({@link #quantities}, {@link #quantityConflict}): "Lexmark 128 MB DDR-DRAM" for a
 *       query naming 512MB, the 3 GB variant of a phone for "2GB RAM". Dense similarity cannot tell
 *       such variants apart, and BM25 only rewards the matching number, never penalises the other;
 *   <li>{@code colour_conflict}: 1 if the query names a colour and the product's title names
 *       colours, none of them that one nor near it (the cyan cartridge for "blue"; {@link
 *       #colourConflict}): the blue variant of a cable for a query naming the black one, the
 *       magenta cartridge for "HP 90 Original Cyan";
 *   <li>{@code code_partial}: positive if the product's code extends one of the query's codes or is
 *       extended by one ({@link #extendsCode}: a code cut short, a suffix dropped, glued or
 *       separated: "Lexmark C500S" and C500S2CG, "HP C8563" and C8563A, "Sharp DR-450-UK" and
 *       DR-450), or is the query's code behind the series letters a shopper dropped ({@link
 *       #dropsSeries}: "HP 1441A" and Q1441A), or is the query's code without the vendor prefix a
 *       distributor adds ({@link #addsVendorPrefix}: "HEWCF280A" and CF280A), while no candidate
 *       carries a code of the query exactly ({@link #normaliseCodeShare}); 0 otherwise. Its value
 *       is the shorter code's share of the longer one's characters, scaled so the list's best has
 *       1: the nearest partial match wins, PET723/12 over PET723 for "Philips PET723/12#ABA". The
 *       query then names no product as written, and the product whose code it names in part is what
 *       the shopper most likely meant; the dense cosine cannot see that (a cut code and a whole one
 *       read alike), BM25 only in pieces;
 *   <li>{@code number_missing}: the share of the query's bare numbers ({@link #numbers}: "Eaton
 *       Protection Box 6", "HP Photosmart 7660", "matte 914") that neither the product's title nor
 *       its model field holds as a number ({@link #holdsNumber}). A product line and a number name
 *       one product of the line; the dense cosine reads "Protection Box 1" and "Protection Box 6"
 *       alike, and BM25 rewards the number only as one term among the line's words;
 *   <li>{@code words_uncovered}: on a query of words and sizes, the share of its terms the title
 *       lacks, times the length signal ({@link #WORDS_UNCOVERED}): without a code the cosine
 *       prefers a sibling that lacks the word telling the two apart;
 *   <li>{@code title_bigrams}: on a query naming no code, the share of its neighbouring terms the
 *       title holds in the same order, times the length signal ({@link #TITLE_BIGRAMS}): a title
 *       prefix is held in sequence by its product, its words only scattered by its siblings.
 * </ol>
 *
 * The code and length signals come from the query text ({@link #of}); agreement and gap need both
 * candidate lists and are filled by {@link HybridRanker#fuse}.
 */
public final class RankingFeatures {
  public static final List<String> NAMES =
      List.of(
          "dense",
          "bm25",
          "title_coverage",
          "brand_match",
          "code_exact",
          "dense_rr",
          "bm25_rr",
          "code_near",
          "dense_x_code",
          "dense_x_agreement",
          "dense_x_gap",
          "dense_x_length",
          "quantity_conflict",
          "colour_conflict",
          "code_partial",
          "number_missing",
          "words_uncovered",
          "title_bigrams");

  public static final int DENSE = 0;
  public static final int BM25 = 1;
  public static final int TITLE_COVERAGE = 2;
  public static final int BRAND_MATCH = 3;
  public static final int CODE_EXACT = 4;
  public static final int DENSE_RR = 5;
  public static final int BM25_RR = 6;
  public static final int CODE_NEAR = 7;
  public static final int DENSE_X_CODE = 8;
  public static final int DENSE_X_AGREEMENT = 9;
  public static final int DENSE_X_GAP = 10;
  public static final int DENSE_X_LENGTH = 11;
  public static final int QUANTITY_CONFLICT = 12;
  public static final int COLOUR_CONFLICT = 13;
  public static final int CODE_PARTIAL = 14;
  public static final int NUMBER_MISSING = 15;

  /**
   * For a query of words and sizes (no digit but in a quantity, {@link #quantities}: no code, no
   * bare number; "cable utp cross 3 metre", "hp 81 yellow designjet" not), the share of its terms
   * the candidate's title lacks ({@code 1 - title_coverage}), scaled by the query's length signal
   * ({@code min(1, tokens / 8)}); 0 for any other query. Without a code the fusion leans on the
   * dense cosine, which ranked a sibling missing the word that tells the two apart ("Epson Black
   * Ribbon Cartridge" for "Epson Black Fabric Ribbon Cartridge") above the product named. Scaled by
   * length, because a broad query of one or two words ("laptop bag", Chorus) is words only too, and
   * there a missing word is no evidence (unscaled, a weight of -0.02 cost Chorus 0.021 nDCG@10).
   * Weight kept at or below 0.
   */
  public static final int WORDS_UNCOVERED = 16;

  /**
   * The share of the query's ordered bigrams ({@link Bm25Queries#bigrams}: neighbouring analysed
   * terms) that the candidate's title holds as neighbours in the same order; 0 for a query of one
   * term. A title prefix a shopper types ("Startech 4 Port USB VGA") is held in sequence by the
   * product it comes from and only scattered by its siblings ("4 Port Professional VGA USB KVM"),
   * which hold the same terms: coverage and BM25 cannot tell them apart, and the dense cosine often
   * prefers a sibling. The ordered-window feature of the sequential dependence model (Metzler and
   * Croft, SIGIR 2005), over the title alone, scaled by the query's length signal ({@code min(1,
   * tokens / 8)}) as {@link #WORDS_UNCOVERED} is: in a broad query of two or three words the pair
   * is a category's name ("sd card", "aa battery"), which the products shoppers want for it often
   * write otherwise ("Micro SDHC Card"); unscaled, the bagged fit's weight cost Chorus 0.007
   * nDCG@10 cross-validated. 0 for a query naming a model code: the code features name its product,
   * and word order ranked the device's own title ("Epson LQ-690 dot matrix printer") above the
   * accessory asked for ("Ribbon Cartridge for LQ-690").
   */
  public static final int TITLE_BIGRAMS = 17;

  /**
   * Features whose weight a fit keeps at or below 0 ({@link CoordinateAscent}): a query naming a
   * model code never trusts the dense cosine more than the same query without one ({@code
   * dense_x_code}), and a near-identical code is never a reason to rank a product higher ({@code
   * code_near}), and a title naming another quantity or only other colours than the query's is
   * never a reason either ({@code quantity_conflict}, {@code colour_conflict}). Where the training
   * data are indifferent (Icecat products all carry a model field, and the exact code then decides
   * alone) the fit would otherwise leave these weights at any value, and a shop whose offers have
   * no model field, where only these signals separate DXOC67C3 from DXOC47C3, would pay for it.
   */
  public static final Set<Integer> NON_POSITIVE =
      Set.of(
          DENSE_X_CODE,
          CODE_NEAR,
          QUANTITY_CONFLICT,
          COLOUR_CONFLICT,
          NUMBER_MISSING,
          WORDS_UNCOVERED);

  /**
   * Whether fusion weights keep the contracts a fit must keep ({@link CoordinateAscent}): every
   * weight of {@link #NON_POSITIVE} at or below 0, and {@code dense_x_code + max(0, dense_x_length)
   * < 0}. A code query's length signal is 1 ({@link QuerySignals}), so with the list signals equal
   * a query naming a model code always trusts the dense cosine less than one without ("dxoc-67c3"
   * against "front loader washer"), whatever their lengths: the code signal lowers its dense
   * weight, and the length signal can raise it by at most {@code max(0, dense_x_length)} more than
   * any other query's.
   *
   * @param weights one per feature of {@link #NAMES}
   * @throws IllegalArgumentException if the length is not {@code NAMES.size()}
   */
  public static boolean admissible(double[] weights) {
    if (weights.length != NAMES.size()) {
      throw new IllegalArgumentException(
          "expected " + NAMES.size() + " weights, got " + weights.length);
    }
    for (int i : NON_POSITIVE) {
      if (weights[i] > 0) {
        return false;
      }
    }
    return weights[DENSE_X_CODE] + Math.max(0, weights[DENSE_X_LENGTH]) < 0;
  }

  /**
   * Title characters the features read: the first 512 UTF-16 units, as many as a result item
   * carries ({@code RankedItem.MAX_TITLE_CHARS}), so the features of a candidate are the same
   * whether an expert computes them from the index or the merge from a partial's item, and a
   * hostile 16 Ki-character title costs what a long real one does (the 19,406 Icecat titles have at
   * most 259).
   */
  public static final int MAX_TITLE_CHARS = 512;

  /**
   * Brand and model characters the features read: the first 256 UTF-16 units (a model code has at
   * most 30 letters and digits; a brand of more names nothing a shopper types). Experts send these
   * to the merge cut so, and a hostile 16 Ki-character brand or model costs no more.
   */
  public static final int MAX_FIELD_CHARS = 256;

  /** A product as the features read it: title, brand and model cut to their bounds. */
  private record Named(String title, String brand, String model) {
    static Named of(Product p) {
      return new Named(
          Texts.cut(p.title(), MAX_TITLE_CHARS),
          Texts.cut(p.brand(), MAX_FIELD_CHARS),
          Texts.cut(p.model(), MAX_FIELD_CHARS));
    }
  }

  /** The RRF constant. */
  public static final int RRF_K = 60;

  /** Query tokens counted by the length signal, at most. */
  public static final int MAX_LENGTH = 8;

  /** A number with a unit ("16gb", "2.5m"): not a model code. */
  private static final Pattern NUMBER_UNIT =
      Pattern.compile(
          "\\d+(?:[.,]\\d+)?(?:tb|gb|mb|kb|ghz|mhz|hz|mah|wh|kw|w|v|mm|cm|m|km|in|kg|g|mg|lb|oz"
              + "|l|ml|mp|px|fps|rpm|db|pcs|pc|pk|pack|ft|yd|inch|va|mah|ah|ma|nm|ms|ppm|dpi|gbps|mbps|kbps"
              + "|k|p|x|nd|rd|st|th|s)?");

  /**
   * A number and {@code s}, a number of 4+ digits and one of the letters {@code p x k}, or of 3+
   * digits and {@code p}: a model code ("IdeaCentre 510S", "HP 35s", "4710s", "8540p", "2600k",
   * "DYMO 260P"), not a quantity, although "16x" and "4k" are quantities. Product titles write
   * seconds apart or as "sec"; every number-and-s word of the Icecat titles (11, from "Honor 8S" to
   * "SmartCalc 300s") names a model. "p" is a unit of video resolutions only: they and decades stay
   * quantities ({@link #NUMBER_LETTER_QUANTITY}).
   */
  private static final Pattern NUMBER_LETTER_CODE = Pattern.compile("\\d+s|\\d{4,}[pxk]|\\d{3,}p");

  /**
   * "720p", "1080p", "2160p", "1990s", "80s": read as quantities (resolutions, decades) although
   * {@link #NUMBER_LETTER_CODE} matches.
   */
  private static final Pattern NUMBER_LETTER_QUANTITY =
      Pattern.compile(
          "(?:144|240|360|480|540|576|720|900|1080|1440|2160|4320)p|(?:19|20)\\d0s|[2-9]0s");

  /**
   * Fewest digits of a code written in digits only ("50030764", "81-7958"): a shop's part number.
   * Shorter numbers ("2008", "5200") name years, sizes and series too often.
   */
  static final int MIN_NUMERIC_CODE = 5;

  /** A decimal number, with a unit or not ("7.62", "2,5", "1.5m"): never part of a code. */
  private static final Pattern DECIMAL = Pattern.compile("\\d+[.,]\\d+\\p{L}*");

  /**
   * Where a list of words breaks: a code is never joined across these ("Cat5E, 7.62 m" names no
   * code "cat5e7"). Separators inside a word ({@code - . _ /}) are not among them. The run is
   * possessive ({@code ++}): Java matches a greedy repeated group of alternatives one stack frame
   * per repetition, and a query of a few thousand commas then overflowed a task thread's stack; a
   * possessive one loops in constant stack, and nothing after the run can need it shorter.
   */
  private static final Pattern LIST_BREAK =
      Pattern.compile("(?:[;:|()\\[\\]{}\"+*!?&]|(?<!\\d),|,(?!\\d))++|\\s[-–/]\\s");

  /** A per-unit ("g/m²", "km/h", "MB/s"), as written apart from its number ("5 MB/s"). */
  private static final Pattern PER_UNIT = Pattern.compile("\\p{L}{1,3}/\\p{L}{1,3}\\p{N}?");

  /**
   * A number with a per-unit glued ("160g/m²", "100km/h"), once leading and trailing punctuation
   * are dropped: a measure, no code ("160gm").
   */
  private static final Pattern COMPOUND_QUANTITY =
      Pattern.compile("\\d+(?:[.,]\\d+)?" + PER_UNIT.pattern());

  // Compiled once: String#split and #replaceAll compile their expression on every call, and these
  // run for every candidate of every query.
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern NON_ALNUM = Pattern.compile("[^\\p{L}\\p{N}]+");
  private static final Pattern TOKEN_BREAK = Pattern.compile("[\\s,;:|()\\[\\]{}\"+*!?]+");
  private static final Pattern CODE_SEPARATORS = Pattern.compile("[-._/'#]");

  /** Shortest code: "g5" or "i7" alone name too many products; "moto g5" reads as "motog5". */
  static final int MIN_CODE = 3;

  /**
   * Query-level signals that set the dense weight, each in [0, 1].
   *
   * @param code 1 when the query contains a model-code-like token (letters and digits mixed, 4+
   *     characters after removing {@code - . _ / ' #}, "Q5543A#ABA" with its option suffix; not a
   *     number with a unit such as "16gb"; or a part number of {@value #MIN_NUMERIC_CODE}+ digits
   *     such as "50030764")
   * @param length query tokens / {@value #MAX_LENGTH}, capped at 1; 1 when {@code code} is (a query
   *     naming a model code is as specific as the longest)
   * @param agreement share of the BM25 top 10 also in the dense top 10
   * @param gap 1 − (normalised BM25 score of the 10th BM25 hit): how far BM25's best stands above
   *     its 10th; 1 when BM25 has fewer than 10 hits, 0 when none
   */
  public record QuerySignals(double code, double length, double agreement, double gap) {}

  private final Analyzer analyzer;

  /** Analysed title terms by title: titles repeat across queries, analysis is the costly part. */
  private final TitleCache<Set<String>> titleTerms = new TitleCache<>();

  /** A title's ordered bigrams ({@link Bm25Queries#bigrams}) by title ({@link #TITLE_BIGRAMS}). */
  private final TitleCache<Set<String>> titleBigrams = new TitleCache<>();

  public RankingFeatures(Analyzer analyzer) {
    this.analyzer = analyzer;
    this.accessoryNouns =
        Set.copyOf(Bm25Queries.terms(analyzer, String.join(" ", ACCESSORY_NOUNS)));
    this.variantWords = Set.copyOf(Bm25Queries.terms(analyzer, String.join(" ", VARIANT_WORDS)));
  }

  /** A query analysed once, reused for all its candidates. */
  public final class QueryTerms {
    final String normalized;
    final Set<String> terms;

    /**
     * The ordered bigrams of the query's first {@value #MAX_TITLE_CHARS} characters; none when it
     * names a code.
     */
    final Set<String> bigrams;

    final List<String> rawTokens;

    /**
     * {@link #rawTokens} as a set, for the variant rule's lookups ({@link #unaskedVariantWords}).
     */
    final Set<String> rawTokenSet;

    /**
     * Whether the query asks for a product sold loose ({@link RankingFeatures#LOOSE_WORDS}) and not
     * boxed: a title naming its box then has one more query word uncovered ({@link
     * RankingFeatures#of}). Read once per query, not per candidate.
     */
    final boolean asksLoose;

    /** The raw tokens joined by single spaces, padded with a space at both ends. */
    final String spaced;

    final boolean code;
    final double length;

    /** The query's model codes ({@link #codes}). */
    final Set<String> codes;

    /**
     * Each code's weight in an offer's share of them ({@link #codeShare}): its characters in words
     * holding a digit ("intelxeonx3440" 5, "tray/feeder 500" 3, "rl1-0542-000cn" 12).
     */
    final Map<String, Integer> codeWeights;

    /**
     * Runs of 1 to {@value #MAX_JOIN} neighbouring words, each word normalised ({@link #alnum}) and
     * the run joined, never through a decimal number ("7.62"): what a code-like model field is
     * compared with, as written ("Cat5E, 25ft", "DXOC 67C3", "dxoc-67c3").
     */
    final Set<String> runs;

    /** The runs that hold a code word ("Cat5E, 75ft", not "cable 25ft"): near-code candidates. */
    final Set<String> codeRuns;

    /**
     * Each run's depth: how many runs its first word begins, up to and including it ("Canon CLI-521
     * M": cli521 1, cli521m 2, canoncli521 1, canoncli521m 2), not counting past a list break
     * ("T650, T652, T654": 1); the largest over the run's occurrences.
     */
    final Map<String, Integer> runDepth;

    /** The largest {@link #runDepth}, 0 without runs. */
    final int maxRunDepth;

    /**
     * The letters and digits of the query's first {@value #MAX_TITLE_CHARS} characters,
     * lower-cased: what a model field that is a product name is looked for in ({@link
     * #namesModelName}).
     */
    final String headNormalized;

    /** The codes of the query's words, word by word ({@link #wordCodes}). */
    final Set<String> wordCodes;

    /**
     * The query's codes a title names as a product's ({@link #titleNamed}) written behind a word of
     * letters, as pairs {word, code} ("hp q5952a": {hp, q5952a}; {@link #behindWords}), each
     * normalised: what another brand's title must write so to carry the code ({@link #titleHeld}).
     */
    final List<String[]> codesBehindWords;

    /**
     * {@link #codesBehindWords} of the text after the query's compatibility marker ({@link
     * #productPart}), which may name a device ("drum for oki c7100") or the product a replacement
     * stands for ("toner compatible with lexmark e450h21e"): the catalogue tells them apart, as
     * another brand's title writes a replaced product's code in its own product part ("Xerox Black
     * toner cartridge. Equivalent to Lexmark E450H11E, E450H21E"), a device's only after its own
     * marker ({@link #titleHeld}).
     */
    final List<String[]> deviceCodesBehindWords;

    /**
     * For a query asking for a replacement ({@link #replacementIntent}), its word codes of letters
     * that a title names as a product's ({@link #titleNamed}), before or after its marker: another
     * brand's title naming one in its product part carries it whatever word the query writes before
     * it ("generic dr4000 drum", "C9700A compatible toner"); empty otherwise.
     */
    final Set<String> wantedCodes;

    /**
     * What the query asks for, read when it writes a code after its compatibility marker: the
     * analysed terms of each word of its product part ({@link #productPart}) that is not a code
     * ({@link #wordCodes}), a stop word or a word asking for a replacement ({@link
     * #REPLACEMENT_INTENT}), "toner" of "toner for hp laserjet p2055". A code after the marker may
     * be a device's, which the titles of all its accessories hold ("Acme HP LaserJet P2055 fuser
     * kit"): another brand's title carries it only when it holds all of these ({@link #titleHeld}).
     * Empty without such a code.
     */
    final List<Set<String>> askedWords;

    /**
     * The analysed terms of each word of the query's product part ({@link #productPart}) that is
     * not a code ({@link #wordCodes}), nor the word naming the code it precedes (its line or brand,
     * "phaser 3300mfp", "lj p3005", which a supply of the device names too), nor a number or a stop
     * word, its first {@value #MAX_FIT_WORDS}: what a product a model field names by code must
     * mostly hold to be the one asked for ({@link #nameHeld}). Empty when {@link #wordCodes} is.
     */
    final List<Set<String>> productWords;

    /**
     * The query's words (split at white space and commas), each normalised ({@link #alnum}), that
     * are not codes ({@link #wordCodes}) nor empty: what {@code code_partial} counts beside the
     * brand.
     */
    final List<String> otherWords;

    /** The query's quantities by unit ({@link #quantities}). */
    final Map<String, Set<String>> quantities;

    /** The data sizes among {@link #quantities}, in MB ({@code quantityConflict}). */
    final double[] dataSizes;

    /** The colours the query names ({@link #colours}). */
    final Set<String> colours;

    /** The query's bare numbers ({@link #numbers}). */
    final List<String> numbers;

    /** Whether the query names a trade item number ({@link #namesTradeItem}). */
    final boolean tradeItem;

    /**
     * Whether the query asks for a replacement of what it names ({@link #REPLACEMENT_INTENT}:
     * "compatible", "equivalent", "generic", "aftermarket", ...): another brand's title naming its
     * code then carries it beside the original ({@link #TITLE_HELD_WANTED}).
     */
    final boolean replacementIntent;

    /** No digit in the query but in its quantities: words and sizes ({@link #WORDS_UNCOVERED}). */
    final boolean wordsOnly;

    /** Whether the query names a brand ({@link BrandNames}), by brand: candidates share brands. */
    final Map<String, Boolean> brandsNamed = new ConcurrentHashMap<>();

    /** The query's text, for what only some callers read ({@link #deviceFit()}). */
    private final String text;

    /** {@link #deviceFit()} once read: null until then, empty when the query has none. */
    private volatile Optional<DeviceFit> deviceFit;

    /** {@link #head()} once read: null until then. */
    private volatile Set<String> head;

    /**
     * The terms of the last word of letters of the query's product part ({@link #productPart}),
     * among its last {@value #MAX_LENGTH} words (a stop word, a number, a unit after a number or a
     * colour is none): what a query of words asks for, as an English noun phrase's head ("gaming
     * mouse": a mouse; "Design Jet Printhead and": a printhead; "toner black for phaser": a toner).
     * Empty when it has none.
     */
    Set<String> head() {
      Set<String> h = head;
      if (h == null) {
        h = Set.of();
        List<String> tokens = new ArrayList<>();
        for (String t :
            NON_ALNUM.split(Texts.lowerCase(productPart(Texts.cut(text, MAX_TITLE_CHARS))))) {
          if (!t.isEmpty()) {
            tokens.add(t);
          }
        }
        for (int i = tokens.size() - 1; i >= Math.max(0, tokens.size() - MAX_LENGTH); i--) {
          String t = tokens.get(i);
          boolean unit = i > 0 && tokens.get(i - 1).chars().allMatch(Character::isDigit);
          if (!unit
              && t.chars().allMatch(Character::isLetter)
              && ColourWords.colours(List.of(t)).isEmpty()) {
            Set<String> terms = Bm25Queries.terms(analyzer, t);
            if (!terms.isEmpty()) {
              h = Set.copyOf(terms);
              break;
            }
          }
        }
        head = h;
      }
      return h;
    }

    QueryTerms(String written) {
      // "512meg" names a quantity, no code: units spelled out read as their symbols throughout; a
      // barcode typed in its printed digit groups is one number (a part number, not four numbers);
      // underscores separate words, as in a URL slug ("canon_bci-1421c"), as the analysis splits
      // at them.
      // A list pasted without spaces ("tl-sg3210,tl-sg2210p"; a sheet's cells) is a list of words:
      // a comma not between digits, a semicolon or a bar is followed by a space, as typed.
      String text = normalizeQuery(written);
      this.normalized = alnum(text);
      this.terms = Bm25Queries.terms(analyzer, text);
      this.tradeItem = namesTradeItem(terms);
      this.replacementIntent = REPLACEMENT_INTENT.matcher(Texts.cut(text, MAX_TITLE_CHARS)).find();
      this.wordsOnly = wordsAndSizes(text);
      this.text = text;
      List<String> raw = new ArrayList<>();
      for (String t : NON_ALNUM.split(Texts.lowerCase(text))) {
        if (!t.isEmpty()) {
          raw.add(t);
        }
      }
      this.rawTokens = List.copyOf(raw);
      this.rawTokenSet = Set.copyOf(raw);
      this.asksLoose =
          !Collections.disjoint(rawTokenSet, LOOSE_WORDS)
              && Collections.disjoint(rawTokenSet, BOXED_WORDS);
      this.spaced = " " + String.join(" ", rawTokens) + " ";
      this.code = hasModelCode(text);
      // A model code says as much as a long query: the query is as specific as the signal goes.
      this.length = code ? 1.0 : Math.min(1.0, (double) rawTokens.size() / MAX_LENGTH);
      // Every candidate is compared with each code and run: read them from the query's first
      // MAX_TITLE_CHARS, as a title's, so that their number is bounded (a 10,000-character query
      // of short distinct codes held 7,497).
      String cut = Texts.cut(text, MAX_TITLE_CHARS);
      String head = productPart(cut);
      Set<String> headCodes = new HashSet<>();
      Map<String, Integer> weights = new HashMap<>();
      scanCodes(head, headCodes, weights);
      this.codes = headCodes;
      this.codeWeights = Map.copyOf(weights);
      // none for a query naming a code: title_bigrams is 0 there (TITLE_BIGRAMS)
      this.bigrams = code ? Set.of() : Bm25Queries.bigrams(analyzer, cut);
      this.headNormalized = alnum(head);
      this.wordCodes = wordCodes(head, Integer.MAX_VALUE);
      this.codesBehindWords = behindWords(wordCodes, codes);
      String device = cut.substring(head.length());
      Set<String> deviceWordCodes = wordCodes(device, Integer.MAX_VALUE);
      this.deviceCodesBehindWords =
          deviceWordCodes.isEmpty() ? List.of() : behindWords(deviceWordCodes, codes(device));
      Set<String> wanted = new HashSet<>();
      if (replacementIntent) {
        for (Set<String> cs : List.of(wordCodes, deviceWordCodes)) {
          for (String c : cs) {
            if (titleNamed(c) && c.chars().anyMatch(Character::isLetter)) {
              wanted.add(c);
            }
          }
        }
      }
      this.wantedCodes = Set.copyOf(wanted);
      List<Set<String>> asked = new ArrayList<>();
      if (!deviceWordCodes.isEmpty()) {
        String sought = REPLACEMENT_INTENT.matcher(Texts.lowerCase(head)).replaceAll(" ");
        for (String w : WORD_BREAK.split(sought.trim())) {
          String a = alnum(w);
          if (a.isEmpty() || wordCodes.contains(a)) {
            continue;
          }
          Set<String> ts = Bm25Queries.terms(analyzer, w);
          if (!ts.isEmpty()) {
            asked.add(Set.copyOf(ts));
          }
        }
      }
      this.askedWords = List.copyOf(asked);
      String[] headWords = WORD_BREAK.split(Texts.lowerCase(head).trim());
      String[] headAlnums = new String[headWords.length];
      List<String> ws = new ArrayList<>();
      for (int i = 0; i < headWords.length; i++) {
        headAlnums[i] = alnum(headWords[i]);
        if (!headAlnums[i].isEmpty() && !wordCodes.contains(headAlnums[i])) {
          ws.add(headAlnums[i]);
        }
      }
      this.otherWords = List.copyOf(ws);
      // Read only for a query with a code of a word (nameHeld needs one): the analysis is per word.
      List<Set<String>> product = new ArrayList<>();
      for (int i = 0;
          !wordCodes.isEmpty() && i < headWords.length && product.size() < MAX_FIT_WORDS;
          i++) {
        String a = headAlnums[i];
        if (a.isEmpty()
            || wordCodes.contains(a)
            || a.chars().allMatch(Character::isDigit)
            || i + 1 < headWords.length && wordCodes.contains(headAlnums[i + 1])) {
          // a code, a number (a year, a size: number_missing reads them), or the line or brand
          // word naming the code ("phaser 3300mfp", "lj p3005")
          continue;
        }
        Set<String> ts = Bm25Queries.terms(analyzer, headWords[i]);
        if (!ts.isEmpty()) {
          product.add(Set.copyOf(ts));
        }
      }
      this.productWords = List.copyOf(product);
      this.numbers = numbers(head);
      // Each candidate converts every quantity of the query (quantityConflict): read from the
      // first MAX_TITLE_CHARS too (the marker's device part included, as before), so that their
      // number is bounded (a 10,000-character query of distinct quantities held 1,585).
      this.quantities = quantities(Texts.cut(text, MAX_TITLE_CHARS));
      this.dataSizes = dataSizes(quantities);
      this.colours = colours(rawTokens);
      Set<String> r = new HashSet<>();
      Set<String> cr = new HashSet<>();
      Map<String, Integer> depths = new HashMap<>();
      int maxDepth = 0;
      String[] words = WHITESPACE.split(Texts.lowerCase(head).trim());
      boolean[] breakBefore = new boolean[words.length]; // read once per gap, not once per run
      for (int j = 1; j < words.length; j++) {
        breakBefore[j] = listBreakBefore(words[j - 1], words[j]);
      }
      for (int i = 0; i < words.length; i++) {
        StringBuilder run = new StringBuilder();
        boolean hasCode = false;
        int depth = 0;
        boolean listed = false; // past a list break: "T650, T652, T654" is a list, not one code
        for (int j = i; j < Math.min(words.length, i + MAX_JOIN); j++) {
          if (isDecimal(words[j])) {
            break;
          }
          String w = alnum(words[j]);
          listed |= j > i && breakBefore[j];
          run.append(w);
          hasCode |= isCode(w);
          if (run.length() >= 4 && run.chars().anyMatch(Character::isDigit)) {
            r.add(run.toString());
            if (depth == 0 || !w.isEmpty() && !listed) {
              depth++;
            }
            depths.merge(run.toString(), depth, Math::max);
            maxDepth = Math.max(maxDepth, depth);
            if (hasCode) {
              cr.add(run.toString());
            }
          }
        }
      }
      this.runs = Set.copyOf(r);
      this.codeRuns = Set.copyOf(cr);
      this.runDepth = Map.copyOf(depths);
      this.maxRunDepth = maxDepth;
    }

    /**
     * What the query asks of a device's accessories ({@link RankingFeatures#deviceFit}), or null;
     * read on first use (the cache's {@link EntryCut#mayReach}), not for every ranked query.
     */
    DeviceFit deviceFit() {
      Optional<DeviceFit> fit = deviceFit;
      if (fit == null) {
        fit = Optional.ofNullable(RankingFeatures.this.deviceFit(text));
        deviceFit = fit;
      }
      return fit.orElse(null);
    }

    /** 1 when the query contains a model-code-like token. */
    public double code() {
      return code ? 1 : 0;
    }

    public double length() {
      return length;
    }
  }

  public QueryTerms query(String text) {
    return new QueryTerms(text);
  }

  /** A query's text as {@link QueryTerms} reads it (units, barcodes, underscores, glued lists). */
  private static String normalizeQuery(String written) {
    return LIST_GLUE
        .matcher(Gtin.joinPrintedGroups(SpelledUnits.normalize(written).replace('_', ' ')))
        .replaceAll("$0 ");
  }

  /**
   * Whether a query is one of words and sizes ({@link QueryTerms#wordsOnly}), read without
   * analysing it: the only queries {@link #lowerAccessoriesOf} reads, so the fusion analyses no
   * other query again for it.
   */
  public static boolean wordsOnly(String text) {
    return wordsAndSizes(normalizeQuery(text));
  }

  /**
   * Whether a list break ({@code LIST_BREAK}) separates two neighbouring words: the punctuation
   * that ends the first or opens the second ("M," "(CLI-521"), or the second being punctuation of
   * its own ("T0711 - T0714"). Punctuation inside a word ("30,5m", "pc(s)") is none.
   */
  static boolean listBreakBefore(String previous, String word) {
    if (alnum(word).isEmpty()) {
      return LIST_BREAK.matcher(trailingMarks(previous) + " " + word + " ").find();
    }
    return LIST_BREAK.matcher(trailingMarks(previous) + " " + leadingMarks(word)).find();
  }

  private static String trailingMarks(String word) {
    int end = word.length();
    int i = end;
    while (i > 0 && !isLetterOrNumber(word.codePointBefore(i))) {
      i -= Character.charCount(word.codePointBefore(i));
    }
    return word.substring(i, end);
  }

  private static String leadingMarks(String word) {
    int i = 0;
    while (i < word.length() && !isLetterOrNumber(word.codePointAt(i))) {
      i += Character.charCount(word.codePointAt(i));
    }
    return word.substring(0, i);
  }

  /**
   * A list break glued to the next word: a comma not between digits ("1,5 m" is a number), a
   * semicolon or a bar, with no space after it and two characters or more before the next break
   * (single letters are a code's options, "LC-1100C,M,Y").
   */
  private static final Pattern LIST_GLUE =
      Pattern.compile("(?:(?<!\\p{N}),|,(?!\\p{N})|[;|])(?=[^\\s,;|]{2})");

  /**
   * A word after which a query names what the product fits, not the product: English, or the word
   * shoppers of the shop's other markets write ("toner für hp 1020", "cartouche pour epson",
   * "tambor para oki c5650", "toner voor oki c110", "kompatibel"); "per" and "do" (Italian, Polish)
   * only with a number within their next three words, being English words too ("price per 100
   * sheets" keeps its product part whole only because no product is asked after it).
   */
  private static final Pattern COMPATIBILITY_MARKER =
      Pattern.compile(
          "(?iu)(?:^|\\s)(?:for|fits|compatible|für|fuer|pour|para|voor|för|compatibile|kompatibel"
              + "|compatível|compatibel)(?:\\s|$)"
              + "|(?:^|\\s)(?:per|do)\\s(?=(?:\\S+\\s+){0,2}?\\S*\\p{N})");

  /**
   * The part of a query that names the product sought: the text before its first compatibility
   * marker ("for", "fits", "compatible", {@link #COMPATIBILITY_MARKER}) that something precedes, or
   * all of it. After one the query names the device the product serves ("C734X24G for Lexmark
   * C736", "42126665 for OKI C3200", "toner for HP 1020"), whose code the device itself and every
   * accessory of it carry: it says nothing about which candidate is meant, and counted as a code of
   * the query it made the device and its other parts carry "the query's code" as fully as the
   * product named. A "for" right after "replacement" or "substitute" is no marker: "replacement for
   * hp c9732a" names the product replaced, by its code, not a device.
   */
  static String productPart(String query) {
    Matcher m = COMPATIBILITY_MARKER.matcher(query);
    while (m.find()) {
      String before = query.substring(0, m.start());
      // A marker the query opens with ("compatible CE285A toner") names no device after it.
      if (!before.isBlank() && !REPLACED_BEFORE.matcher(before).find()) {
        return before;
      }
    }
    return query;
  }

  /**
   * The codes of {@code wordCodes} a title names as a product's ({@link #titleNamed}) that {@code
   * codes} hold behind a word of letters, as pairs {word, code} ("hp q5952a": {hp, q5952a}), and
   * behind the first of two such words ("kyocera mita tk-320": {kyoceramita, tk320}, {mita, tk320},
   * {kyocera, tk320}).
   */
  private static List<String[]> behindWords(Set<String> wordCodes, Set<String> codes) {
    List<String[]> behind = new ArrayList<>();
    for (String c : wordCodes) {
      if (!titleNamed(c)) {
        continue;
      }
      List<String> words = new ArrayList<>();
      for (String r : codes) {
        if (r.length() > c.length() && r.endsWith(c)) {
          String w = r.substring(0, r.length() - c.length());
          if (w.chars().allMatch(Character::isLetter)) {
            words.add(w);
          }
        }
      }
      for (String w : words) {
        behind.add(new String[] {w, c});
        for (String v : words) {
          if (w.length() > v.length() && w.endsWith(v)) {
            // Two words before the code ("kyocera mita tk-320"): the first is written behind it
            // too ("Equivalent to Kyocera TK-320").
            behind.add(new String[] {w.substring(0, w.length() - v.length()), c});
          }
        }
      }
    }
    return List.copyOf(behind);
  }

  /** A text ending in "replacement" or "substitute": a "for" after it names what is replaced. */
  private static final Pattern REPLACED_BEFORE =
      Pattern.compile("(?iu)(?<![\\p{L}\\p{N}])(?:replacements?|substitutes?)\\s*$");

  /**
   * Whether analysed query terms name a trade item number: a UPC-A, EAN-13 or GTIN-14 in the
   * 14-digit form the analysis writes ({@link GtinNormalizationFilter}). An EAN-8 (six leading
   * zeros in that form) does not count: eight-digit part numbers are common ("OKI 44289103"), and
   * one in ten carries a valid check digit.
   */
  static boolean namesTradeItem(Set<String> terms) {
    for (String t : terms) {
      if (t.length() == Gtin.DIGITS && !t.startsWith("000000") && Gtin.isValid(t)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code text} holds a model-code-like token (see {@link QuerySignals#code}). */
  public static boolean hasModelCode(String text) {
    for (String t : TOKEN_BREAK.split(Texts.lowerCase(text))) {
      String c = CODE_SEPARATORS.matcher(t).replaceAll("");
      if (c.length() >= 4
              && c.chars().allMatch(Character::isLetterOrDigit)
              && c.chars().anyMatch(Character::isDigit)
              && c.chars().anyMatch(Character::isLetter)
              && !isNumberWithUnit(c)
          || isNumericCode(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param denseRank 0-based rank in the dense list, or -1
   * @param bm25Rank 0-based rank in the BM25 list, or -1
   */
  public double[] of(
      QueryTerms q, Product p, double dense, double bm25Normalized, int denseRank, int bm25Rank) {
    if (q.tradeItem) {
      // A barcode means nothing to the embedding model (dense alone finds none of the products a
      // GTIN names): its cosine, and every feature scaled by it, say nothing of the candidate.
      dense = 0;
    }
    double[] f = new double[NAMES.size()];
    f[DENSE] = dense;
    f[BM25] = bm25Normalized;
    Named n = Named.of(p);
    f[TITLE_COVERAGE] = coverage(q.terms, n.title());
    f[WORDS_UNCOVERED] = q.wordsOnly ? (1 - f[TITLE_COVERAGE]) * q.length() : 0;
    if (q.asksLoose && boxed(n.title())) {
      f[WORDS_UNCOVERED] += VARIANT_UNCOVERED; // the boxed variant of what it asks for loose
    }
    f[BRAND_MATCH] = brandMatch(q, n.brand()) ? 1 : 0;
    f[DENSE_RR] = denseRank < 0 ? 0 : 1.0 / (RRF_K + denseRank + 1);
    f[BM25_RR] = bm25Rank < 0 ? 0 : 1.0 / (RRF_K + bm25Rank + 1);
    f[DENSE_X_CODE] = dense * q.code();
    f[DENSE_X_LENGTH] = dense * q.length();
    int code = codeMatch(q, n);
    double name = code == 2 ? 0 : nameHeld(q, n);
    f[CODE_EXACT] =
        code == 2 ? codeShare(q, n) : name > 0 ? name : titleHeld(q, n, f[BRAND_MATCH] > 0);
    f[CODE_NEAR] = code == 1 ? 1 : 0;
    f[CODE_PARTIAL] = code != 2 ? partialCode(q, n) : 0;
    f[QUANTITY_CONFLICT] = quantityConflict(q, n.title(), n.brand()) ? 1 : 0;
    f[COLOUR_CONFLICT] = colourConflict(q, n.title()) ? 1 : 0;
    f[NUMBER_MISSING] = numberMissing(q, n);
    f[TITLE_BIGRAMS] = bigramShare(q.bigrams, n.title()) * q.length();
    return f;
  }

  /**
   * The colours a text names, by their English name ({@link ColourWords}: "Grey", "gray", "grau"
   * and "szary" are grey); whole words only.
   */
  public static Set<String> colours(String text) {
    return colours(Arrays.asList(NON_ALNUM.split(Texts.lowerCase(text))));
  }

  /** The colours among lower-case words. */
  private static Set<String> colours(List<String> words) {
    return ColourWords.colours(words);
  }

  /** Colours of a title, by title: titles repeat across queries. */
  private final TitleCache<Set<String>> titleColours = new TitleCache<>();

  /**
   * Whether the query names a colour and the title names colours, none of them the query's nor near
   * it (cyan for blue, magenta for red; {@link ColourWords#conflict}): "C2G 50ft Cat6 Patch Cable
   * Black" against "... Cable Blue" (true), against "... Black networking cable" (false), against a
   * title naming no colour (false: nothing contradicts it); "HP 90 Original Cyan" against "HP 90
   * Original Magenta" (true). Dense similarity cannot tell such variants apart (their titles differ
   * by one word), and BM25 only rewards the matching colour.
   */
  boolean colourConflict(QueryTerms q, String title) {
    return !q.colours.isEmpty()
        && ColourWords.conflict(q.colours, titleColours.get(title, RankingFeatures::colours));
  }

  /**
   * Gives {@code colour_conflict} 1 to a candidate carrying the query's code, in whole or in part,
   * whose title names only a colour near the query's ({@link ColourWords#nearOnly}: cyan for
   * "blue", magenta for "red") when another carrier's title names the query's colour itself: "canon
   * pfi-701 red" asks for the PFI-701 Red cartridge of a line that also has a magenta one; "hp 88
   * blue", whose line has no blue cartridge, still asks for the cyan one. Only carriers of the code
   * count: any "Blue" product a query's word brings into the candidates would otherwise make every
   * cyan cartridge conflict. Reads the candidates' code features as {@link HybridRanker#fuse}
   * receives them (before {@link #normaliseCodeShare}), as the cache's entry cut sees them ({@link
   * EntryCut}).
   *
   * @param text the query's text
   * @param titles the candidates' titles, in the order of {@code features}
   */
  public void conflictNearColours(String text, List<String> titles, List<double[]> features) {
    requireAligned(titles, features);
    Set<String> asked = colours(text);
    if (asked.isEmpty()) {
      return;
    }
    boolean named = false;
    for (int i = 0; i < titles.size() && !named; i++) {
      named =
          carriesCode(features.get(i))
              && !Collections.disjoint(
                  asked, titleColours.get(titles.get(i), RankingFeatures::colours));
    }
    if (!named) {
      return;
    }
    for (int i = 0; i < titles.size(); i++) {
      double[] f = features.get(i);
      if (carriesCode(f)
          && ColourWords.nearOnly(
              asked, titleColours.get(titles.get(i), RankingFeatures::colours))) {
        f[COLOUR_CONFLICT] = 1;
      }
    }
  }

  /** Fails unless there is one title per candidate's features. */
  private static void requireAligned(List<String> titles, List<double[]> features) {
    if (titles.size() != features.size()) {
      throw new IllegalArgumentException(
          titles.size() + " titles for " + features.size() + " candidates");
    }
  }

  /** Whether a candidate's features carry one of the query's codes, in whole or in part. */
  static boolean carriesCode(double[] f) {
    return !(f[CODE_EXACT] == 0) || !(f[CODE_PARTIAL] == 0);
  }

  /** Quantities of a title (or brand) by unit, by text: titles repeat across queries. */
  private final TitleCache<Map<String, Set<String>>> titleQuantities = new TitleCache<>();

  /**
   * Whether the query names a quantity whose dimension the title also names, but never with the
   * query's value: "512MB" against "Lexmark 128 MB DDR-DRAM" (true), against "HP 512MB DDR 0.5 GB"
   * (false), against a title naming no MB (false: nothing contradicts it); "6in" against "C2G 10ft
   * Hook" (true: both lengths), against "15cm strap" (false: the same length). Values of one unit
   * are compared exactly; a length, weight or volume the title gives only in other units of its
   * dimension is converted ({@link #SAME_QUANTITY_TOLERANCE}). So is a data size, but only against
   * the title's sizes within {@link #SAME_PART_DATA_RATIO} of the query's: "512 MB" contradicts
   * "1GB" (a memory module's variants), while a title naming memory in GB and storage in TB, or a
   * drive's cache in MB, names two parts, not one in two units; nor against a title's size that is
   * another of the query's ("4gb ... quadro fx 2700m 512mb": the title's 4 GB is the memory).
   * Frequencies are compared per unit only (a CPU's clock in GHz, its bus in MHz). A quantity of
   * the query that the product's {@code brand} spells ("3M") names the brand, not a size, and is
   * not compared.
   */
  boolean quantityConflict(QueryTerms q, String title, String brand) {
    if (q.quantities.isEmpty()) {
      return false;
    }
    Map<String, Set<String>> t = titleQuantities.get(title, RankingFeatures::quantities);
    Map<String, Set<String>> b =
        brand.isBlank() ? Map.of() : titleQuantities.get(brand, RankingFeatures::quantities);
    for (Map.Entry<String, Set<String>> e : q.quantities.entrySet()) {
      Set<String> values = e.getValue();
      Set<String> spelt = b.get(e.getKey());
      if (spelt != null) {
        values = new HashSet<>(values);
        values.removeAll(spelt);
        if (values.isEmpty()) {
          continue;
        }
      }
      if (conflicts(e.getKey(), values, t, q.dataSizes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The data sizes quantities name, in MB: a title's size that is another of the query's names that
   * part ("quadro fx 2700m 512mb" beside "4gb": the title's 4 GB is the memory, no other variant of
   * the graphics card's 512 MB).
   */
  private static double[] dataSizes(Map<String, Set<String>> quantities) {
    List<Double> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : quantities.entrySet()) {
      if (DATA.equals(DIMENSION.get(e.getKey()))) {
        for (String v : e.getValue()) {
          out.add(Double.parseDouble(v) * TO_BASE_UNIT.get(e.getKey()));
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Whether two quantities in one base unit are the same ({@link #SAME_QUANTITY_TOLERANCE}). */
  private static boolean same(double a, double b) {
    return Math.abs(a - b) <= SAME_QUANTITY_TOLERANCE * Math.max(a, b);
  }

  /** Whether a data size is within {@link #SAME_PART_DATA_RATIO} of one of {@code values}. */
  private static boolean samePart(double b, double[] values) {
    for (double a : values) {
      if (Math.max(a, b) <= SAME_PART_DATA_RATIO * Math.min(a, b)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameAsAny(double b, double[] values) {
    for (double v : values) {
      if (same(v, b)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Relative difference under which two quantities of one dimension in different units are the
   * same: a shop's "10ft" cable is "3 m" (3.048 m), "6in" is "15 cm" (15.24 cm), "2 lbs" "0.9 kg"
   * (0.907 kg), and shops sell 3 ft as "1 m" and 6 ft as "2 m" (8.6% apart), 2 lb as "1 kg" (9%).
   * Sizes of one line closer than that ("16 in" and "16.1 in") are told apart only in one unit.
   */
  static final double SAME_QUANTITY_TOLERANCE = 0.1;

  /**
   * Units convertible to one another, to the base unit of their dimension (mm, g, ml, MB). Only the
   * units {@link #quantities} reads, in its spelling.
   */
  private static final Map<String, Double> TO_BASE_UNIT =
      Map.ofEntries(
          Map.entry("mm", 1.0),
          Map.entry("cm", 10.0),
          Map.entry("m", 1000.0),
          Map.entry("in", 25.4),
          Map.entry("ft", 304.8),
          Map.entry("g", 1.0),
          Map.entry("kg", 1000.0),
          Map.entry("lb", 453.59237),
          Map.entry("ml", 1.0),
          Map.entry("l", 1000.0),
          // binary multiples, as memory is sold; a drive's decimal "2000 GB" is within the
          // tolerance of 2 TB
          Map.entry("kb", 1.0 / 1024),
          Map.entry("mb", 1.0),
          Map.entry("gb", 1024.0),
          Map.entry("tb", 1024.0 * 1024));

  /** The dimension of data sizes ({@link #DIMENSION}). */
  private static final String DATA = "data";

  private static final Map<String, String> DIMENSION =
      Map.ofEntries(
          Map.entry("mm", "length"),
          Map.entry("cm", "length"),
          Map.entry("m", "length"),
          Map.entry("in", "length"),
          Map.entry("ft", "length"),
          Map.entry("g", "mass"),
          Map.entry("kg", "mass"),
          Map.entry("lb", "mass"),
          Map.entry("ml", "volume"),
          Map.entry("l", "volume"),
          Map.entry("kb", DATA),
          Map.entry("mb", DATA),
          Map.entry("gb", DATA),
          Map.entry("tb", DATA));

  /**
   * Largest ratio between a query's data size and a title's in another unit for both to be sizes of
   * one part: a memory module's variants are 2–16× apart (64 MB to 1 GB), while memory and storage
   * (16 GB, 1 TB) are 64× or more apart and a drive's cache and capacity (16 MB, 500 GB) thousands.
   */
  static final double SAME_PART_DATA_RATIO = 16;

  /**
   * Whether a title's quantities {@code title} contradict the query's {@code values} of {@code
   * unit}: the title names quantities of that unit and none equal to one of the query's; or, naming
   * none of that unit, names lengths, weights, volumes or data sizes (those within {@link
   * #SAME_PART_DATA_RATIO} of the query's) of the unit's dimension in other units and none converts
   * to one of the query's. A title that names both units ("40.6 cm (16")") is read in the query's:
   * conversions of close sizes (16" and 16.1") fall within the tolerance.
   */
  private static boolean conflicts(
      String unit, Set<String> values, Map<String, Set<String>> title, double[] queryData) {
    Set<String> same = title.get(unit);
    if (same != null) {
      return Collections.disjoint(same, values);
    }
    String dimension = DIMENSION.get(unit);
    if (dimension == null) {
      return false;
    }
    double[] query = new double[values.size()];
    int k = 0;
    for (String v : values) {
      query[k++] = Double.parseDouble(v) * TO_BASE_UNIT.get(unit);
    }
    boolean named = false;
    for (Map.Entry<String, Set<String>> e : title.entrySet()) {
      if (!dimension.equals(DIMENSION.get(e.getKey()))) {
        continue;
      }
      for (String w : e.getValue()) {
        double b = Double.parseDouble(w) * TO_BASE_UNIT.get(e.getKey());
        if (sameAsAny(b, query)) {
          return false;
        }
        named |= !DATA.equals(dimension) || samePart(b, query) && !sameAsAny(b, queryData);
      }
    }
    return named;
  }

  /**
   * A length's unit spelled out ("3 feet", "17 inches", "2 metres"): the number is a length, which
   * a title may give in another unit ("0.9 m", "6-ft."), not a number the title must hold.
   */
  private static final Pattern LENGTH_WORD =
      Pattern.compile("feet|foot|inch(?:es)?|yards?|(?:centi|milli)?met(?:er|re)s?");

  /** Most bare numbers read from a query ({@link #numbers}). */
  static final int MAX_NUMBERS = 8;

  /** Most digits of a bare number; longer ones are part numbers ({@link #isNumericCode}). */
  static final int MAX_NUMBER_DIGITS = MIN_NUMERIC_CODE - 1;

  /**
   * The bare numbers of a text, in order, at most {@value #MAX_NUMBERS}: its whitespace-separated
   * words that are 1 to {@value #MAX_NUMBER_DIGITS} ASCII digits once leading and trailing
   * punctuation are dropped ("6", "914", "7660", "(1024)"), and not the number of a quantity spaced
   * from its unit ("25 ft", "16 GB", "5 MB/s", "3 feet": {@link #quantities} reads most) or marked
   * as one (5", 100%), nor a price ({@link #price}). Not a decimal ("2.0"), a code ("C6980A", "5y")
   * or a part number of 5+ digits, which the code features read.
   */
  static List<String> numbers(String text) {
    List<String> out = new ArrayList<>();
    String[] ws = WHITESPACE.split(Texts.lowerCase(text).trim());
    for (int k = 0; k < ws.length && out.size() < MAX_NUMBERS; k++) {
      String w = trimToLettersAndNumbers(ws[k]);
      if (w.isEmpty()
          || w.length() > MAX_NUMBER_DIGITS
          || !w.chars().allMatch(c -> c >= '0' && c <= '9')
          || markedQuantity(ws[k], w)
          || price(ws, k)
          || packCount(ws, k)) {
        continue;
      }
      if (k + 1 < ws.length
          && startsWithLetter(ws[k + 1])
          && (isQuantity(w + alnum(ws[k + 1]))
              || PER_UNIT.matcher(trimToLettersAndNumbers(ws[k + 1])).matches()
              || LENGTH_WORD.matcher(alnum(ws[k + 1])).matches())) {
        k++; // "25 ft", "3 feet": a quantity, not a bare number
        continue;
      }
      out.add(w);
    }
    return out;
  }

  /** Words that, followed by "of" and a number, count pieces: "set of 2", "pack of 10". */
  private static final Set<String> PACK_WORDS =
      Set.of(
          "set", "sets", "pack", "packs", "bundle", "box", "case", "lot", "pair", "pairs", "kit");

  /**
   * Whether word {@code k} of {@code words} counts the pieces a shopper asks for ("set of 2",
   * "bundle of 3", "box of 10"), as "2 pack" does: not a number of the product named, which {@code
   * number_missing} would look for in its title.
   */
  private static boolean packCount(String[] words, int k) {
    return k >= 2 && "of".equals(words[k - 1]) && PACK_WORDS.contains(alnum(words[k - 2]));
  }

  /**
   * Whether word {@code k} of {@code words} is a price a shopper adds to a product's name ("hp
   * cf280a $80", "80€", "€ 80", "80 €", "80 eur", "under 80", "less than 80"): a currency sign in
   * it or written alone before or after it, a currency's name or code after it, or a bound before
   * it. A price is not a number of the product named, which {@code number_missing} would look for
   * in its title.
   */
  private static boolean price(String[] words, int k) {
    if (CURRENCY.matcher(words[k]).find()) {
      return true;
    }
    if (k > 0) {
      String before = words[k - 1];
      if (CURRENCY.matcher(before).find() && trimToLettersAndNumbers(before).isEmpty()
          || PRICE_BOUNDS.contains(alnum(before))) {
        return true;
      }
    }
    if (k + 1 < words.length) {
      String after = words[k + 1];
      return CURRENCY_NAMES.contains(alnum(after))
          || CURRENCY.matcher(after).find() && trimToLettersAndNumbers(after).isEmpty();
    }
    return false;
  }

  /** A currency sign (Unicode category Sc: $ € £ ¥ ...). */
  private static final Pattern CURRENCY = Pattern.compile("\\p{Sc}");

  /**
   * Words that bound a price before it ({@link #price}). Not "max", which names products before
   * their number ("Air Max 90", "iPhone 11 Pro Max 256").
   */
  private static final Set<String> PRICE_BOUNDS =
      Set.of("under", "below", "than", "upto", "budget");

  /**
   * Currency names and ISO 4217 codes written after a price ({@link #price}). Not "pound", a weight
   * as often ("10 pound dumbbell"; {@code SpelledUnits} reads it as no unit for the same reason).
   */
  private static final Set<String> CURRENCY_NAMES =
      Set.of(
          "eur", "euro", "euros", "usd", "dollar", "dollars", "bucks", "gbp", "chf", "sek", "nok",
          "dkk", "pln");

  /** Whether {@code word}'s first letter or digit is a letter ("ft", "\"gb": a unit may follow). */
  private static boolean startsWithLetter(String word) {
    String t = trimToLettersAndNumbers(word);
    return !t.isEmpty() && Character.isLetter(t.codePointAt(0));
  }

  /** Marks written right after a number that make it a quantity: inches, feet, a percentage. */
  private static final String QUANTITY_MARKS = "\"'%\u2033\u2032\u201d\u2019";

  /**
   * Whether the number {@code digits} of {@code word} is followed in it by a quantity mark (an inch
   * or foot mark, straight or typographic, or a percent sign: 5" is 5 inches, as {@link
   * #quantities} reads it, and 100% a percentage).
   */
  private static boolean markedQuantity(String word, String digits) {
    int end = word.indexOf(digits) + digits.length();
    return end < word.length() && QUANTITY_MARKS.indexOf(word.charAt(end)) >= 0;
  }

  /** Roman numerals 2 to 10, by value: how titles write a generation ("EF 50mm f/1.8 II"). */
  private static final List<String> ROMAN =
      List.of("", "", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x");

  /**
   * Whether {@code text} (lower case) holds {@code number} as a number: not preceded by a letter or
   * digit (but for a generation's "g" or "gen" opening a word: "ProBook 455R G6", "Gen2" hold 6 and
   * 2, and for a series' letters before 3 or more digits: "MF3110" holds 3110), not followed by a
   * digit ("Box 6 DIN", "110-volt", "1024MB", "914 mm" hold 6, 110, 1024 and 914; "C-EXV14" holds
   * no 14, "16" no 6, the decimal "1.6" neither 1 nor 6); a number from 2 to 10 is also held as a
   * Roman numeral word ("EF 50mm f/1.8 II" holds 2).
   */
  static boolean holdsNumber(String text, String number) {
    if (number.length() <= 2) {
      int n = Integer.parseInt(number);
      if (n >= 2 && n < ROMAN.size() && holdsWord(text, ROMAN.get(n))) {
        return true;
      }
    }
    for (int i = text.indexOf(number); i >= 0; i = text.indexOf(number, i + 1)) {
      int end = i + number.length();
      boolean before =
          i > 0
                  && isLetterOrNumber(text.codePointBefore(i))
                  && !afterGeneration(text, i)
                  && !afterSeriesLetters(text, i, number)
              || decimalMark(text, i - 1, -1);
      boolean after =
          end < text.length() && Character.isDigit(text.charAt(end)) || decimalMark(text, end, 1);
      if (!before && !after) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code text} holds {@code word} as a whole word (no letter or digit on either side).
   */
  private static boolean holdsWord(String text, String word) {
    for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
      int end = i + word.length();
      if ((i == 0 || !isLetterOrNumber(text.codePointBefore(i)))
          && (end == text.length() || !isLetterOrNumber(text.codePointAt(end)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the number of 3 or more digits at {@code i} follows 1 to {@value #MAX_SERIES_LETTERS}
   * ASCII letters that open a word: the letters of a model's series, which shoppers drop ("canon
   * 3110" for the MF3110, "intel 6600" for the Q6600). A shorter number after letters is a part of
   * a code, not the number a query names ("C-EXV14", "eg6").
   */
  private static boolean afterSeriesLetters(String text, int i, String number) {
    if (number.length() < 3) {
      return false;
    }
    int start = i;
    while (start > 0 && i - start < MAX_SERIES_LETTERS && isAsciiLetter(text.charAt(start - 1))) {
      start--;
    }
    return start < i && (start == 0 || !isLetterOrNumber(text.codePointBefore(start)));
  }

  /** Most letters of a model's series before its number ({@link #afterSeriesLetters}). */
  static final int MAX_SERIES_LETTERS = 4;

  private static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  /** Whether {@code text} has "g" or "gen" opening a word right before index {@code i}. */
  private static boolean afterGeneration(String text, int i) {
    for (String prefix : GENERATION_PREFIXES) {
      int start = i - prefix.length();
      if (start >= 0
          && text.startsWith(prefix, start)
          && (start == 0 || !isLetterOrNumber(text.codePointBefore(start)))) {
        return true;
      }
    }
    return false;
  }

  /** How titles write a generation before its number ("G6", "Gen2"). */
  private static final List<String> GENERATION_PREFIXES = List.of("g", "gen");

  /** Whether {@code text[i]} is a '.' or ',' with an ASCII digit at {@code i + step}. */
  private static boolean decimalMark(String text, int i, int step) {
    int j = i + step;
    return i >= 0
        && i < text.length()
        && (text.charAt(i) == '.' || text.charAt(i) == ',')
        && j >= 0
        && j < text.length()
        && text.charAt(j) >= '0'
        && text.charAt(j) <= '9';
  }

  /** The share of the query's bare numbers the product's title and model field do not hold. */
  private static double numberMissing(QueryTerms q, Named p) {
    if (q.numbers.isEmpty()) {
      return 0;
    }
    String title = Texts.lowerCase(p.title());
    String model = Texts.lowerCase(p.model());
    int missing = 0;
    for (String number : q.numbers) {
      if (!holdsNumber(title, number) && !holdsNumber(model, number)) {
        missing++;
      }
    }
    return (double) missing / q.numbers.size();
  }

  /**
   * A number and a unit, glued or spaced ("512MB", "1 GB", "0,5 gb", "55\"", "7kg", "3 pcs"); the
   * unit is not followed by a letter or digit, the number not preceded by one (a code such as
   * "PC2-4200" names no quantity; its hyphen does not count as a preceding letter).
   */
  private static final Pattern QUANTITY =
      Pattern.compile(
          "(?<![\\p{L}\\p{N}.,])(\\d+(?:[.,]\\d+)?)\\s?"
              + "(tb|gb|mb|kb|ghz|mhz|mah|wh|kw|w|v|mm|cm|m|ft|inch|in|\"|''|kg|g|lbs?|ml|l"
              + "|mp|pcs|pc\\(s\\)|pc|pack|pk)(?![\\p{L}\\p{N}])");

  /** Longest number read as a quantity's value, in characters. */
  static final int MAX_QUANTITY_CHARS = 16;

  /**
   * The quantities a text names, by unit: value in plain decimal form ("0,50" → "0.5", "16.0" →
   * "16"), units in one spelling ({@code inch} and {@code "} → {@code in}, {@code pcs}, {@code
   * pc(s)}, {@code pack}, {@code pk} → {@code pc}, {@code lb(s)} → {@code lb}). Units are kept as
   * written (no conversion here: "0.5 GB" and "512 MB" are two entries; {@link #quantityConflict}
   * converts lengths, weights, volumes and data sizes). "in" counts only glued to its number
   * ("55in"); a spaced "5 in 1" is no quantity. A number of more than {@value #MAX_QUANTITY_CHARS}
   * characters is none either. Units spelled out are read as their symbols ({@link SpelledUnits}:
   * "3 metre" is 3 m).
   */
  public static Map<String, Set<String>> quantities(String text) {
    String lower = Texts.lowerCase(SpelledUnits.normalize(text));
    Matcher m = QUANTITY.matcher(lower);
    Map<String, Set<String>> out = new HashMap<>();
    while (m.find()) {
      if (!readAsQuantity(lower, m)) {
        continue;
      }
      String value;
      try {
        value = new BigDecimal(m.group(1).replace(',', '.')).stripTrailingZeros().toPlainString();
      } catch (NumberFormatException e) {
        continue;
      }
      out.computeIfAbsent(unit(m), u -> new HashSet<>()).add(value);
    }
    out.replaceAll((u, v) -> Set.copyOf(v));
    return Map.copyOf(out);
  }

  /** The unit of a {@link #QUANTITY} match, in one spelling ({@link #quantities}). */
  private static String unit(Matcher m) {
    return switch (m.group(2)) {
      case "inch", "in", "\"", "''" -> "in";
      case "pcs", "pc(s)", "pack", "pk" -> "pc";
      case "lbs" -> "lb";
      default -> m.group(2);
    };
  }

  /** Whether {@link #quantities} reads a {@link #QUANTITY} match of {@code lower} as a quantity. */
  private static boolean readAsQuantity(String lower, Matcher m) {
    if (m.group(2).equals("in") && m.end(1) < m.start(2)) {
      return false; // "5 in 1": a word, not inches
    }
    if (FRACTION_UNITS.contains(unit(m)) && denominatorOfFraction(lower, m)) {
      return false; // "3/8 inch": not 8 inches
    }
    // no quantity has that many digits; a hostile title may (parsing is superlinear)
    return m.group(1).length() <= MAX_QUANTITY_CHARS;
  }

  /**
   * Whether a text holds no digit but in the quantities {@link #quantities} reads ({@link
   * #WORDS_UNCOVERED}): "cable utp cross 3 metre" (spelled units read as symbols first), not "hp 4
   * in one printer".
   */
  static boolean wordsAndSizes(String text) {
    String lower = Texts.lowerCase(SpelledUnits.normalize(text));
    Matcher m = QUANTITY.matcher(lower);
    int last = 0;
    while (m.find()) {
      if (readAsQuantity(lower, m)) {
        if (hasDigit(lower, last, m.start())) {
          return false;
        }
        last = m.end();
      }
    }
    return !hasDigit(lower, last, lower.length());
  }

  private static boolean hasDigit(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (Character.isDigit(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Units written after an imperial fraction ("3/8 inch", "1/2 lb"); a phone's "2/32GB" is RAM and
   * storage, 32 GB a quantity.
   */
  private static final Set<String> FRACTION_UNITS = Set.of("in", "ft", "lb");

  /** A proper fraction as imperial sizes write it: "3/8", "1/2", "15/16"; not "110/120". */
  private static final Pattern FRACTION_NUMERATOR = Pattern.compile("(?<![\\p{N}.,])(\\d{1,2})/$");

  /**
   * Whether the number of a {@link #QUANTITY} match is the denominator (2, 4, 8, 16, 32 or 64) of a
   * proper fraction ("3/8 inch"), whose value is not the number's; a list of values ("110/120V") is
   * read as before.
   */
  private static boolean denominatorOfFraction(String text, Matcher m) {
    int start = m.start(1);
    if (start < 2 || m.group(1).length() > 2 || text.charAt(start - 1) != '/') {
      return false;
    }
    Matcher n =
        FRACTION_NUMERATOR
            .matcher(text)
            .region(Math.max(0, start - 3), start)
            .useTransparentBounds(true);
    if (!n.find()) {
      return false;
    }
    int denominator = Integer.parseInt(m.group(1));
    int numerator = Integer.parseInt(n.group(1));
    return Integer.bitCount(denominator) == 1 && denominator >= 2 && numerator < denominator;
  }

  /** Title words read for a product's own code when it has no model field. */
  static final int TITLE_CODE_WORDS = 8;

  /** Codes of the leading title words, by title: titles repeat across queries. */
  private final TitleCache<Set<String>> titleCodes = new TitleCache<>();

  private Set<String> titleCodes(String title) {
    return titleCodes.get(
        title,
        t -> {
          String[] words = WHITESPACE.split(t.trim());
          return Set.copyOf(
              codes(
                  String.join(
                      " ", List.of(words).subList(0, Math.min(words.length, TITLE_CODE_WORDS)))));
        });
  }

  /**
   * The product's own codes: its model field when that reads as one code ({@link #fullModel}), none
   * when the model field is a product name ("100ft Cat5E 350MHz Snagless Patch Cable": its words'
   * codes, "cat5e", name a hundred other cables, and would rank them level with the one named); for
   * a product without a model field (a shop's offer, often) the codes among its first {@value
   * #TITLE_CODE_WORDS} title words ({@link #codes}; later words tend to name other products: "toner
   * for WorkCentre 7132").
   */
  Set<String> productCodes(Product p) {
    return productCodes(Named.of(p));
  }

  private Set<String> productCodes(Named p) {
    if (!p.model().isBlank()) {
      String full = fullModel(p.model());
      return full == null ? Set.of() : Set.of(full);
    }
    return titleCodes(p.title());
  }

  /**
   * A model field that reads as one code as a whole, normalised: 4–30 letters/digits with a digit,
   * in at most {@value #MAX_JOIN} words ("DXOC67C3", "DXOC 67C3", "Cat5E, 25ft"); else null (a
   * product name such as "100ft Cat5E 350MHz Snagless Patch Cable", or no model). A model that
   * reads as a quantity is still a code: "8740w", "701L" and "120W" name products.
   */
  static String fullModel(String model) {
    String m = alnum(model);
    return m.length() >= 4
            && m.length() <= 30
            && m.chars().anyMatch(Character::isDigit)
            && WHITESPACE.split(model.trim()).length <= MAX_JOIN
        ? m
        : null;
  }

  /**
   * The raw {@code code_exact} of a product whose model field is a product name ({@link
   * #modelNameCodes}) one of whose codes is the code of a word of the query's product part ({@code
   * "brother tn200"}, "hp lj p3005 printer", "Brother dk-11218"): the model field names the product
   * by that code among its other words, which the query need not write ({@link #namesModelName}
   * needs them all), and the title holds at least half of the query's other words or misses one at
   * most ({@link QueryTerms#productWords}: a device's code in its supply's name, "Phaser 3300MFP
   * High Capacity Toner Cartridge", names no paper tray of "xerox phaser 3300mfp paper tray"):
   * {@link #MODEL_NAME_HELD_FULLY} when it misses one at most, else {@link #MODEL_NAME_HELD}; 0 for
   * any other product. Its brand is no code of it.
   */
  private double nameHeld(QueryTerms q, Named p) {
    if (q.wordCodes.isEmpty() || p.model().isBlank()) {
      return 0;
    }
    Set<String> own = modelNameCodes.get(p.model(), RankingFeatures::modelNameCodes);
    if (own.isEmpty()) {
      return 0;
    }
    String brand = alnum(p.brand());
    boolean named = false;
    for (String c : q.wordCodes) {
      named |= own.contains(c) && !brandOnly(c, brand);
    }
    if (!named) {
      return 0;
    }
    // A device's code in its supply's name ("Phaser 3300MFP High Capacity Toner Cartridge" for
    // "xerox phaser 3300mfp paper tray"): the product asked for is of the kind the query names.
    int missing = 0;
    for (Set<String> w : q.productWords) {
      missing += holds(p.title(), w) ? 0 : 1;
    }
    if (missing <= 1) {
      return MODEL_NAME_HELD_FULLY;
    }
    return 2 * missing <= q.productWords.size() ? MODEL_NAME_HELD : 0;
  }

  /** {@link #modelNameCodes} by model field: model fields repeat across queries. */
  private final TitleCache<Set<String>> modelNameCodes = new TitleCache<>();

  /** Most words of a model field read for {@link #modelNameCodes}. */
  static final int MODEL_NAME_WORDS = 12;

  /** A word that names a device or an alternative after it: the model field's own part ends. */
  private static final Set<String> MODEL_NAME_MARKERS =
      Set.of(
          "for",
          "fits",
          "compatible",
          "with",
          "w/",
          "to",
          "f",
          "f/",
          "->",
          "replaces",
          "equivalent");

  /** A size ("210x297", "105x50.8") or a count of pages or sheets ("15000sh", "500sheet"). */
  private static final Pattern NOT_A_NAME_CODE =
      Pattern.compile("\\d+(?:[.,]\\d+)?x\\d.*|\\d+(?:sh|sheets?|pages?|pp|pcs|pk|gsm|gm)");

  /**
   * Letters of the standards a product name cites beside its own code: memory ("DDR3-1333",
   * "PC3-10600"), connectors and buses ("RJ11-RJ11", "RS232", "IEEE 1394", "USB 3.0", "SATA").
   */
  private static final Set<String> STANDARD_LETTERS =
      Set.of(
          "ddr", "pc", "rj", "rs", "ieee", "usb", "cat", "sata", "pci", "pcie", "lga", "db", "dvi",
          "vga", "hdmi", "ide", "sas", "scsi");

  /**
   * Whether every run of letters of a normalised code is a standard's ({@link #STANDARD_LETTERS}).
   */
  private static boolean standard(String code) {
    Matcher m = LETTER_RUN.matcher(code);
    boolean any = false;
    while (m.find()) {
      if (!STANDARD_LETTERS.contains(m.group())) {
        return false;
      }
      any = true;
    }
    return any;
  }

  private static final Pattern LETTER_RUN = Pattern.compile("\\p{L}+");

  /**
   * Four or more letters between separators: a name word ("LaserJet P3005 printer", "DK-11218 Round
   * Labels", "TLBP-113 Blue/Black", "ThinkPad T460s"), not a code's letters ("CLI-521 M", "TK
   * 550C": one code).
   */
  private static final Pattern NAME_WORD =
      Pattern.compile("(?:^|[^\\p{L}\\p{N}])\\p{L}{4,}(?:$|[^\\p{L}\\p{N}])");

  /**
   * A part number of fewer digits written as a vendor writes one: letters, a hyphen and letters or
   * digits, four characters or more ("LC-E6", "C-EXV2", "DSAVIQ-PS2M"; not "2-pack", "PS-2").
   */
  private static final Pattern LETTERED_PART_NUMBER =
      Pattern.compile("\\p{L}[\\p{L}\\p{N}]*-[\\p{L}\\p{N}]+(?:-[\\p{L}\\p{N}]+)*");

  /**
   * The codes a model field that is a product name gives its product, normalised ({@link #alnum}):
   * the words before any word naming a device or alternative ({@link #MODEL_NAME_MARKERS}, "Toner
   * for WorkCentre 7132"), among its first {@value #MODEL_NAME_WORDS}, that read as a code with
   * {@value #MIN_TITLE_NAMED_DIGITS} digits or more, or two behind a line's three letters or more
   * ({@link #nameCode}: "ERC38B"; not "DB25F", "HD15F"), or with a hyphen after letters ({@link
   * #LETTERED_PART_NUMBER}: "LC-E6") ({@link #isCode}: "TN-200", "P3005", "DK-11218", "HQ7180/16",
   * "12A7460", "2430t"; not a standard such as "Cat5E" or "DDR2", nor a size or a count, {@link
   * #NOT_A_NAME_CODE}: "210x297", "15000sh"; nor one before "series", a line of devices) or, as its
   * first word, as a part number ({@link #isNumericCode}: later ones count labels or sheets), nor a
   * standard's ({@link #standard}: "DDR3-1333", "RJ11-RJ11"). A model field is a product name when
   * it does not read as one code ({@link #fullModel}: "Genuine TN-200 Toner Cartridge Black") or
   * holds a name word ({@link #NAME_WORD}: "LaserJet P3005 printer", "DK-11218 Round Labels",
   * "TLBP-113 Blue/Black", "ThinkPad T460s"); one code ("CLI-521 M", "TK 550C") gives none here.
   */
  static Set<String> modelNameCodes(String model) {
    String[] words = WORD_BREAK.split(Texts.lowerCase(model).trim());
    int n = Math.min(words.length, MODEL_NAME_WORDS);
    if (fullModel(model) != null) {
      boolean name = false;
      for (int i = 0; i < n && !name; i++) {
        name = NAME_WORD.matcher(words[i]).find();
      }
      if (!name) {
        return Set.of();
      }
    }
    Set<String> out = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (MODEL_NAME_MARKERS.contains(words[i])) {
        break;
      }
      if (i + 1 < n && words[i + 1].startsWith("series")) {
        continue; // "(B4000 series)": a line of devices
      }
      String w = alnum(words[i]);
      if (isCode(w)
              && (nameCode(w)
                  || w.length() >= 4
                      && LETTERED_PART_NUMBER.matcher(trimToLettersAndNumbers(words[i])).matches())
              && !NOT_A_NAME_CODE.matcher(w).matches()
              && !standard(w)
          || i == 0 && isNumericCode(words[i])) {
        out.add(w);
      }
    }
    return Set.copyOf(out);
  }

  /**
   * Whether a word's code names the product of a model field that is a product name ({@link
   * #modelNameCodes}): a code a title names ({@link #titleNamed}) whose two digits, when it has no
   * more, stand behind three letters or more: a vendor's line ("ERC38B", "DXOC67"), not a
   * connector's two letters ("DB25F", "HD15F") nor a size's ("36XL").
   */
  static boolean nameCode(String code) {
    if (!titleNamed(code)) {
      return false;
    }
    Matcher lead = LETTER_RUN.matcher(code);
    return digits(code) >= MIN_TITLE_NAMED_DIGITS || lead.lookingAt() && lead.end() >= 3;
  }

  /** Fewest letters and digits of a model field that is a product name for it to name one. */
  static final int MIN_MODEL_NAME = 8;

  /**
   * Whether the query holds the whole of the product's model field where that is a product name
   * rather than one code ({@link #fullModel} null: more than {@value #MAX_JOIN} words, "EliteBook
   * 6930p Notebook PC"), holding a code and {@value #MIN_MODEL_NAME}+ letters and digits, compared
   * after normalising case and separators, in the query's first {@value #MAX_TITLE_CHARS}
   * characters. Such a query names that product more fully than any code of its words: without
   * this, "HP EliteBook 6930p Notebook PC" ranked the 6930p configurations (model field "6930p")
   * above the product it names, whose model field carried no code at all. The name must hold a code
   * ({@link #modelName}).
   */
  private boolean namesModelName(QueryTerms q, Named p) {
    if (p.model().isBlank()) {
      return false;
    }
    String m = modelNames.get(p.model(), RankingFeatures::modelName);
    return !m.isEmpty() && q.headNormalized.contains(m);
  }

  /** {@link #modelName} by model field: model fields repeat across queries. */
  private final TitleCache<String> modelNames = new TitleCache<>();

  /**
   * The letters and digits of a model field that is a product name holding a code ({@link
   * #namesModelName}), or "" for any other: one code ({@link #fullModel}), fewer than {@value
   * #MIN_MODEL_NAME} letters and digits, or a name of words and sizes only ("256MB memory module",
   * "Heavyweight Coated Paper 1524 mm x 30.5 m", whose words a spec query or a pasted title holds
   * without naming that product).
   */
  static String modelName(String model) {
    if (fullModel(model) != null || codes(model).isEmpty()) {
      return "";
    }
    String m = alnum(model);
    return m.length() >= MIN_MODEL_NAME ? m : "";
  }

  /**
   * Whether the query names the product's own model code: 2 exactly, 1 a near-identical code
   * ({@link #nearCode}) and not that one, 0 neither. A model field that reads as one code ({@link
   * #fullModel}) is named when the query holds it as written up to case and separators, as a run of
   * neighbouring words ("Cat5E, 25ft"; "dxoc-67c3", "DXOC 67C3" and "dxoc67c3" name DXOC67C3), not
   * by a code of one of its words ("cat5e"). A product without a model field is named when a code
   * of the query ({@link #codes}) is one of its title's codes ({@link #productCodes}). The
   * product's brand is not a code of it ("C2G").
   */
  private int codeMatch(QueryTerms q, Named p) {
    if (q.runs.isEmpty() && q.codes.isEmpty()) {
      return 0;
    }
    if (namesModelName(q, p)) {
      return 2;
    }
    Set<String> own = productCodes(p);
    if (own.isEmpty()) {
      return 0;
    }
    String brand = alnum(p.brand());
    boolean model = !p.model().isBlank();
    for (String c : model ? q.runs : q.codes) {
      if (!brandOnly(c, brand) && own.contains(c)) {
        return 2;
      }
    }
    for (Set<String> candidates : model ? List.of(q.codeRuns, q.codes) : List.of(q.codes)) {
      for (String c : candidates) {
        if (brandOnly(c, brand)) {
          continue;
        }
        for (String t : own) {
          if (!t.equals(brand) && nearCode(c, t)) {
            return 1;
          }
        }
      }
    }
    return 0;
  }

  /**
   * How nearly a code of one of the product's words extends a code of one of the query's words or
   * is extended by one ({@link #extendsCode}): the shorter code's length over the longer one's, the
   * largest over such pairs; 0 for none. Words, not runs: "Cat5E, 7ft" names no code "cat5e7ft"
   * extending the query's "cat5e", and "phaser 7500" no "phaser7500" that "Phaser 7500DN" would
   * extend. The product's words are its model field's, or, without one, its first {@value
   * #TITLE_CODE_WORDS} title words ({@link #wordCodes}). The product's brand is not a code of it.
   */
  private double partialCode(QueryTerms q, Named p) {
    if (q.wordCodes.isEmpty()) {
      return 0;
    }
    String brand = alnum(p.brand());
    int others = 0;
    for (String w : q.otherWords) {
      if (!w.equals(brand)) {
        others++;
      }
    }
    // Past the bound only a code whose series the query dropped counts: it is the query's code
    // whole, and the other words do not make another product of the series likelier.
    boolean extensions = others <= MAX_PARTIAL_OTHER_WORDS;
    Set<String> own =
        p.model().isBlank()
            ? titleWordCodes.get(p.title(), t -> wordCodes(t, TITLE_CODE_WORDS))
            : modelWordCodes.get(p.model(), m -> wordCodes(m, MAX_JOIN));
    double best = 0;
    for (String c : q.wordCodes) {
      for (String t : own) {
        if (!c.equals(brand)
            && !t.equals(brand)
            && (extensions && (extendsCode(t, c) || extendsCode(c, t))
                || dropsSeries(t, c)
                || addsVendorPrefix(c, t))) {
          best =
              Math.max(
                  best,
                  (double) Math.min(c.length(), t.length()) / Math.max(c.length(), t.length()));
        }
      }
    }
    return best;
  }

  /**
   * Most words a query may hold beside the product's brand and its codes for {@code code_partial}
   * to read a code it names in part: "Lexmark C500S", "HP C8563 toner", "Samsung UE55MU7000 55
   * inch" name their code as their subject; in "hp pc2-5300 0.5 gb memory module" or a pasted title
   * the other words name the product, and another module whose code extends "pc2-5300" is no
   * likelier the one meant. Not applied to a code without its series letters ({@link #dropsSeries})
   * or behind a vendor prefix ({@link #addsVendorPrefix}): "hp 1441a large format media" names
   * Q1441A whatever the words beside.
   */
  static final int MAX_PARTIAL_OTHER_WORDS = 2;

  /** Codes of the leading title words, word by word ({@link #wordCodes}), by title. */
  private final TitleCache<Set<String>> titleWordCodes = new TitleCache<>();

  /** Codes of a model field's words ({@link #wordCodes}), by model: models repeat too. */
  private final TitleCache<Set<String>> modelWordCodes = new TitleCache<>();

  /**
   * The codes of a text's first {@code words} words, each word on its own (split at white space and
   * commas), normalised ({@link #alnum}): a word that reads as a code ({@link #isCode}) or a part
   * number ({@link #isNumericCode}) once its separators are dropped ("DR-450-UK" → dr450uk,
   * "42804505-UK" → 42804505uk, "50030764").
   */
  static Set<String> wordCodes(String text, int words) {
    Set<String> out = new HashSet<>();
    String[] ws = WORD_BREAK.split(Texts.lowerCase(text).trim());
    for (int i = 0; i < Math.min(words, ws.length); i++) {
      String w = alnum(ws[i]);
      if (isCode(w) || isNumericCode(ws[i])) {
        out.add(w);
      }
    }
    return Set.copyOf(out);
  }

  private static final Pattern WORD_BREAK = Pattern.compile("[\\s,]+");

  /**
   * Shortest code another may extend ({@link #extendsCode}): "c500s" of "C500S2CG"; not "cat6" of
   * "Cat6a" or "rj45" of "RJ45-8P8C", 4-character codes that name a standard more often than a
   * product cut short.
   */
  static final int MIN_EXTENDED_CODE = 5;

  /** Most characters one code may add to another it extends ({@link #extendsCode}). */
  static final int MAX_CODE_EXTENSION = 6;

  /**
   * Whether normalised code {@code longer} is {@code shorter} followed by 1 to {@value
   * #MAX_CODE_EXTENSION} more letters or digits, {@code shorter} having at least {@value
   * #MIN_EXTENDED_CODE} and a digit: "c500s2cg" extends "c500s", "dr450uk" extends "dr450",
   * "c8563a" extends "c8563"; "g5s" does not extend "g5" (too short to name a product alone).
   */
  static boolean extendsCode(String longer, String shorter) {
    int extra = longer.length() - shorter.length();
    return extra >= 1
        && extra <= MAX_CODE_EXTENSION
        && shorter.length() >= MIN_EXTENDED_CODE
        && shorter.chars().anyMatch(Character::isDigit)
        && longer.startsWith(shorter);
  }

  /** Shortest code whose series letters a shopper may have dropped ({@link #dropsSeries}). */
  static final int MIN_SERIES_DROPPED_CODE = 4;

  /**
   * Whether normalised code {@code shorter} is {@code longer} without the 1 to {@value
   * #MAX_SERIES_LETTERS} letters that open it, {@code shorter} having at least {@value
   * #MIN_SERIES_DROPPED_CODE} characters and opening with a digit: the series a shopper drops ("hp
   * 1441a" for Q1441A, "nec 12lp" for NP12LP, "sony 49cpam" for VF-49CPAM).
   */
  static boolean dropsSeries(String longer, String shorter) {
    return shorter.length() >= MIN_SERIES_DROPPED_CODE
        && Character.isDigit(shorter.charAt(0))
        && behindLetters(longer, shorter, 1);
  }

  /**
   * Whether {@code longer} is {@code shorter} behind {@code minLetters} to {@value
   * #MAX_SERIES_LETTERS} ASCII letters.
   */
  private static boolean behindLetters(String longer, String shorter, int minLetters) {
    int extra = longer.length() - shorter.length();
    if (extra < minLetters || extra > MAX_SERIES_LETTERS || !longer.endsWith(shorter)) {
      return false;
    }
    for (int i = 0; i < extra; i++) {
      if (!isAsciiLetter(longer.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Shortest code a vendor prefix may open ({@link #addsVendorPrefix}). */
  static final int MIN_VENDOR_PREFIXED_CODE = 4;

  /**
   * Whether normalised code {@code longer} is {@code shorter} behind 2 to {@value
   * #MAX_SERIES_LETTERS} letters, {@code shorter} having at least {@value
   * #MIN_VENDOR_PREFIXED_CODE} characters, a letter and a digit: a distributor's part number, the
   * manufacturer's code behind a vendor prefix ("HEWCF280A", "KYOPF110", "KYO-TK55" for CF280A,
   * PF-110, TK-55). A code of digits alone is not read so ("mf3110" names no product "3110").
   */
  static boolean addsVendorPrefix(String longer, String shorter) {
    return shorter.length() >= MIN_VENDOR_PREFIXED_CODE
        && shorter.chars().anyMatch(Character::isDigit)
        && shorter.chars().anyMatch(Character::isLetter)
        && behindLetters(longer, shorter, 2);
  }

  /**
   * Added to a model field's raw {@code code_exact} ({@link #codeShare}): its values lie in (1, 2],
   * above any offer's share, so that {@link #normaliseCodeShare} scales the two kinds apart.
   */
  static final double MODEL_MARK = 1;

  /**
   * The raw {@code code_exact} of a product of another brand than the query names whose title names
   * a code of the query as the query writes it ({@link #titleHeld}): above every model field's
   * value, so that {@link #normaliseCodeShare} tells it apart; there it becomes 1 or 0.
   */
  static final double TITLE_HELD = MODEL_MARK + 2;

  /**
   * The raw {@code code_exact} of a product of a brand the query names whose title names a code of
   * the query ({@link #titleHeld}): the brand's own product, or its device's supply, is in the
   * list; {@link #normaliseCodeShare} then lets no other brand's title carry the code, and gives it
   * 0.
   */
  static final double NAMED_BRAND_TITLE_HELD = MODEL_MARK + 3;

  /**
   * {@link #TITLE_HELD} for a query that asks for a replacement ({@link
   * QueryTerms#replacementIntent}): the title carries the code even beside its original, and beside
   * a title of the brand named.
   */
  static final double TITLE_HELD_WANTED = MODEL_MARK + 4;

  /**
   * The raw {@code code_exact} of a product whose model field is a product name holding a code of
   * the query as one of its words ({@link #nameHeld}: "Genuine TN-200 Toner Cartridge Black" for
   * "brother tn200"); {@link #normaliseCodeShare} makes it 1 when no offer carries the code and few
   * names hold it, beside a model field that is the code only when {@link #MODEL_NAME_HELD_FULLY}
   * ({@link #namedBeside}), else 0.
   */
  static final double MODEL_NAME_HELD = MODEL_MARK + 5;

  /**
   * {@link #MODEL_NAME_HELD} of a product whose title holds all the query's other words but one at
   * most: it may carry the code beside a model field that is the code ({@link #namedBeside}).
   */
  static final double MODEL_NAME_HELD_FULLY = MODEL_MARK + 6;

  /** Whether a raw {@code code_exact} is a product name's holding the query's code. */
  private static boolean nameHolder(double rawCodeExact) {
    return rawCodeExact == MODEL_NAME_HELD || rawCodeExact == MODEL_NAME_HELD_FULLY;
  }

  /**
   * Whether a product name holding the query's code ({@link #nameHolder}) carries it beside the
   * model fields that are the code: none carries it, or its title holds all the query's other words
   * but one ({@link #MODEL_NAME_HELD_FULLY}) and covers more of the query than theirs ({@code
   * title_coverage}): a variant named more fully, not an accessory of the device whose code it
   * cites ("Phaser 3300MFP High Capacity Toner Cartridge" for "xerox phaser 3300mfp paper tray").
   */
  private static boolean namedBeside(double[] f, double bestModel, double modelCoverage) {
    return bestModel == 0
        || f[CODE_EXACT] == MODEL_NAME_HELD_FULLY && f[TITLE_COVERAGE] > modelCoverage;
  }

  /** Whether a raw {@code code_exact} is another brand's title naming the query's code. */
  private static boolean titleCarrier(double rawCodeExact) {
    return rawCodeExact == TITLE_HELD || rawCodeExact == TITLE_HELD_WANTED;
  }

  /**
   * Words by which a shopper asks for another brand's replacement of the product a code names
   * ("compatible hp cf280a", "hp q5952a equivalent", "generic dr4000 drum", "non oem hp q6472a"),
   * whole words, any case.
   */
  static final Pattern REPLACEMENT_INTENT =
      Pattern.compile(
          "(?iu)(?<![\\p{L}\\p{N}])(?:compatible|equivalent|alternative|replacement|generic"
              + "|aftermarket|remanufactured|non[- ]?oem)(?![\\p{L}\\p{N}])");

  /**
   * A title's product part ({@link #productPart}) as {@link #titleHeld} and the device rules read
   * it: its text, its codes ({@link #codes}) and its words ({@link ListWords}), read once per
   * title.
   */
  private record TitleProductPart(String text, Set<String> codes, ListWords words) {
    static TitleProductPart of(String title) {
      String part = productPart(title);
      return new TitleProductPart(
          part, Set.copyOf(RankingFeatures.codes(part)), ListWords.of(part));
    }
  }

  /** {@link TitleProductPart} by title: titles repeat across queries. */
  private final TitleCache<TitleProductPart> titleProductParts = new TitleCache<>();

  /**
   * What the title of a product with a model field says of a code of the query its model field does
   * not carry (a code of one query word a title names as a product's, {@link #titleNamed}, not the
   * brand), read before any compatibility marker of the title ({@link #productPart}: a code after
   * "for" or "compatible with" names the device it fits): {@link #TITLE_HELD} when the product is
   * of another brand than the query names and its title writes the code behind the same word as the
   * query (a run of a word of letters and the code, {@link #codes}): a third party's replacement,
   * "Xerox Yellow toner cartridge. Equivalent to HP Q5952A" for "hp q5952a"; {@link
   * #NAMED_BRAND_TITLE_HELD} when the product is of a brand the query names and its title holds the
   * code (the original whose model field is a name, "Brother DR-3000 drum unit" for "brother
   * dr-3000 drum", or a supply of the device named, "Xerox Phaser 3300MFP Toner" for "xerox phaser
   * 3300mfp paper tray"); 0 otherwise. The code alone is not enough for another brand: "1440 x
   * 900", "IEEE 1394" or "15000sh" are held by titles of any brand. A code the query writes after
   * its own marker ({@link QueryTerms#deviceCodesBehindWords}) counts alike when the title also
   * holds the words the query asks for ({@link QueryTerms#askedWords}); with replacement intent a
   * code written behind no brand counts wherever the title's product part names it ({@link
   * QueryTerms#wantedCodes}), and the named brand's own title writing the code behind another
   * brand's word is that brand's replacement ("xerox hp q5952a equivalent").
   *
   * @param branded whether the query names the product's brand ({@code brand_match})
   */
  private double titleHeld(QueryTerms q, Named p, boolean branded) {
    if (q.wordCodes.isEmpty() && q.deviceCodesBehindWords.isEmpty() && q.wantedCodes.isEmpty()
        || p.model().isBlank()) {
      return 0;
    }
    TitleProductPart part = titleProductParts.get(p.title(), TitleProductPart::of);
    Set<String> held = part.codes();
    String brand = alnum(p.brand());
    if (branded) {
      // A replacement asked for by both brands ("xerox hp q5952a equivalent"): the named brand's
      // title writing the code behind the other brand's word ("Xerox ... Equivalent to HP Q5952A").
      if (q.replacementIntent && writesBehindOtherWord(q.codesBehindWords, part, brand)) {
        return TITLE_HELD_WANTED;
      }
      for (String c : q.wordCodes) {
        if (held.contains(c) && titleNamed(c) && !brandOnly(c, brand)) {
          return NAMED_BRAND_TITLE_HELD;
        }
      }
      // The brand's own device ("OKI C7100 printer" for "drum for oki c7100") or original.
      for (String[] wc : q.deviceCodesBehindWords) {
        if (!brandOnly(wc[1], brand) && held.contains(wc[1])) {
          return NAMED_BRAND_TITLE_HELD;
        }
      }
      return 0;
    }
    String own = fullModel(p.model()); // null for a model field that is a product name
    if (writesBehindWord(q.codesBehindWords, part, brand, own)) {
      return q.replacementIntent ? TITLE_HELD_WANTED : TITLE_HELD;
    }
    for (String c : q.wantedCodes) {
      if (q.wordCodes.contains(c) && wantedHeld(c, held, brand, own)) {
        return TITLE_HELD_WANTED;
      }
    }
    // A code the query writes only after its marker may be a device's, held by the titles of all
    // its accessories ("Acme HP LaserJet P2055 fuser kit" for "toner for hp laserjet p2055"):
    // only a title naming what the query asks for is a replacement of it.
    if (!namesAsked(q, p.title())) {
      return 0;
    }
    if (writesBehindWord(q.deviceCodesBehindWords, part, brand, own)) {
      return q.replacementIntent ? TITLE_HELD_WANTED : TITLE_HELD;
    }
    for (String c : q.wantedCodes) {
      if (!q.wordCodes.contains(c) && wantedHeld(c, held, brand, own)) {
        return TITLE_HELD_WANTED;
      }
    }
    return 0;
  }

  /**
   * Whether a title's product part holds a wanted code that is not the product's own nor its brand.
   */
  private static boolean wantedHeld(String c, Set<String> held, String brand, String own) {
    return !brandOnly(c, brand) && !(own != null && own.contains(c)) && held.contains(c);
  }

  /** Whether a title holds every word the query asks for ({@link QueryTerms#askedWords}). */
  private boolean namesAsked(QueryTerms q, String title) {
    String t = Texts.cut(title, MAX_TITLE_CHARS);
    for (Set<String> w : q.askedWords) {
      if (!holds(t, w)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a title's product part writes one of the pairs {word, code} as the query does behind a
   * word that is not the product's brand: the code of another brand's product.
   */
  private static boolean writesBehindOtherWord(
      List<String[]> pairs, TitleProductPart part, String brand) {
    List<String[]> others = pairs.stream().filter(wc -> !wc[0].equals(brand)).toList();
    return !others.isEmpty() && writesBehindWord(others, part, brand, null);
  }

  /**
   * Whether a title's product part writes one of the pairs {word, code} as the query does, the code
   * not the product's own nor only its brand.
   *
   * @param own the product's full model code, {@code null} for a model field that is a name
   */
  private static boolean writesBehindWord(
      List<String[]> pairs, TitleProductPart part, String brand, String own) {
    for (String[] wc : pairs) {
      String w = wc[0];
      String c = wc[1];
      if (brandOnly(c, brand) || own != null && own.contains(c)) {
        continue;
      }
      if (part.codes().contains(w + c) || part.words().writes(w, c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code title} writes the code {@code c} in a list of codes that opens behind the word
   * {@code w}: "Equivalent to Lexmark E450H11E, E450H21E" or "Lexmark 64436XE/64416XE" name
   * E450H21E and 64416XE behind "lexmark" as fully as the first. The list runs while its codes end
   * in a comma or a slash.
   *
   * @param w a word of letters, normalised ({@link #alnum})
   * @param c a code, normalised
   */
  static boolean writesInList(String title, String w, String c) {
    return ListWords.of(title).writes(w, c);
  }

  /**
   * A text's words as {@link #writesInList} reads them (lower-cased, split after slashes):
   * normalised ({@link #alnum}), whether each continues a list of codes (a digit, and a comma or
   * slash after it), and the set of them, so that a pair of words the title lacks costs one lookup.
   */
  private record ListWords(String[] words, boolean[] continues, Set<String> set) {
    static ListWords of(String text) {
      String[] raw = WHITESPACE.split(Texts.lowerCase(text).replace("/", "/ ").trim());
      String[] words = new String[raw.length];
      boolean[] continues = new boolean[raw.length];
      for (int i = 0; i < raw.length; i++) {
        words[i] = alnum(raw[i]);
        continues[i] =
            words[i].chars().anyMatch(Character::isDigit)
                && (raw[i].endsWith(",") || raw[i].endsWith("/"));
      }
      return new ListWords(words, continues, Set.copyOf(Arrays.asList(words)));
    }

    boolean writes(String w, String c) {
      if (!set.contains(w) || !set.contains(c)) {
        return false;
      }
      for (int i = 0; i + 1 < words.length; i++) {
        if (!words[i].equals(w)) {
          continue;
        }
        for (int j = i + 1; j < words.length; j++) {
          if (words[j].equals(c)) {
            return true;
          }
          if (!continues[j]) {
            break;
          }
        }
      }
      return false;
    }
  }

  /**
   * Fewest digits of a code a title names for {@link #titleHeld}: a product's code ("q5952a",
   * "lq690", "tn2320"), not a standard ("ddr2", "cat5e", "usb3").
   */
  static final int MIN_TITLE_NAMED_DIGITS = 3;

  /**
   * Whether a code is one a title names as a product's for {@link #titleHeld}: {@value
   * #MIN_TITLE_NAMED_DIGITS} digits or more, or two beside two letters or more that are no
   * standard's ({@link #standard}: "tk65", "tk17"; not "db25", "rj45", "a4").
   */
  static boolean titleNamed(String code) {
    int d = digits(code);
    return d >= MIN_TITLE_NAMED_DIGITS
        || d == 2 && code.length() - d >= 2 && code.length() >= 4 && !standard(code);
  }

  private static int digits(String code) {
    int n = 0;
    for (int i = 0; i < code.length(); i++) {
      n += Character.isDigit(code.charAt(i)) ? 1 : 0;
    }
    return n;
  }

  /**
   * How fully a product that {@link #codeMatch names} a code of the query carries the query's
   * codes; {@link #normaliseCodeShare} gives the list's best 1, so the longest match wins, as in
   * dictionary-based entity linking.
   *
   * <p>A product with a model field: the depth of the run of query words its model code is ({@link
   * QueryTerms#runDepth}: how many runs its first word begins, up to and including it) over the
   * query's deepest, plus {@link #MODEL_MARK}. "Canon CLI-521 M" names the magenta cartridge (model
   * field "CLI-521 M", depth 2) and the cyan one (CLI-521, depth 1) only in part; "DYMO RHINO 5200
   * Kit" names the kit, not the printer alone (model 5200). Words before the code are not counted:
   * "Intel Xeon X5260" and "X5260" are one processor.
   *
   * <p>A product without (an offer, whose title's codes are compared): the share of the query's
   * codes ({@link #codes}, its brand excluded) among the title's, each weighed by its characters in
   * words holding a digit (a run of the product's brand and a code by the code's, {@link
   * #brandRun}, also when the brand has a digit). A code counts as carried when the title carries
   * it or a code containing it (its piece). A run of words weighs only its characters in words
   * holding a digit ({@link QueryTerms#codeWeights}): the plain words glued to a code are spellings
   * of it, not more of the product's identity, so a merchant's offer in another order ("Xeon X3440
   * 2.53 Intel" for "Intel Xeon X3440 processor 2.53") carries 10 of 25 (14 of 60 by whole length,
   * when intelxeonx3440, xeonx3440processor and x3440processor weighed 46), and a sibling holding
   * "tray/feeder 500" no longer outweighs the named offer's own code (trayfeeder500 weighed 13
   * characters, q5985a 6). The named offer carries the most specific of them: "Canon CLI-521 M"
   * names cli521, cli521m, canoncli521 and canoncli521m, all in "Canon CLI-521 M Original Magenta",
   * 12 of their 24 characters in "Canon CLI-521 BK Original Black" (offers without a brand field);
   * "HP CG-823A" names cg823a and, by its piece, 823a, the code of another product ("HP 823A
   * Original Black").
   */
  private double codeShare(QueryTerms q, Named p) {
    if (namesModelName(q, p)) {
      return MODEL_MARK + 1; // the longest match a model field can be
    }
    if (!p.model().isBlank()) {
      int depth = 0;
      for (String c : productCodes(p)) {
        depth = Math.max(depth, q.runDepth.getOrDefault(c, 0));
      }
      return q.maxRunDepth == 0 ? 0 : MODEL_MARK + (double) depth / q.maxRunDepth;
    }
    Set<String> own = productCodes(p);
    String brand = alnum(p.brand());
    List<String> carried = new ArrayList<>();
    for (String c : q.codes) {
      if (!brandOnly(c, brand) && own.contains(c)) {
        carried.add(c);
      }
    }
    int n = 0;
    int hit = 0;
    for (String c : q.codes) {
      if (!brandOnly(c, brand)) {
        int weight = q.codeWeights.getOrDefault(c, c.length());
        if (brandRun(c, brand)) {
          weight = Math.min(weight, c.length() - brand.length());
        }
        n += weight;
        boolean implied = false;
        for (String k : carried) {
          implied |= k.contains(c);
        }
        hit += implied ? weight : 0;
      }
    }
    return n == 0 ? 0 : (double) hit / n;
  }

  /**
   * Whether a code of the query is the product's brand glued to a code ("lexmarkc935", "apcsybt2"):
   * in {@link #codeShare} it weighs the code's characters, not the brand's too. An offer titled
   * "Lexmark C935 ..." carries it besides "c935", and at its full length the brand counted as if it
   * were code: for "Lexmark C935 C930H2MG" every C935 accessory carried 15 of the codes' characters
   * and the cartridge named by its own code 8 (now 8 and 8, and the rarer code's BM25 weight tells
   * them apart). The run still tells two offers of one code apart ("APC SYBT2" names the battery
   * titled "APC SYBT2 UPS battery" before the frame "... w/4 SYBT2").
   */
  static boolean brandRun(String code, String brand) {
    return brand.length() >= 2 && code.length() > brand.length() && code.startsWith(brand);
  }

  /**
   * Whether a code of the query is only the product's brand: the brand itself, or a run of it and
   * plain words ("C2G USB" reads as the code "c2gusb" because the brand has a digit, and every "C2G
   * USB ..." title carries it, the "C2G 3m USB ..." one asked for not). A run of the brand and a
   * code ("hp650a", "apcsybt2") is a code of the product.
   */
  static boolean brandOnly(String code, String brand) {
    if (brand.isEmpty() || !code.contains(brand)) {
      return false;
    }
    if (code.equals(brand)) {
      return true;
    }
    String rest =
        code.startsWith(brand)
            ? code.substring(brand.length())
            : code.endsWith(brand) ? code.substring(0, code.length() - brand.length()) : null;
    return rest != null && rest.chars().noneMatch(Character::isDigit);
  }

  /** Longest run of neighbouring words joined into one code candidate. */
  private static final int MAX_JOIN = 3;

  /**
   * The model codes of a text, normalised to lower-case letters and digits:
   *
   * <ul>
   *   <li>every whitespace-separated word that reads as a code once its separators are dropped
   *       ("DXOC-67C3", "dxoc67c3", "i9-7940X"), and its pieces between separators that do
   *       ("dxoc67c3/dxoc67c3" → "dxoc67c3", "i9-7940X" → "7940x");
   *   <li>runs of 2 to {@value #MAX_JOIN} neighbouring words joined when the run reads as a code
   *       ("DXOC 67C3" → "dxoc67c3", "Moto G5" → "motog5"), but never across a list break (a comma,
   *       semicolon, bracket, ...: "Cat5E, 25ft" is two words of a list, not "cat5e25ft"; a comma
   *       between digits is a decimal comma, no break: "24\" x 30,5m" names no "x30"), and never
   *       through a decimal number ("7.62", "2,5", "1.5m": a measure, no code part) or a number
   *       with a unit ("cable 3m" is no code "cable3m", "160g/m²" no "160gm").
   * </ul>
   *
   * A code has a letter and a digit, {@value #MIN_CODE} to 30 characters, and is not a number with
   * a unit ("16gb", "3m", "25ft"; but "4710s" and "8540p" are codes: {@link #isNumberWithUnit}); or
   * it is a whole word of {@value #MIN_NUMERIC_CODE}+ digits ("50030764", "81-7958": {@link
   * #isNumericCode}).
   */
  public static Set<String> codes(String text) {
    Set<String> out = new HashSet<>();
    scanCodes(text, out, null);
    return out;
  }

  /**
   * Adds a text's codes ({@link #codes}) to {@code out} and, when {@code weights} is not null, each
   * code's characters in words holding a digit to {@code weights}, the largest over its occurrences
   * (a word's or a piece's are all its characters; "Intel Xeon X3440"'s run intelxeonx3440 has 5).
   */
  private static void scanCodes(String text, Set<String> out, Map<String, Integer> weights) {
    for (String segment : LIST_BREAK.split(Texts.lowerCase(text))) {
      List<String> words = new ArrayList<>(); // null: a break (decimal number, quantity)
      String[] ws = WHITESPACE.split(segment.trim());
      for (int k = 0; k < ws.length; k++) {
        String word = ws[k];
        String w = alnum(word);
        if (w.isEmpty()) {
          continue;
        }
        if (k + 1 < ws.length
            && w.chars().allMatch(Character::isDigit)
            && (isQuantity(w + alnum(ws[k + 1]))
                || PER_UNIT.matcher(trimToLettersAndNumbers(ws[k + 1])).matches())) {
          // "25 ft", "16 GB", "5 MB/s": a quantity spaced
          words.add(null);
          k++;
          continue;
        }
        if (isMeasure(word) || isQuantity(w)) {
          words.add(null);
          continue;
        }
        if (isCode(w) || isNumericCode(word)) {
          out.add(w);
          if (weights != null) {
            weights.merge(w, w.length(), Math::max);
          }
        }
        for (String piece : NON_ALNUM.split(word)) {
          if (isCode(piece)) {
            out.add(piece);
            if (weights != null) {
              weights.merge(piece, piece.length(), Math::max);
            }
          }
        }
        words.add(w);
      }
      for (int i = 0; i < words.size(); i++) {
        if (words.get(i) == null) {
          continue;
        }
        StringBuilder run = new StringBuilder(words.get(i));
        for (int j = i + 1; j < Math.min(words.size(), i + MAX_JOIN); j++) {
          if (words.get(j) == null) {
            break;
          }
          run.append(words.get(j));
          if (isCode(run.toString())) {
            out.add(run.toString());
            if (weights != null) {
              int weight = 0;
              for (String w : words.subList(i, j + 1)) {
                weight += w.chars().anyMatch(Character::isDigit) ? w.length() : 0;
              }
              weights.merge(run.toString(), weight, Math::max);
            }
          }
        }
      }
    }
  }

  /**
   * A decimal number, with a unit or not, or a number with a per-unit ("7.62", "1.5m", "160g/m²"),
   * once leading and trailing punctuation are dropped.
   */
  private static boolean isMeasure(String word) {
    String t = trimToLettersAndNumbers(word);
    return DECIMAL.matcher(t).matches() || COMPOUND_QUANTITY.matcher(t).matches();
  }

  /** A decimal number, with a unit or not, once leading and trailing punctuation are dropped. */
  private static boolean isDecimal(String word) {
    return DECIMAL.matcher(trimToLettersAndNumbers(word)).matches();
  }

  /**
   * {@code s} without its leading and trailing code points that are neither letters ({@code \p{L}})
   * nor numbers ({@code \p{N}}), in one pass: a catalogue title may hold a 16 Ki-character word of
   * punctuation, on which a regular expression that strips from the end backtracks quadratically.
   */
  static String trimToLettersAndNumbers(String s) {
    int start = 0;
    while (start < s.length()) {
      int cp = s.codePointAt(start);
      if (isLetterOrNumber(cp)) {
        break;
      }
      start += Character.charCount(cp);
    }
    int end = s.length();
    while (end > start) {
      int cp = s.codePointBefore(end);
      if (isLetterOrNumber(cp)) {
        break;
      }
      end -= Character.charCount(cp);
    }
    return s.substring(start, end);
  }

  /** {@code \p{L}} or {@code \p{N}} as {@link Pattern} reads them. */
  private static boolean isLetterOrNumber(int cp) {
    int type = Character.getType(cp);
    return Character.isLetter(cp)
        || type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  /** A number with a unit written after it ("16gb", "3m"), not a bare number. */
  private static boolean isQuantity(String piece) {
    return piece.chars().anyMatch(Character::isLetter) && isNumberWithUnit(piece);
  }

  /**
   * A normalised word that reads as a number with a unit ("16gb", "3m", "1080p"), not a model code
   * ending in a unit-like letter ("4710s", "8540p": {@link #NUMBER_LETTER_CODE}).
   */
  static boolean isNumberWithUnit(String alnum) {
    return NUMBER_UNIT.matcher(alnum).matches()
        && (!NUMBER_LETTER_CODE.matcher(alnum).matches()
            || NUMBER_LETTER_QUANTITY.matcher(alnum).matches());
  }

  /**
   * A word that is a part number written in digits only, {@value #MIN_NUMERIC_CODE}–30 of them in
   * groups joined by hyphens ("50030764", "81-7958"; not "10/100/1000"), once leading and trailing
   * punctuation are dropped: a code of a whole word, never of a run of words or of a piece.
   */
  static boolean isNumericCode(String word) {
    String w = trimToLettersAndNumbers(word);
    if (w.length() > 2 * MAX_NUMERIC_CODE - 1) {
      return false; // more than 30 digits, or hyphens not between digit groups
    }
    // Digits (ASCII) in groups joined by single hyphens: "81-7958" is a part number, "10/100/1000"
    // a list of speeds. Checked by hand: the regular expression [0-9]+(?:-[0-9]+)* recurses once
    // per group and overflowed the stack on a 2,000-group word (a catalogue title may have one).
    int digits = 0;
    boolean afterDigit = false;
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        afterDigit = true;
      } else if (c == '-' && afterDigit) {
        afterDigit = false;
      } else {
        return false;
      }
    }
    return afterDigit && digits >= MIN_NUMERIC_CODE && digits <= MAX_NUMERIC_CODE;
  }

  /** Most digits of a code written in digits only. */
  static final int MAX_NUMERIC_CODE = 30;

  /**
   * Letters and digits with at least one of each, {@value #MIN_CODE}–30 of them, not a number with
   * a unit.
   */
  static boolean isCode(String alnum) {
    return alnum.length() >= MIN_CODE
        && alnum.length() <= 30
        && alnum.chars().anyMatch(Character::isDigit)
        && alnum.chars().anyMatch(Character::isLetter)
        && !isNumberWithUnit(alnum);
  }

  /**
   * Whether two normalised model codes are near-identical, names a shopper could mistake for each
   * other: they differ, and either one extends the other by 1 or 2 characters ("g5" / "g5s",
   * "mw8014s" / "mw8014sb"), or their edit distance is at most 1 (codes of 4–5 characters) or 2 (6
   * or more): "ddr4" / "ddr3", "mw8014s" / "mw8014p", "dxoc67c3" / "dxoc47c3" / "dxoc68c3b".
   */
  public static boolean nearCode(String a, String b) {
    if (a.equals(b)) {
      return false;
    }
    int dl = Math.abs(a.length() - b.length());
    if (dl > 2) {
      return false;
    }
    if (dl > 0 && (a.startsWith(b) || b.startsWith(a))) {
      return true;
    }
    int min = Math.min(a.length(), b.length());
    int allowed = min >= 6 ? 2 : min >= 4 ? 1 : 0;
    return dl <= allowed && withinEdits(a, b, allowed);
  }

  /**
   * Whether the Levenshtein distance of {@code a} and {@code b} is at most {@code k}, reading only
   * the band of the table within {@code k} of its diagonal (cells farther off it cost more than
   * {@code k}), and stopping at the first row whose band all exceeds {@code k}: at most {@code (2k
   * + 2) (|a| + 1)} characters read, against {@code 2 |a| |b|} for the whole table. {@link
   * #nearCode} runs for every pair of a query's code and a candidate's code of about the same
   * length, for every candidate: with the whole table, a 512-character query of 30-character code
   * runs against a title of 30-character code pieces cost ~2.7 ms per candidate.
   */
  static boolean withinEdits(CharSequence a, CharSequence b, int k) {
    int n = a.length();
    int m = b.length();
    if (k < 0 || Math.abs(n - m) > k) {
      return false;
    }
    int over = k + 1; // any cost above k: all the answer needs to know
    int[] prev = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      prev[j] = Math.min(j, over);
    }
    for (int i = 1; i <= n; i++) {
      int lo = Math.max(1, i - k);
      int hi = Math.min(m, i + k);
      cur[lo - 1] = lo == 1 ? Math.min(i, over) : over;
      int rowMin = cur[lo - 1];
      char c = a.charAt(i - 1);
      for (int j = lo; j <= hi; j++) {
        int v = prev[j - 1] + (c == b.charAt(j - 1) ? 0 : 1);
        v = Math.min(v, Math.min(prev[j] + 1, cur[j - 1] + 1));
        cur[j] = Math.min(v, over);
        rowMin = Math.min(rowMin, cur[j]);
      }
      if (hi < m) {
        cur[hi + 1] = over; // off the band: read by the next row
      }
      if (rowMin > k) {
        return false;
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[m] <= k;
  }

  /** Levenshtein distance. */
  public static int editDistance(String a, String b) {
    return editDistance((CharSequence) a, b);
  }

  static int editDistance(CharSequence a, CharSequence b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Sets the list-level adaptive terms of a candidate's features from the query's signals. */
  public static void setListSignals(double[] f, double agreement, double gap) {
    f[DENSE_X_AGREEMENT] = f[DENSE] * agreement;
    f[DENSE_X_GAP] = f[DENSE] * gap;
  }

  /**
   * The most candidates that may carry a code of the query for it to name one product (its offers)
   * rather than a standard many products carry ("ddr2", "cat6") ({@link #normaliseCodeShare}).
   */
  static final int MAX_NAMED_CARRIERS = 3;

  /**
   * The most product names holding a code of the query for them to carry it ({@link
   * #normaliseCodeShare}): a toner line's four process colours ("C-EXV30 Toner Black", ... "Toner
   * Jaune CEXV30"), not the many names a device's accessories or a standard give.
   */
  static final int MAX_NAME_HOLDERS = 4;

  /**
   * Scales every candidate's raw {@code code_exact} ({@link #codeShare}) to the list: among the
   * model fields (raw values above {@link #MODEL_MARK}) the one whose code is the longest the query
   * names has 1, one whose code the query names only in part less ("CLI-521" for "Canon CLI-521
   * M"); the offers without one are divided by the largest offer's share, so that the offers
   * carrying the most of the query's codes have 1 (a query's codes include runs of its words,
   * "origin hp-nc8200 bti battery" names hpnc8200 but also originhpnc8200bti, hpnc8200btibattery,
   * ..., that no offer carries, and the named offer's share would otherwise be as low as a third),
   * or by 1 when a model field is named (the query then names a product as written, and an offer
   * that carries part of its codes ranks below it). When no candidate carries a code of the query,
   * {@code code_near} is 0 for every candidate: a near-identical code is then what the shopper most
   * likely meant ("Lexmark C500S2" names no product; the C500S2CG it was cut from is near it), not
   * a sibling of the named one, and {@code code_partial} is divided by the list's largest (the
   * nearest partial match has 1). When one does, {@code code_partial} is 0 for every candidate: the
   * query names a product as written, and a code extending its code names another ("LC3219" for
   * "LC3219XL"). And when offers carry a code of the query, at most {@value #MAX_NAMED_CARRIERS} of
   * them, no model field does, and none of them has {@code brand_match}, {@code brand_match} is 0
   * for every candidate: the brand the query names beside the code is not the named product's
   * ("KYOCERA Q8029A" for HP's photo paper), and products of that brand are no nearer to what it
   * names than any other. A code more candidates carry is a standard ("lexmark 512 mb ddr2 ram"),
   * and a model field read by runs of query words is too weak a match to overrule the brand (both
   * cost the shipped index's memory and cable kinds up to 0.007 nDCG@10). Another brand's title
   * naming the query's code ({@link #TITLE_HELD}) carries it, {@code code_exact} 1 and no {@code
   * code_near} or {@code code_partial}, when at most {@value #MAX_NAMED_CARRIERS} titles do and no
   * title of a brand the query names holds it ({@link #NAMED_BRAND_TITLE_HELD}), or, for a query
   * asking for a replacement ({@link #TITLE_HELD_WANTED}), whatever such titles hold, and the
   * candidates carrying the code as their own then keep {@value #REPLACED_ORIGINAL} of their {@code
   * code_exact} (the replacement asked for first, the original next). When no candidate carries the
   * code as its own, or the query asks for a replacement, {@code brand_match} is then 0 for every
   * candidate: the brand named is the original's. Beside an original of a brand the query names,
   * for the bare code ("hp q1339a"), the brand keeps its {@code brand_match}: the original ranks
   * first by it and the replacement ("Xerox ... Equivalent to HP Q1339A") next, above the brand's
   * products that name no such code (BM25 ranks it first or second; with {@code code_exact} 0 it
   * fell below the brand's media and print heads, out of the top 10); beside an original of no
   * brand the query names ("Compaq 6730b" names HP's notebook, and HP's "HP Compaq 6730b Notebook
   * PC" titles are no replacements) they carry nothing. Otherwise such titles have {@code
   * code_exact} 0. A model field that is a product name holding the query's code as a word ({@link
   * #MODEL_NAME_HELD}) carries it, {@code code_exact} 1, when no offer carries it, at most {@value
   * #MAX_NAME_HOLDERS} such names hold it ("Genuine TN-200 Toner Cartridge Black" for "brother
   * tn200", above the TN2000 whose code extends it) and, beside a model field that is the code, its
   * title covers more of the query ({@code title_coverage}: a variant named more fully, not the
   * device's accessory); {@code brand_match} is then 0 for every candidate when none of them is of
   * a brand the query names, as for offers; a title of the named brand holding the code as a word
   * ({@link #NAMED_BRAND_TITLE_HELD}: "HP Designjet Z2100 44\"" beside "Designjet Z2100 24-in Photo
   * Printer") then has no {@code code_near}.
   */
  public static void normaliseCodeShare(Iterable<double[]> candidates) {
    double bestOffer = 0;
    double bestModel = 0;
    // Whether a carrier of the query's codes is of the brand the query names, and how many carry
    // one: a code many candidates carry is a standard (DDR2, Cat6), not one product's code.
    boolean carrierBranded = false;
    int carriers = 0;
    // Other brands' titles naming a code of the query, and whether a named brand's title does.
    int titleHolders = 0;
    boolean namedBrandHolds = false;
    boolean wanted = false;
    // Model fields that are product names holding a code of the query as a word, and how much of
    // the query the titles of the model fields carrying its code cover.
    int nameHolders = 0;
    boolean nameBranded = false;
    double modelCoverage = 0;
    for (double[] f : candidates) {
      double v = f[CODE_EXACT];
      if (nameHolder(v)) {
        nameHolders++;
        nameBranded |= f[BRAND_MATCH] > 0;
        continue;
      }
      if (v > MODEL_MARK && v < TITLE_HELD) {
        modelCoverage = Math.max(modelCoverage, f[TITLE_COVERAGE]);
      }
      if (titleCarrier(v)) {
        titleHolders++;
        wanted |= v == TITLE_HELD_WANTED;
        continue;
      }
      if (v == NAMED_BRAND_TITLE_HELD) {
        namedBrandHolds = true;
        continue;
      }
      if (v > MODEL_MARK) {
        bestModel = Math.max(bestModel, v - MODEL_MARK);
      } else {
        bestOffer = Math.max(bestOffer, v);
      }
      if (v > 0) {
        carriers++;
        carrierBranded |= f[BRAND_MATCH] > 0;
      }
    }
    // No offer carries the query's code, and few product names hold it (more are a standard's or
    // a device's accessories): they carry it, beside the model fields that are the code when their
    // titles cover more of the query (a variant named more fully, "Designjet Z3200 44-in Photo
    // Printer" beside "Z3200" for "hp dsj z3200 44-in photo printer"; not the device's accessory,
    // "C500, X500, X502 Waste Toner Bottle" beside "C500" for "lexmark c500").
    boolean namesMayCarry = bestOffer == 0 && nameHolders > 0 && nameHolders <= MAX_NAME_HOLDERS;
    boolean byNames = false;
    if (namesMayCarry) {
      for (double[] f : candidates) {
        byNames |= nameHolder(f[CODE_EXACT]) && namedBeside(f, bestModel, modelCoverage);
      }
    }
    boolean carried = bestOffer > 0 || bestModel > 0 || byNames;
    boolean otherBrandsCarry =
        byNames && bestModel == 0
            ? !nameBranded
            : bestModel == 0 && !carrierBranded && carriers <= MAX_NAMED_CARRIERS;
    // Offers by the best share, or by 1 (a model field's) when a model field is named.
    double offerScale = bestModel > 0 ? 1 : bestOffer;
    // A few other brands' titles name the query's code as the query writes it, and no title of a
    // brand the query names holds it: they carry it. Beside the original (a candidate carrying
    // the code as its own) of the brand the query names, they are its replacements, below it by
    // that brand and above the brand's products naming no such code (beside an original of
    // another brand, "Compaq 6730b" for HP's, the brand read is no original's); a query asking
    // for a replacement wants them beside the original, and the brand it names is the original's.
    boolean originalBranded = carrierBranded || byNames && nameBranded;
    boolean byTitles =
        (wanted || !namedBrandHolds && (!carried || originalBranded))
            && titleHolders > 0
            && titleHolders <= MAX_NAMED_CARRIERS;
    // The nearest partial match among the candidates that keep one (a carrying title keeps none).
    double bestPartial = 0;
    for (double[] f : candidates) {
      if (!(byTitles && titleCarrier(f[CODE_EXACT]))) {
        bestPartial = Math.max(bestPartial, f[CODE_PARTIAL]);
      }
    }
    for (double[] f : candidates) {
      boolean replacement = byTitles && titleCarrier(f[CODE_EXACT]);
      if (nameHolder(f[CODE_EXACT])) {
        boolean carries = namesMayCarry && namedBeside(f, bestModel, modelCoverage);
        f[CODE_EXACT] = carries ? 1 : 0;
        if (carries) {
          f[CODE_NEAR] = 0; // it carries the code: its whole model field is no near miss
        }
      } else if (titleCarrier(f[CODE_EXACT])) {
        f[CODE_EXACT] = byTitles ? 1 : 0;
        if (byTitles) {
          f[CODE_NEAR] = 0;
          f[CODE_PARTIAL] = 0;
        }
      } else if (f[CODE_EXACT] == NAMED_BRAND_TITLE_HELD) {
        f[CODE_EXACT] = 0;
        if (byNames) {
          // Its own title names the code under the query's brand ("HP Designjet Z2100 44\"",
          // model field "Z2100 44\""): the same product in another size, not a near miss.
          f[CODE_NEAR] = 0;
        }
      }
      if (byTitles && wanted) {
        f[BRAND_MATCH] = 0;
      }
      if (!carried) {
        f[CODE_NEAR] = 0;
        if (bestPartial > 0) {
          f[CODE_PARTIAL] /= bestPartial;
        }
        if (byTitles) {
          f[BRAND_MATCH] = 0; // the brand named beside the code is not the product's
        }
        continue;
      }
      f[CODE_PARTIAL] = 0;
      if (otherBrandsCarry) {
        f[BRAND_MATCH] = 0;
      }
      double v = f[CODE_EXACT];
      if (v > MODEL_MARK) {
        f[CODE_EXACT] = (v - MODEL_MARK) / bestModel;
      } else if (v > 0) {
        f[CODE_EXACT] = Math.min(1, v / offerScale);
      }
      if (byTitles && wanted && !replacement) {
        // The query asks for a replacement: the original is near what it asks, not it.
        f[CODE_EXACT] *= REPLACED_ORIGINAL;
      }
    }
  }

  /**
   * The share of {@code code_exact} an original keeps beside its replacements when the query asks
   * for a replacement ({@link #TITLE_HELD_WANTED}: "compatible kyocera TK-110 toner cartridge"): it
   * ranked first by the cosine and a shorter title, the replacement asked for second.
   */
  static final double REPLACED_ORIGINAL = 0.5;

  /**
   * What a query naming a device by its code asks of the device's accessories ({@link
   * #promoteDeviceFits}): the codes it names the device by, and its other words, each as its
   * analysed terms. "epson lq-690 ribbon" names the LQ-690 printer by its code and asks for a
   * ribbon; "drum for oki C7100" names the device after its compatibility marker.
   *
   * @param deviceCodes the codes ({@link #codes}) of the text after the query's compatibility
   *     marker ({@link #productPart}), or of the whole query without one; not empty
   * @param words the analysed terms of each word of the query's product part that is not a code
   *     ({@link #wordCodes}) and not a stop word, at most {@value #MAX_FIT_WORDS}; not empty
   * @param marked whether the query names the device after a compatibility marker ("drum for oki
   *     C7100"); without one ("epson lq-690 ribbon") it names a device only when a candidate
   *     carries its code ("kingston 2 gb ddr2 memory" names no device: DDR2 is a standard that
   *     memory modules "for HP Pavilion ... DDR2" name too)
   */
  public record DeviceFit(Set<String> deviceCodes, List<Set<String>> words, boolean marked) {
    public DeviceFit {
      deviceCodes = Set.copyOf(deviceCodes);
      words = List.copyOf(words);
      if (deviceCodes.isEmpty() || words.isEmpty() || words.size() > MAX_FIT_WORDS) {
        throw new IllegalArgumentException(
            "a device fit needs codes and 1 to " + MAX_FIT_WORDS + " words, got " + words.size());
      }
    }
  }

  /** Most words a query may hold beside its codes for {@link #deviceFit} to read it. */
  static final int MAX_FIT_WORDS = 12;

  /**
   * The device fit of a query ({@link DeviceFit}), or null when it names no code or nothing beside
   * its codes, or more than {@value #MAX_FIT_WORDS} words beside them, or names codes before and
   * after its compatibility marker (the product sought, by its own code: "toner C734X24G for
   * Lexmark C736"). A code before the marker and none after it is the device's, and the words on
   * both sides are asked ("hp P1505 compatible toner", "lexmark e340 toner compatible"). Reads the
   * query's first {@value #MAX_TITLE_CHARS} characters, units spelled out as their symbols ({@link
   * SpelledUnits}: "90watt" names no device), as {@link QueryTerms} does: the fusion ({@link
   * HybridRanker#fuse}) reads the fit of the text as written, the cache's bound ({@link
   * EntryCut#mayReach}) that of the query's terms.
   */
  public DeviceFit deviceFit(String text) {
    String head = Texts.cut(SpelledUnits.normalize(text), MAX_TITLE_CHARS);
    String product = productPart(head);
    boolean marked = product.length() < head.length();
    String asked = product;
    Set<String> device;
    if (marked && !codes(product).isEmpty()) {
      String after = afterMarker(head, product);
      if (!codes(after).isEmpty()) {
        return null; // "toner C734X24G for Lexmark C736" names the product itself, by its code
      }
      // "hp P1505 compatible toner": no code after the marker, so the one before is the device's,
      // and the words after it say what is asked too
      device = codes(product);
      asked = product + " " + after;
    } else {
      device = codes(marked ? afterMarker(head, product) : head);
    }
    if (device.isEmpty()) {
      return null;
    }
    Set<String> codeWords = wordCodes(asked, Integer.MAX_VALUE);
    List<Set<String>> words = new ArrayList<>();
    for (String w : WORD_BREAK.split(Texts.lowerCase(asked).trim())) {
      String a = alnum(w);
      if (a.isEmpty() || codeWords.contains(a)) {
        continue;
      }
      Set<String> terms = Bm25Queries.terms(analyzer, w);
      if (!terms.isEmpty()) {
        if (words.size() == MAX_FIT_WORDS) {
          return null;
        }
        words.add(Set.copyOf(terms));
      }
    }
    return words.isEmpty() ? null : new DeviceFit(device, words, marked);
  }

  /** The text after the compatibility marker that ends {@code product}, its product part. */
  private static String afterMarker(String text, String product) {
    Matcher m = COMPATIBILITY_MARKER.matcher(text);
    return m.find(product.length()) ? text.substring(m.end()) : "";
  }

  /**
   * Codes a title names a device or a product line by: those of its first {@value
   * #TITLE_CODE_WORDS} words ({@link #titleCodes}: "Lexmark E450 High Yield Toner Cartridge" names
   * the E450), and those of its text after its compatibility marker ({@link #productPart}: "Epson
   * SIDM Black Ribbon Cartridge for LQ-690 (C13S015610)" fits the LQ-690), read also with a slash
   * as a space ("for DFX-5000/+/8000/8500" fits the DFX-5000). A product with a model field does
   * not carry these codes ({@link #productCodes}). By title: titles repeat across queries.
   */
  private final TitleCache<Set<String>> titleFitCodes = new TitleCache<>();

  private Set<String> fitCodes(String title) {
    return titleFitCodes.get(
        title,
        t -> {
          String product = productPart(t);
          if (product.length() == t.length()) {
            return titleCodes(t);
          }
          String part = afterMarker(t, product);
          Set<String> out = new HashSet<>(titleCodes(t));
          out.addAll(codes(part));
          out.addAll(codes(part.replace('/', ' ')));
          return Set.copyOf(out);
        });
  }

  /** A title's analysed terms, by title. */
  private Set<String> titleTerms(String title) {
    return titleTerms.get(title, x -> Set.copyOf(Bm25Queries.terms(analyzer, x)));
  }

  /** Whether a title's analysed terms hold every term of a word. */
  private boolean holds(String title, Set<String> word) {
    return titleTerms(title).containsAll(word);
  }

  /**
   * Whether a product fits the device a query names as the query asks: its title names one of the
   * query's device codes, among its first words or after its compatibility marker ({@link
   * #fitCodes}), and holds every word of the query beside its codes ({@link DeviceFit#words}).
   */
  public boolean fitsDevice(DeviceFit fit, String title) {
    String t = Texts.cut(title, MAX_TITLE_CHARS);
    return !Collections.disjoint(fitCodes(t), fit.deviceCodes()) && holdsAll(t, fit);
  }

  /**
   * Whether, among candidates none of which carries the query's code, titles name the device by it
   * ({@link #namesDevice}) and none of them holds a word of the query that an accessory fitting it
   * ({@link #fitsDevice}, naming the device only after its compatibility marker) holds before that
   * marker: "hp p1505 toner cartridges" names the "HP LaserJet P1505 Printer" (whose model field, a
   * name, the code features do not read) and asks for the toner cartridge "Xerox Black toner
   * cartridge. ... Compatible with HP LaserJet P1505" is. A lens hood "for EF20mm f2.8 USM ...
   * camera lens" holds "camera" only after its marker: for "canon ef 20mm f/2.8 camera lens" the
   * lens lacking "camera" promotes no hood, nor does another brand's lens lacking "canon", which
   * Canon's lenses hold.
   */
  private boolean deviceNamedBeside(DeviceFit fit, List<String> titles, List<double[]> features) {
    List<String> devices = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < titles.size(); i++) {
      String t = Texts.cut(titles.get(i), MAX_TITLE_CHARS);
      if (features.get(i)[CODE_EXACT] > 0) {
        continue;
      }
      if (fitsDevice(fit, t)) {
        String part = accessoryPart(fit, t);
        if (part != null) {
          parts.add(part);
        }
      } else if (namesDevice(fit, t)) {
        devices.add(t);
      }
    }
    if (devices.isEmpty()) {
      return false;
    }
    for (Set<String> word : fit.words()) {
      boolean heldByDevice = false;
      for (int d = 0; d < devices.size() && !heldByDevice; d++) {
        heldByDevice = holds(devices.get(d), word);
      }
      if (!heldByDevice) {
        for (String part : parts) {
          if (holds(part, word)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Whether a title names one of the device codes of a query among its first words ({@link
   * #titleCodes}): the device itself, or a supply of its line, whether or not it carries the code
   * by the code features ("HP LaserJet P1505 Printer", whose model field "LaserJet P1505 Printer"
   * is a name "hp p1505 toner cartridges" does not hold).
   */
  public boolean namesDevice(DeviceFit fit, String title) {
    return !Collections.disjoint(titleCodes(Texts.cut(title, MAX_TITLE_CHARS)), fit.deviceCodes());
  }

  /**
   * Gives {@code code_exact} 1 (and {@code code_near} and {@code code_partial} 0) to the candidates
   * that are the accessory or the variant a query asks for of a device or line it names by code
   * ({@link #fitsDevice}), when a word of the query is in none of the titles of the candidates
   * carrying its code ({@code code_exact} above 0; all the words when none does): "epson lq-690
   * ribbon" names the LQ-690 printers by their model code, but asks for a ribbon, which their
   * titles do not name, and the "Black Ribbon Cartridge for LQ-690" does; the ribbon then carries
   * the query's code as fully as the printers, and the other features (BM25, which reads "ribbon")
   * rank them. Likewise "e450 high" names the Lexmark toner whose model field is E450, and asks for
   * "high", which "Lexmark E450 High Yield Toner Cartridge" holds (its model field is a name, so it
   * carried no code). For "canon eos 5d mark iii body" the camera's title holds every word: the
   * battery grip "for EOS 5D Mark III" is not promoted. A query without a compatibility marker
   * names a device only when a candidate carries its code ({@link DeviceFit#marked}), or a title
   * naming it by the code among its first words lacks what an accessory of it is ({@link
   * #deviceNamedBeside}); one with a marker asks for the device's accessories whatever the
   * carriers' titles hold (its product part names no code, so only another brand's title carries
   * one, {@link #TITLE_HELD}). Called after {@link #normaliseCodeShare}, on the candidates'
   * normalised features.
   *
   * @param fit the query's device fit, or null (then nothing changes)
   * @param titles the candidates' titles, in the order of {@code features}
   */
  public void promoteDeviceFits(DeviceFit fit, List<String> titles, List<double[]> features) {
    if (fit == null) {
      return;
    }
    requireAligned(titles, features);
    boolean[] heldByCarrier = new boolean[fit.words().size()];
    boolean carried = false;
    for (int i = 0; i < titles.size(); i++) {
      if (features.get(i)[CODE_EXACT] > 0) {
        carried = true;
        String t = Texts.cut(titles.get(i), MAX_TITLE_CHARS);
        for (int w = 0; w < heldByCarrier.length; w++) {
          heldByCarrier[w] |= holds(t, fit.words().get(w));
        }
      }
    }
    if (!carried && !fit.marked() && !deviceNamedBeside(fit, titles, features)) {
      return;
    }
    // After a marker the code is the device's: a title carrying it (another brand's, TITLE_HELD)
    // holding the query's words says nothing of the device's other accessories.
    boolean asksMore = !carried || fit.marked();
    for (boolean h : heldByCarrier) {
      asksMore |= !h;
    }
    if (!asksMore) {
      return;
    }
    for (int i = 0; i < titles.size(); i++) {
      double[] f = features.get(i);
      if (f[CODE_EXACT] == 0 && fitsDevice(fit, titles.get(i))) {
        // It carries the query's code now: no near-identical or partial code of it counts.
        f[CODE_EXACT] = 1;
        f[CODE_NEAR] = 0;
        f[CODE_PARTIAL] = 0;
      }
    }
  }

  /**
   * Lowers {@code code_exact} to {@link #UNASKED_CARRIER} of itself for a candidate carrying the
   * query's code whose title lacks a word the query asks for ({@link DeviceFit#words}) that an
   * accessory of the device names as what it is: a carrier holding every word of the query, with
   * {@code code_exact} at least as high, whose title names the query's device code only after its
   * compatibility marker and holds the word in its product part before it ({@link #productPart}).
   * "hp p1505 toner" names the LaserJet P1505 printer by its code and asks for toner, which "Xerox
   * Black toner cartridge. Equivalent to HP CB436A. Compatible with HP LaserJet P1505" is: the
   * printer carries the code but not what is asked, and its brand no longer ranks it above the
   * toner. Only an accessory lowers: among a line's own products a word one title lacks is as often
   * a merchant's ("HP 650A Original Yellow" beside "HP 650A Yellow LaserJet Toner"), and a word an
   * accessory holds after its marker ("Battery for Dell Latitude E6400 laptop") names the device it
   * fits, not itself. Nor does it lower its siblings, supplies of the same device sharing a word
   * with what the accessory is ({@link #lacksWhatAnAccessoryIs}; found by review 14). Called after
   * {@link #promoteDeviceFits}, on the candidates' normalised features: a promoted accessory lowers
   * too ("epson lq-690 ribbon": the ribbon, not the LQ-690 printer). The cache's entry cut sees
   * such accessories: a new one may always reach ({@link EntryCut#mayReach}), and one that may
   * leave the candidates leaves no cut ({@link EntryCut#of}).
   *
   * @param fit the query's device fit, or null (then nothing changes)
   * @param titles the candidates' titles, in the order of {@code features}
   */
  public void lowerUnaskedCarriers(DeviceFit fit, List<String> titles, List<double[]> features) {
    if (fit == null) {
      return;
    }
    requireAligned(titles, features);
    List<Accessory> accessories = new ArrayList<>();
    for (int i = 0; i < titles.size(); i++) {
      double share = features.get(i)[CODE_EXACT];
      String t = Texts.cut(titles.get(i), MAX_TITLE_CHARS);
      String product = share > 0 && fitsDevice(fit, t) ? accessoryPart(fit, t) : null;
      if (product == null) {
        continue;
      }
      Matcher m = EQUIVALENCE.matcher(product);
      String what = m.find() ? product.substring(0, m.start()) : product;
      boolean[] names = new boolean[fit.words().size()];
      for (int w = 0; w < names.length; w++) {
        names[w] = holds(what, fit.words().get(w));
      }
      accessories.add(new Accessory(share, names, words(titleTerms(what))));
    }
    if (accessories.isEmpty()) {
      return;
    }
    for (int i = 0; i < titles.size(); i++) {
      double[] f = features.get(i);
      String t = Texts.cut(titles.get(i), MAX_TITLE_CHARS);
      if (f[CODE_EXACT] > 0 && lacksWhatAnAccessoryIs(fit, t, f[CODE_EXACT], accessories)) {
        f[CODE_EXACT] *= UNASKED_CARRIER;
      }
    }
  }

  /**
   * The clause of an accessory's title naming the product it replaces ("Xerox Black toner
   * cartridge. Equivalent to HP CB436A"): what the accessory is comes before it.
   */
  private static final Pattern EQUIVALENCE =
      Pattern.compile(
          "(?iu)(?<![\\p{L}\\p{N}])(?:equivalent|replaces|replacement for)(?![\\p{L}\\p{N}])");

  /**
   * The product part of a title fitting the device a query names ({@link #fitsDevice}) when it
   * names the device only after its compatibility marker, an accessory of it; null otherwise.
   */
  private String accessoryPart(DeviceFit fit, String title) {
    TitleProductPart part = titleProductParts.get(title, TitleProductPart::of);
    return part.text().length() < title.length()
            && Collections.disjoint(part.codes(), fit.deviceCodes())
        ? part.text()
        : null;
  }

  /** A title's words ({@link #words}) but its first word's (the brand's), by title. */
  private final TitleCache<Set<String>> titleOwnWords = new TitleCache<>();

  private Set<String> ownWords(String title) {
    return titleOwnWords.get(
        title,
        t -> {
          Set<String> own = new HashSet<>(words(titleTerms(t)));
          own.removeAll(Bm25Queries.terms(analyzer, WHITESPACE.split(t.trim(), 2)[0]));
          return Set.copyOf(own);
        });
  }

  /**
   * Nouns that name what serves a product rather than the product ({@link #lowerAccessoriesOf}): a
   * title where the query's word comes right before one ("HP Standard Monitor Stand", "Duracell
   * Camera Battery", "Fujitsu Monitor outlet cable") is an accessory of what the query names.
   * English, as shops write titles; analysed like titles (plurals need no entry).
   */
  private static final List<String> ACCESSORY_NOUNS =
      List.of(
          "adapter",
          "adaptor",
          "arm",
          "backpack",
          "bag",
          "battery",
          "bracket",
          "bumper",
          "cable",
          "case",
          "charger",
          "cooler",
          "cord",
          "cover",
          "cradle",
          "dock",
          "docking",
          "filter",
          "holder",
          "holster",
          "hood",
          "lamp",
          "lock",
          "mat",
          "mount",
          "pad",
          "pouch",
          "protector",
          "remote",
          "skin",
          "sleeve",
          "stand",
          "strap",
          "stylus",
          "tray",
          "tripod");

  /** {@link #ACCESSORY_NOUNS} as this ranker's analyzer reads them. */
  private final Set<String> accessoryNouns;

  /**
   * Words before an accessory noun that it may take as its modifier: one ("Monitor Stand"; two also
   * read "AA Single-use battery" as an accessory of AA, which the USB "AA" cables then lowered).
   */
  static final int ACCESSORY_REACH = 1;

  /**
   * The accessory nouns some words of a title's product part name ({@link #productPartWords}): a
   * candidate naming one an accessory is named by is of its kind ("AA 10-pack Single-use battery"
   * is no product that lowers "Verbatim AA Alkaline Batteries").
   */
  private Set<String> accessoryNounsIn(List<PartWord> words) {
    Set<String> out = new HashSet<>();
    for (PartWord w : words) {
      for (String term : w.terms()) {
        if (accessoryNouns.contains(term)) {
          out.add(term);
        }
      }
    }
    return out;
  }

  /**
   * Words after which a title names what comes with its product ("Card with Adapter"; also "+" and
   * "w/").
   */
  private static final Set<String> BUNDLE_WORDS = Set.of("with", "incl", "including");

  /** Whether a title's word opens what comes with its product ({@link #BUNDLE_WORDS}). */
  private static boolean comesWith(String word) {
    return word.equals("+") || word.startsWith("w/") || BUNDLE_WORDS.contains(alnum(word));
  }

  /**
   * The analysed terms of each whitespace-separated word of a title's product part ({@link
   * #productPart}) before anything it comes with ({@link #BUNDLE_WORDS}), by title.
   */
  private final TitleCache<List<PartWord>> productPartWords = new TitleCache<>();

  /**
   * A word of a title's product part: its analysed terms, whether it may qualify an accessory noun
   * after it ({@code letters}: letters only; a number, a code or punctuation between them breaks
   * the phrase), and whether it ends a noun phrase ({@code end}: the part's last word, punctuation
   * after it, or next a word that is not of letters or is a colour).
   */
  private record PartWord(
      String word, Set<String> terms, boolean letters, boolean end, Glued glued) {}

  /**
   * A title's word gluing a variant word ({@link #VARIANT_WORDS}) to a stem, without a separator:
   * "57+" (57, plus, {@code sign}: any stem), "920XL" (920, xl), "X52Pro" (x52, pro): a stem
   * holding a digit.
   */
  private record Glued(String stem, String variant, boolean sign) {
    /** The glued variant of a title's word, or null (read once per title). */
    static Glued of(String word) {
      String a = alnum(word);
      if (a.isEmpty()) {
        return null;
      }
      if (word.endsWith("+")) {
        return new Glued(a, "plus", true);
      }
      String written = Texts.lowerCase(word);
      for (String v : VARIANT_SUFFIXES) {
        if (a.length() > v.length() && a.endsWith(v)) {
          String stem = a.substring(0, a.length() - v.length());
          if (stem.chars().anyMatch(Character::isDigit) && written.contains(stem + v)) {
            return new Glued(stem, v, false);
          }
        }
      }
      return null;
    }
  }

  /**
   * Whether {@code next} is an acronym after a word not written in capitals: 2 to 5 capital letters
   * ("mouse USB", "Notebook PC"), a spec's or a standard's name rather than a noun the phrase goes
   * on with; none in a title written in capitals ("GAMING MOUSE PAD").
   */
  private static boolean acronymAfter(String word, String next) {
    long letters = next.codePoints().filter(Character::isLetterOrDigit).count();
    return letters >= 2
        && letters <= 5
        && next.codePoints().filter(Character::isLetterOrDigit).allMatch(Character::isUpperCase)
        && word.codePoints().anyMatch(Character::isLowerCase);
  }

  /** A word whose letters and digits are letters only ("Notebook", "USB-C"; not "17\"", "-"). */
  private static boolean isLetterWord(String word) {
    String a = alnum(word);
    return !a.isEmpty() && a.chars().noneMatch(Character::isDigit);
  }

  /**
   * Whether a title holds the query's head ({@link QueryTerms#head}) as what its product is: a word
   * of its product part holding it ends a noun phrase ({@link PartWord#end}: "HP L1950 LCD monitor
   * 48.3 cm", "HP Compaq 6530b Notebook Black"), not as the first word of a longer name ("Philips
   * Headphone extension plugs" holds no extension as such).
   */
  private static boolean holdsAsHead(List<PartWord> words, Set<String> head) {
    for (PartWord w : words) {
      if (w.end() && !Collections.disjoint(w.terms(), head)) {
        return true;
      }
    }
    return false;
  }

  private List<PartWord> productPartWords(String title) {
    return productPartWords.get(
        title,
        t -> {
          String part = titleProductParts.get(t, TitleProductPart::of).text();
          List<String> raw = new ArrayList<>();
          for (String w : WHITESPACE.split(part.trim())) {
            if (!raw.isEmpty() && comesWith(w)) {
              break; // what comes with the product: "Memory Stick Pro Duo 16GB with USB Adaptor"
            }
            raw.add(w);
          }
          List<Set<String>> terms = new ArrayList<>(raw.size());
          raw.forEach(w -> terms.add(Set.copyOf(Bm25Queries.terms(analyzer, w))));
          List<PartWord> out = new ArrayList<>();
          for (int i = 0; i < raw.size(); i++) {
            String w = raw.get(i);
            boolean letters = isLetterWord(w);
            // Ends a noun phrase: the last word, punctuation after it, no word of letters next, or
            // a spec's acronym next ("Gaming mouse USB Type-A", not "Mouse Pad").
            boolean end =
                i == raw.size() - 1
                    || !isLetterOrNumber(w.codePointBefore(w.length()))
                    || !isLetterWord(raw.get(i + 1))
                    || !isLetterOrNumber(raw.get(i + 1).codePointAt(0))
                    || !colours(raw.get(i + 1)).isEmpty()
                    || acronymAfter(w, raw.get(i + 1))
                        && Collections.disjoint(terms.get(i + 1), accessoryNouns);
            out.add(new PartWord(w, terms.get(i), letters, end, Glued.of(w)));
          }
          return List.copyOf(out);
        });
  }

  /**
   * The query terms a title holds as words of letters, not as a code's pieces ("aa" of "HP GW405AA
   * mouse" is none), in its product part when {@code partOnly}.
   */
  private Set<String> heldWords(QueryTerms q, String t, List<PartWord> words, boolean partOnly) {
    Set<String> out = new HashSet<>();
    if (partOnly) {
      for (PartWord w : words) {
        if (w.letters()) {
          out.addAll(w.terms());
        }
      }
    } else {
      out.addAll(
          titleLetterTerms.get(
              t,
              x -> {
                Set<String> terms = new HashSet<>();
                for (String w : WHITESPACE.split(x.trim())) {
                  if (isLetterWord(w)) {
                    terms.addAll(Bm25Queries.terms(analyzer, w));
                  }
                }
                return Set.copyOf(terms);
              }));
    }
    out.retainAll(q.terms);
    return out;
  }

  /** The terms of a title's words of letters ({@link #isLetterWord}), by title. */
  private final TitleCache<Set<String>> titleLetterTerms = new TitleCache<>();

  /**
   * Whether a title names an accessory of what a query of words asks for ({@link QueryTerms#head},
   * the last word of what it asks for), not that: the head comes right before an accessory noun the
   * query does not ask for ({@link #ACCESSORY_NOUNS}: "Kensington Laptop Lock", "HP SlimFit
   * Notebook Sleeve"), or only after the title's compatibility marker while an accessory noun comes
   * before it ("Targus Universal Stand for Monitor", {@link #productPart}); never in what comes
   * with the product ("Micro SDHC Card + Adapter", "card with adapter": {@link #BUNDLE_WORDS}), nor
   * the title's first word, its brand's place ("Monitor Stand" names no monitor). False for a query
   * naming a code or a number ({@code words_uncovered} is 0 there: the code features decide), for
   * one asking for an accessory itself ("ipad stand": the stands and sleeves for the iPad are what
   * it asks for) and for a title holding none of its words.
   */
  public boolean accessoryOf(QueryTerms q, String title) {
    if (!readsAccessories(q)) {
      return false;
    }
    String t = Texts.cut(title, MAX_TITLE_CHARS);
    return accessoryNounsOf(q, t, productPartWords(t)) != null;
  }

  /**
   * Whether {@link #lowerAccessoriesOf} reads a query: one of words not asking for an accessory.
   */
  private boolean readsAccessories(QueryTerms q) {
    return q.wordsOnly && !q.terms.isEmpty() && Collections.disjoint(q.terms, accessoryNouns);
  }

  /**
   * The accessory nouns that make a title an accessory of what a query of words asks for ({@link
   * #accessoryOf}): those its query words come right before; none when its query words come only
   * after its compatibility marker; null when it is no accessory of it.
   */
  private Set<String> accessoryNounsOf(QueryTerms q, String t, List<PartWord> words) {
    Set<String> head = q.head();
    if (Collections.disjoint(titleTerms(t), head)) {
      return null;
    }
    boolean inPart = false;
    Set<String> nouns = null;
    for (int i = 0; i < words.size(); i++) {
      Set<String> w = words.get(i).terms();
      inPart |= !Collections.disjoint(w, head);
      if (Collections.disjoint(w, accessoryNouns) || !Collections.disjoint(w, q.terms)) {
        continue;
      }
      for (int j = i - 1; j >= Math.max(1, i - ACCESSORY_REACH); j--) {
        if (!words.get(j).letters()) {
          break; // "4 Port USB Cable", "Card - Adapter": a number or punctuation between them
        }
        if (!Collections.disjoint(words.get(j).terms(), head)) {
          if (nouns == null) {
            nouns = new HashSet<>();
          }
          nouns.addAll(accessoryNounsIn(List.of(words.get(i))));
          break;
        }
      }
    }
    // Only after its compatibility marker: an accessory when its product part is one ("Universal
    // Stand for Monitor"), not a product for a device ("500GB SATA drive for Dell MT chassis").
    return nouns != null ? nouns : inPart || accessoryNounsIn(words).isEmpty() ? null : Set.of();
  }

  /**
   * Raises {@code words_uncovered} to the query's length signal (as if the title held none of the
   * query's words) for a candidate that is an accessory of what a query of words asks for ({@link
   * #accessoryOf}) while another candidate, no accessory, holds every query term it holds:
   * "monitor" ranked "HP Standard Monitor Stand" and "Fujitsu Monitor outlet cable" above the
   * monitors, which BM25 and the cosine score alike, a shorter title first. The title holds the
   * query's word, but not as what it is. Only where a product itself holds those terms ({@link
   * #accessoryLowering}: as words of letters, the query's head ending a noun phrase of its product
   * part, none of the accessory's nouns): "hp slimfit notebook" keeps the "HP SlimFit Notebook
   * Sleeve" it names, which no notebook holding "slimfit" outranks. The cache's entry cut leaves no
   * cut where a new product may change which accessories are lowered ({@link EntryCut#of}).
   *
   * @param q the query ({@link #query})
   * @param titles the candidates' titles, in the order of {@code features}
   */
  public void lowerAccessoriesOf(QueryTerms q, List<String> titles, List<double[]> features) {
    requireAligned(titles, features);
    for (int i : accessoryLowering(q, titles).loweredBy().keySet()) {
      double[] f = features.get(i);
      f[WORDS_UNCOVERED] = Math.max(f[WORDS_UNCOVERED], q.length());
    }
  }

  /**
   * Which candidates a list-level rule lowering what a query does not ask for ({@link
   * #lowerAccessoriesOf}, {@link #lowerUnaskedVariants}) reads as what, by their index in its list
   * of titles: the candidates of the kind it lowers ({@code members}: accessories, variants), and
   * those it lowers, each with the candidates that lower it; empty for a query the rule does not
   * read.
   */
  public record Lowering(Set<Integer> members, Map<Integer, Set<Integer>> loweredBy) {
    static final Lowering NONE = new Lowering(Set.of(), Map.of());
  }

  /**
   * The reading of {@link #lowerAccessoriesOf} for candidates titled {@code titles}: the
   * accessories of what the query asks for ({@link #accessoryOf}), each lowered by the candidates
   * that are no accessory, hold every query word it holds in their product part and none of its
   * accessory nouns.
   */
  public Lowering accessoryLowering(QueryTerms q, List<String> titles) {
    if (!readsAccessories(q)) {
      return Lowering.NONE;
    }
    Map<Integer, Set<String>> accessories = new LinkedHashMap<>();
    List<Set<String>> held = new ArrayList<>();
    // What each holder's product part names of the accessory nouns.
    Map<Integer, Set<String>> holderNouns = new HashMap<>();
    for (int i = 0; i < titles.size(); i++) {
      String t = Texts.cut(titles.get(i), MAX_TITLE_CHARS);
      List<PartWord> words = productPartWords(t);
      Set<String> nouns = accessoryNounsOf(q, t, words);
      Set<String> h = heldWords(q, t, words, nouns == null);
      held.add(h);
      if (nouns != null) {
        accessories.put(i, nouns);
      } else if (!h.isEmpty() && holdsAsHead(words, q.head())) {
        holderNouns.put(i, accessoryNounsIn(words));
      }
    }
    Map<Integer, Set<Integer>> loweredBy = new LinkedHashMap<>();
    for (Map.Entry<Integer, Set<String>> a : accessories.entrySet()) {
      int i = a.getKey();
      for (Map.Entry<Integer, Set<String>> h : holderNouns.entrySet()) {
        if (held.get(h.getKey()).containsAll(held.get(i))
            && Collections.disjoint(h.getValue(), a.getValue())) {
          loweredBy.computeIfAbsent(i, x -> new HashSet<>()).add(h.getKey());
        }
      }
    }
    return new Lowering(Set.copyOf(accessories.keySet()), loweredBy);
  }

  /**
   * Words with which a title continuing a product's name names another model of its line ("Logitech
   * X52 Pro" beside "Logitech X52", "Huawei P40 lite", "PlayStation 4 Slim", "HP 301 XL"): English,
   * as shops write titles; analysed like titles. Closed: a word that also describes ("premium",
   * "compact", "air") is none.
   */
  private static final List<String> VARIANT_WORDS =
      List.of(
          "deluxe", "elite", "lite", "max", "mini", "plus", "pro", "slim", "ultra", "xl", "xxl");

  /** {@link #VARIANT_WORDS}, the longest first: a glued "XXL" is no "XL" after an "X". */
  private static final List<String> VARIANT_SUFFIXES =
      VARIANT_WORDS.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();

  /** {@link #VARIANT_WORDS} as this ranker's analyzer reads them. */
  private final Set<String> variantWords;

  /**
   * The first word of a title's product part that may be a variant word: the brand and the line's
   * own name come before it ("Tripp Lite ...", "HP Pro 3500 MT").
   */
  static final int FIRST_VARIANT_WORD = 2;

  /**
   * What {@link #lowerUnaskedVariants} adds to a variant's {@code words_uncovered}: one query word
   * uncovered on a query of words no longer than {@link #MAX_LENGTH} (the share 1/n times the
   * length signal n/{@code MAX_LENGTH}).
   */
  public static final double VARIANT_UNCOVERED = 1.0 / MAX_LENGTH;

  /**
   * The variant words of a title's product part the query does not ask for where they continue what
   * the query names: a word that is a variant word ({@link #isVariantWord}) right after a word
   * holding a query word ({@link #holdsQueryWord}), from the part's {@link #FIRST_VARIANT_WORD}th
   * word on, unless the query glues it to the word after it ({@link #gluedInQuery}); or a word
   * gluing one to a word of the query ({@link #gluedVariant}); none before a word holding one of
   * the query's codes (the code names the model: "HP LaserJet Pro M402dn" for "hp laserjet
   * m402dn"); null when the part holds no query term.
   */
  private Set<String> unaskedVariantWords(QueryTerms q, List<PartWord> words) {
    Set<String> out = null;
    boolean after = false; // the word before holds a query word
    for (int i = 0; i < words.size(); i++) {
      PartWord w = words.get(i);
      boolean holds = holdsQueryWord(q, w);
      if (!Collections.disjoint(w.terms(), q.terms) && out == null) {
        out = new HashSet<>();
      }
      if (out != null && !Collections.disjoint(w.terms(), q.codes)) {
        out.clear(); // the query's code after it names the model: "HP LaserJet Pro M402dn"
      }
      if (after
          && !holds
          && i >= FIRST_VARIANT_WORD
          && isVariantWord(w)
          && !gluedInQuery(q, w, i + 1 < words.size() ? words.get(i + 1) : null)) {
        out.addAll(w.terms());
      }
      String glued = i >= 1 && out != null ? gluedVariant(q, w) : null;
      if (glued != null) {
        out.add(glued);
      }
      after = holds;
    }
    return out;
  }

  /**
   * Whether a word of a title holds a word of the query: a query term, but a number only where the
   * query writes it as a word of its own ("10" of "10th gen" is none: "Windows 10 Pro").
   */
  private static boolean holdsQueryWord(QueryTerms q, PartWord w) {
    for (String term : w.terms()) {
      if (q.terms.contains(term)
          && (!term.chars().allMatch(Character::isDigit) || q.rawTokenSet.contains(term))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the query asks for a title's variant word glued to the word after it ("miniusb" for
   * "Mini USB", "ultrathin" for "Ultra Thin").
   */
  private static boolean gluedInQuery(QueryTerms q, PartWord variant, PartWord next) {
    if (next == null) {
      return false;
    }
    String glued = alnum(variant.word()) + alnum(next.word());
    for (String token : q.rawTokens) {
      if (token.startsWith(glued)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The variant word a title's word glues to a word of the query, where the query does not ask for
   * it: "920XL" for "hp 920", "57+" (plus) for "hp 57"; null when none.
   */
  private static String gluedVariant(QueryTerms q, PartWord w) {
    Glued g = w.glued();
    if (g == null
        || !q.rawTokenSet.contains(g.stem())
        || !g.sign() && q.rawTokenSet.contains(g.stem() + g.variant())
        || asks(q, g.variant())) {
      return null;
    }
    return g.variant();
  }

  /**
   * Words with which a query asks for an "XL" (or "XXL") cartridge or size in words: "high yield",
   * "high cap", "extra large".
   */
  private static final Set<String> LARGE_WORDS =
      Set.of("high", "yield", "cap", "capacity", "extra", "large");

  /**
   * Whether the query holds a variant word ({@link #VARIANT_WORDS}), as written or analysed, or,
   * for "xl" and "xxl", one of the {@link #LARGE_WORDS}.
   */
  private static boolean asks(QueryTerms q, String variant) {
    return q.rawTokenSet.contains(variant)
        || q.terms.contains(variant)
        || variant.endsWith("xl") && !Collections.disjoint(q.rawTokenSet, LARGE_WORDS);
  }

  /**
   * Whether a word of a title's product part is a variant word ({@link #VARIANT_WORDS}) as a word
   * of its own: letters whose terms are variant words only ("Pro", "XL"; not "FlexCare+" nor
   * "DVD+/-RW", whose "+" reads as plus).
   */
  private boolean isVariantWord(PartWord w) {
    return w.letters() && !w.terms().isEmpty() && variantWords.containsAll(w.terms());
  }

  /**
   * Words with which a query asks for a product sold loose, without its retail box ("intel e5620
   * oem", "tray xeon e5502": a processor's tray part), and with which a title names the boxed one
   * ("Intel Xeon E5420 processor 2.5 GHz Box 12 MB L2").
   */
  private static final Set<String> LOOSE_WORDS = Set.of("oem", "tray", "bulk");

  private static final Set<String> BOXED_WORDS = Set.of("box", "boxed", "retail");

  /** Whether a title names its product boxed ({@link #BOXED_WORDS} as words), by title. */
  private final TitleCache<Boolean> titleBoxed = new TitleCache<>();

  private boolean boxed(String title) {
    return titleBoxed.get(
        Texts.cut(title, MAX_TITLE_CHARS),
        t -> {
          for (String w : NON_ALNUM.split(Texts.lowerCase(t))) {
            if (BOXED_WORDS.contains(w)) {
              return true;
            }
          }
          return false;
        });
  }

  /** Whether some title's product part has a variant word where one may be read, by title. */
  private final TitleCache<Boolean> titleVariantWord = new TitleCache<>();

  /**
   * Whether any of the titles has a variant word ({@link #VARIANT_WORDS}) where {@link
   * #lowerUnaskedVariants} may read one: a check that needs no query, so that the fusion analyses
   * no query again for lists without one.
   */
  public boolean mayNameVariants(List<String> titles) {
    for (String title : titles) {
      boolean named =
          titleVariantWord.get(
              Texts.cut(title, MAX_TITLE_CHARS),
              t -> {
                List<PartWord> words = productPartWords(t);
                for (int i = 1; i < words.size(); i++) {
                  if (i >= FIRST_VARIANT_WORD && isVariantWord(words.get(i))
                      || words.get(i).glued() != null) {
                    return true;
                  }
                }
                return false;
              });
      if (named) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a title names another model of the line the query names: its product part continues a
   * word holding a query word with a variant word the query does not ask for ({@link
   * #VARIANT_WORDS}) ("Logitech X52 Pro Flight Control System" for "x52", "Tripp Lite Right-Angle
   * Cat6 Gigabit Molded Slim UTP Ethernet Cable" for "tripp lite right-angle cat6 molded cable"),
   * or glues one to a word of the query ("HP 920XL" for "hp 920"); not in the title's first {@link
   * #FIRST_VARIANT_WORD} words, the brand's and the line's place, nor after its compatibility
   * marker or in what comes with it ({@link #productPartWords}); see {@link #unaskedVariantWords}.
   */
  public boolean variantOf(QueryTerms q, String title) {
    Set<String> v = unaskedVariantWords(q, productPartWords(Texts.cut(title, MAX_TITLE_CHARS)));
    return v != null && !v.isEmpty();
  }

  /**
   * The reading of {@link #lowerUnaskedVariants} for candidates titled {@code titles}: the variants
   * of what the query names ({@link #variantOf}), each lowered by the candidates that are no
   * variant and whose product part holds every query term the variant's holds.
   */
  public Lowering variantLowering(QueryTerms q, List<String> titles) {
    List<List<PartWord>> parts = new ArrayList<>(titles.size());
    List<Set<String>> read = new ArrayList<>(titles.size());
    boolean any = false;
    for (String title : titles) {
      List<PartWord> words = productPartWords(Texts.cut(title, MAX_TITLE_CHARS));
      Set<String> v = unaskedVariantWords(q, words);
      parts.add(words);
      read.add(v);
      any |= v != null && !v.isEmpty();
    }
    if (!any) {
      return Lowering.NONE; // most lists: no held terms to compare
    }
    Map<Integer, Set<String>> variants = new LinkedHashMap<>();
    Map<Integer, Set<String>> plain = new LinkedHashMap<>();
    for (int i = 0; i < titles.size(); i++) {
      if (read.get(i) == null) {
        continue;
      }
      Set<String> held = new HashSet<>();
      parts.get(i).forEach(w -> held.addAll(w.terms()));
      held.retainAll(q.terms);
      (read.get(i).isEmpty() ? plain : variants).put(i, held);
    }
    Map<Integer, Set<Integer>> loweredBy = new LinkedHashMap<>();
    for (Map.Entry<Integer, Set<String>> v : variants.entrySet()) {
      for (Map.Entry<Integer, Set<String>> p : plain.entrySet()) {
        if (p.getValue().containsAll(v.getValue())) {
          loweredBy.computeIfAbsent(v.getKey(), x -> new HashSet<>()).add(p.getKey());
        }
      }
    }
    return new Lowering(Set.copyOf(variants.keySet()), loweredBy);
  }

  /**
   * Adds {@link #VARIANT_UNCOVERED} to {@code words_uncovered} (as if the title lacked one more of
   * the query's words) for a candidate naming another model of the line the query names ({@link
   * #variantOf}) while another candidate, no variant, holds every query term it holds in its
   * product part: "hp designjet 500" ranked the "HP DesignJet 500ps Plus" and "Designjet 500 Plus"
   * above the "Designjet 500", "hp 364 black ink cartridge" the "364XL" above the 364, which BM25
   * scores alike (its length normalisation prefers the shorter title) and the cosine often the
   * other way. One word's worth may not outweigh the cosine's lead ("x52" keeps the "X52 Pro"
   * first, by 0.0002 of score; two words' worth cost more queries than it won,
   * docs/eval/known-item.md). A title naming the line's variants only (no plain model among the
   * candidates) keeps its rank. The cache's entry cut leaves no cut where a new product may change
   * which variants are lowered ({@link EntryCut#of}).
   *
   * @param q the query ({@link #query})
   * @param titles the candidates' titles, in the order of {@code features}
   */
  public void lowerUnaskedVariants(QueryTerms q, List<String> titles, List<double[]> features) {
    requireAligned(titles, features);
    for (int i : variantLowering(q, titles).loweredBy().keySet()) {
      features.get(i)[WORDS_UNCOVERED] += VARIANT_UNCOVERED;
    }
  }

  /** The terms of 3 letters or more among {@code terms}: words, not a code's pieces. */
  private static Set<String> words(Set<String> terms) {
    Set<String> out = new HashSet<>();
    for (String term : terms) {
      if (term.length() >= 3 && term.chars().allMatch(Character::isLetter)) {
        out.add(term);
      }
    }
    return out;
  }

  /**
   * An accessory of the device a query names ({@link #lowerUnaskedCarriers}): its {@code
   * code_exact}, which of the query's words the part of its title saying what it is holds (its
   * product part before a clause naming what it replaces, {@link #EQUIVALENCE}), and that part's
   * words ({@link #words}).
   */
  private record Accessory(double share, boolean[] names, Set<String> words) {}

  /**
   * Whether a carrier lacks a word an accessory of at least its share names, and shares no word
   * with what the accessory is but its first (the brand): one that does is its sibling, a supply of
   * the same device ("Lexmark T420 Print Cartridge", "Lexmark T420 High Yield, 10k Original Black"
   * beside "Xerox Black toner cartridge. ... Compatible with Lexmark T420": "cartridge", "black"),
   * not the device ("HP LaserJet P1505 Printer", "Epson LQ-690 dot matrix printer").
   */
  private boolean lacksWhatAnAccessoryIs(
      DeviceFit fit, String title, double share, List<Accessory> accessories) {
    Set<String> own = ownWords(title);
    for (Accessory a : accessories) {
      if (a.share() < share || !Collections.disjoint(own, a.words())) {
        continue;
      }
      for (int w = 0; w < a.names().length; w++) {
        if (a.names()[w] && !holds(title, fit.words().get(w))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The share of {@code code_exact} a carrier of the query's code keeps when it lacks a word the
   * query asks for that another carrier is named by ({@link #lowerUnaskedCarriers}).
   */
  static final double UNASKED_CARRIER = 0;

  private boolean holdsAll(String title, DeviceFit fit) {
    for (Set<String> w : fit.words()) {
      if (!holds(title, w)) {
        return false;
      }
    }
    return true;
  }

  /** The query signals recorded in a candidate's features (NaN where its dense cosine is 0). */
  public static QuerySignals signals(double[] f) {
    double d = f[DENSE];
    return d == 0
        ? new QuerySignals(Double.NaN, Double.NaN, Double.NaN, Double.NaN)
        : new QuerySignals(
            f[DENSE_X_CODE] / d,
            f[DENSE_X_LENGTH] / d,
            f[DENSE_X_AGREEMENT] / d,
            f[DENSE_X_GAP] / d);
  }

  private double coverage(Set<String> queryTerms, String title) {
    if (queryTerms.isEmpty()) {
      return 0;
    }
    Set<String> t = titleTerms(title);
    int hit = 0;
    for (String term : queryTerms) {
      if (t.contains(term)) {
        hit++;
      }
    }
    return (double) hit / queryTerms.size();
  }

  private double bigramShare(Set<String> queryBigrams, String title) {
    if (queryBigrams.isEmpty()) {
      return 0;
    }
    Set<String> t = titleBigrams.get(title, x -> Set.copyOf(Bm25Queries.bigrams(analyzer, x)));
    int hit = 0;
    for (String b : queryBigrams) {
      if (t.contains(b)) {
        hit++;
      }
    }
    return (double) hit / queryBigrams.size();
  }

  private static boolean brandMatch(QueryTerms q, String brand) {
    return q.brandsNamed.computeIfAbsent(
        brand, b -> BrandNames.named(q.rawTokens, q.spaced, q.normalized, BrandNames.forms(b)));
  }

  static String alnum(String s) {
    String lower = Texts.lowerCase(s);
    StringBuilder sb = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); ) {
      int cp = lower.codePointAt(i);
      if (Character.isLetterOrDigit(cp)) {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }
}
