package io.moesearch.core.index;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.KeywordAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * Splits text into the runs between matches of a separator pattern, as Lucene's {@code
 * PatternTokenizer} with group −1 does, and stacks on a word of exactly two parts joined by one
 * slash, the second a suffix of at most {@value #MAX_SUFFIX} letters and digits ("HD7820/60",
 * "HX432S20IBK2/64", "15/78"), the letters and digits of both parts joined ("hd782060"), as a
 * keyword (position increment 0, on the second part): the code a shopper types without the slash
 * finds the product, as a code with a hyphen already does through the word-delimiter filter's
 * catenation. The join is made only when it holds a digit and has {@value #MIN_JOINED}–{@value
 * #MAX_JOINED} letters and digits: "1/4", "3/8" and "24/7" (fractions and hours) add nothing; two
 * codes given as alternatives ("CP2020/CP2025"), a list of three or more ("r640/t140/r740") or a
 * spaced slash ("USB / PS2") neither.
 */
public final class SlashCodeTokenizer extends Tokenizer {
  /** Fewest letters and digits of a joined code. */
  static final int MIN_JOINED = 4;

  /**
   * Most letters and digits of the part after the slash: a variant suffix ("/60", "/64", "/3N"),
   * not a second code ("CP2020/CP2025", "FS-1000/FS-1010": alternatives, each its own term).
   */
  static final int MAX_SUFFIX = 3;

  /** Most letters and digits of a joined code (a model code has at most 30). */
  static final int MAX_JOINED = 64;

  private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
  private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
  private final PositionIncrementAttribute increment =
      addAttribute(PositionIncrementAttribute.class);
  private final KeywordAttribute keyword = addAttribute(KeywordAttribute.class);

  private final Pattern separators;
  private final StringBuilder text = new StringBuilder();
  private final char[] buffer = new char[8192];
  private Matcher matcher;

  /** Where the next token starts: the end of the last separator read. */
  private int next;

  /** The previous token's span and the separator after it, or -1 when there is none. */
  private int previousStart = -1;

  private int previousEnd = -1;
  private boolean previousAfterSlash;

  /** A joined code to emit after the token just returned, or null. */
  private String pending;

  private int pendingStart;
  private int pendingEnd;

  /**
   * @param separators what splits tokens; its matches that are exactly {@code "/"} join two parts
   */
  public SlashCodeTokenizer(Pattern separators) {
    this.separators = separators;
  }

  @Override
  public void reset() throws IOException {
    super.reset();
    text.setLength(0);
    int read;
    while ((read = input.read(buffer)) != -1) {
      text.append(buffer, 0, read);
    }
    matcher = separators.matcher(text);
    next = 0;
    previousStart = -1;
    previousEnd = -1;
    previousAfterSlash = false;
    pending = null;
  }

  @Override
  public boolean incrementToken() {
    clearAttributes();
    if (pending != null) {
      term.setEmpty().append(pending);
      offset.setOffset(correctOffset(pendingStart), correctOffset(pendingEnd));
      increment.setPositionIncrement(0);
      keyword.setKeyword(true);
      pending = null;
      return true;
    }
    while (next < text.length()) {
      int start = next;
      int end;
      boolean slashAfter;
      if (matcher.find(start)) {
        end = matcher.start();
        next = matcher.end();
        slashAfter = next - end == 1 && text.charAt(end) == '/';
      } else {
        end = text.length();
        next = end;
        slashAfter = false;
      }
      if (end == start) {
        continue; // a separator at the start of the text
      }
      boolean joinsPrevious =
          previousAfterSlash && previousEnd == start - 1 && !slashAfter && !partOfList();
      if (joinsPrevious) {
        String suffix = lettersAndDigits(start, end);
        String joined = lettersAndDigits(previousStart, previousEnd) + suffix;
        if (suffix.length() <= MAX_SUFFIX
            && joined.length() >= MIN_JOINED
            && joined.length() <= MAX_JOINED
            && joined.chars().anyMatch(Character::isDigit)) {
          pending = joined;
          pendingStart = previousStart;
          pendingEnd = end;
        }
      }
      previousStart = start;
      previousEnd = end;
      previousAfterSlash = slashAfter;
      term.setEmpty().append(text, start, end);
      offset.setOffset(correctOffset(start), correctOffset(end));
      return true;
    }
    return false;
  }

  /**
   * Whether the previous token (before the slash the current one follows) also came after a slash:
   * a list of three or more.
   */
  private boolean partOfList() {
    return previousStart > 0 && text.charAt(previousStart - 1) == '/';
  }

  /** The letters and digits of {@code text[start, end)}, lower-cased. */
  private String lettersAndDigits(int start, int end) {
    StringBuilder out = new StringBuilder(end - start);
    for (int i = start; i < end && out.length() <= MAX_JOINED; i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        out.append(Character.toLowerCase(c));
      }
    }
    return out.toString();
  }

  @Override
  public void end() throws IOException {
    super.end();
    int last = correctOffset(text.length());
    offset.setOffset(last, last);
  }
}
