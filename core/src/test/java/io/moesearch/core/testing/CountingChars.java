package io.moesearch.core.testing;

/**
 * A {@link CharSequence} that counts the characters read from it ({@link #charAt}): a test bounds
 * an algorithm's work on hostile input by reads, not by time.
 */
public final class CountingChars implements CharSequence {
  private final String s;
  private long reads;

  public CountingChars(String s) {
    this.s = s;
  }

  /** Characters read so far. */
  public long reads() {
    return reads;
  }

  @Override
  public int length() {
    return s.length();
  }

  @Override
  public char charAt(int index) {
    reads++;
    return s.charAt(index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    throw new UnsupportedOperationException();
  }

  @Override
  public String toString() {
    return s;
  }
}
