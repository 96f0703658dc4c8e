package io.moesearch.core.index;

import io.moesearch.core.catalog.Gtin;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionLengthAttribute;

/**
 * Joins a trade item number typed in the digit groups printed under its barcode ("4 006381 333931",
 * "0 95205 60321 7") into the number it is, so that the query finds the product carrying it as the
 * unbroken number does ({@link GtinNormalizationFilter} then writes it in its 14-digit form). Each
 * run of 2 to {@value Gtin#MAX_PRINTED_GROUPS} neighbouring all-digit tokens holding 12, 13 or 14
 * digits together whose last is the GS1 check digit of the others ({@link Gtin#isValid}) adds their
 * concatenation, stacked on the run's last token (position increment 0); the tokens themselves pass
 * unchanged. The groups of an EAN-13 are 1 + 6 + 6 digits, of a UPC-A 1 + 5 + 5 + 1 (GS1 General
 * Specifications, section 5.2). For queries: product text keeps its own tokens. The ranking
 * features read the query's text joined alike ({@link Gtin#joinPrintedGroups}).
 */
public final class SpacedGtinFilter extends TokenFilter {
  private static final int MAX_GROUPS = Gtin.MAX_PRINTED_GROUPS;

  private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
  private final PositionIncrementAttribute increment =
      addAttribute(PositionIncrementAttribute.class);
  private final PositionLengthAttribute length = addAttribute(PositionLengthAttribute.class);

  /** The last all-digit tokens of the current run, oldest first, at most {@code MAX_GROUPS}. */
  private final Deque<String> run = new ArrayDeque<>(MAX_GROUPS);

  /** Joined numbers still to emit after the token just returned. */
  private final Deque<String> pending = new ArrayDeque<>();

  private State last;

  public SpacedGtinFilter(TokenStream in) {
    super(in);
  }

  @Override
  public void reset() throws IOException {
    super.reset();
    run.clear();
    pending.clear();
    last = null;
  }

  @Override
  public boolean incrementToken() throws IOException {
    if (!pending.isEmpty()) {
      restoreState(last);
      term.setEmpty().append(pending.poll());
      increment.setPositionIncrement(0);
      length.setPositionLength(1);
      return true;
    }
    if (!input.incrementToken()) {
      return false;
    }
    boolean group = term.length() < Gtin.DIGITS && allDigits();
    if (!group || increment.getPositionIncrement() != 1) {
      run.clear();
    }
    if (group) {
      if (run.size() == MAX_GROUPS) {
        run.poll();
      }
      run.add(term.toString());
      joinRunsEndingHere();
      if (!pending.isEmpty()) {
        last = captureState();
      }
    }
    return true;
  }

  private boolean allDigits() {
    char[] b = term.buffer();
    for (int i = 0; i < term.length(); i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return term.length() > 0;
  }

  /** Adds each valid number of 2 or more groups of {@link #run} that ends with its last group. */
  private void joinRunsEndingHere() {
    String[] groups = run.toArray(new String[0]);
    StringBuilder joined = new StringBuilder(groups[groups.length - 1]);
    for (int first = groups.length - 2; first >= 0; first--) {
      joined.insert(0, groups[first]);
      if (joined.length() > Gtin.DIGITS) {
        return;
      }
      if (joined.length() >= 12 && Gtin.isValid(joined.toString())) {
        pending.add(joined.toString());
      }
    }
  }
}
