package io.moesearch.core.index;

import io.moesearch.core.catalog.Gtin;
import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * Writes a trade item number (GTIN: EAN-8, UPC-A, EAN-13, GTIN-14) in its 14-digit form, so that a
 * barcode typed in any of its lengths finds the product carrying it: a shopper's UPC-A {@code
 * 882780756373} and a feed's EAN-13 {@code 0882780756373} are the same number, both indexed and
 * searched as {@code 00882780756373}.
 *
 * <p>A term is rewritten when it is 8, 12, 13 or 14 ASCII digits and its last digit is the GS1
 * check digit of the others ({@link Gtin#isValid}): left zeros pad it to 14 digits, which keeps the
 * check digit valid (GS1 General Specifications, section 7.9: GTINs are compared in their 14-digit
 * form). Every other term passes unchanged; a number of those lengths that happens to carry a valid
 * check digit (one in ten) is padded alike on both sides of the search, so matching stays the same
 * for it.
 *
 * <p>When indexing ({@code stacked}), a GTIN after the first token is stacked on the token before
 * it (position increment 0): BM25 does not count stacked tokens in a document's length ({@code
 * BM25Similarity} discounts overlaps), so a product listing thirty EANs of its packagings scores
 * for its words as one listing none (the field's average length, which Lucene reads from every term
 * occurrence, does count them: a change alike for every document). Queries keep their positions (a
 * stacked token would read as a synonym of the word before it).
 */
public final class GtinNormalizationFilter extends TokenFilter {
  private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
  private final PositionIncrementAttribute increment =
      addAttribute(PositionIncrementAttribute.class);
  private final boolean stacked;
  private boolean first = true;

  /**
   * @param in the tokens
   * @param stacked whether a GTIN after the first token is stacked on the one before (indexing)
   */
  public GtinNormalizationFilter(TokenStream in, boolean stacked) {
    super(in);
    this.stacked = stacked;
  }

  @Override
  public void reset() throws IOException {
    super.reset();
    first = true;
  }

  @Override
  public boolean incrementToken() throws IOException {
    if (!input.incrementToken()) {
      return false;
    }
    int n = term.length();
    if (Gtin.isValid(term.buffer(), n)) {
      if (n < Gtin.DIGITS) {
        char[] padded = new char[Gtin.DIGITS];
        int pad = Gtin.DIGITS - n;
        Arrays.fill(padded, 0, pad, '0');
        System.arraycopy(term.buffer(), 0, padded, pad, n);
        term.copyBuffer(padded, 0, Gtin.DIGITS);
      }
      if (stacked && !first) {
        increment.setPositionIncrement(0);
      }
    }
    first = false;
    return true;
  }
}
