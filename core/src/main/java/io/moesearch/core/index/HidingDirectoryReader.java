package io.moesearch.core.index;

import java.io.IOException;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FilterDirectoryReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.IndexReader.CacheHelper;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

/**
 * A view of a reader in which the documents set in a bit set (top-level document ids) are deleted:
 * each leaf's live documents are its own less those. Every search honours live documents where it
 * looks at a document, the HNSW graph search included (its accept-docs), so a hidden document is
 * never returned and costs no filter query. Point in time: the bits must not change while the view
 * is searched (callers pass a copy). Not for writing; closing it closes nothing it did not open.
 */
final class HidingDirectoryReader extends FilterDirectoryReader {
  private final FixedBitSet hidden;

  /**
   * @param in the reader to view, left open
   * @param hidden top-level ids of the documents to hide, at least {@code in.maxDoc()} bits
   * @throws IllegalArgumentException if {@code hidden} is shorter than {@code in.maxDoc()}
   */
  HidingDirectoryReader(DirectoryReader in, FixedBitSet hidden) throws IOException {
    super(in, new Wrapper(checked(in, hidden)));
    this.hidden = hidden;
  }

  private static FixedBitSet checked(DirectoryReader in, FixedBitSet hidden) {
    if (hidden.length() < in.maxDoc()) {
      throw new IllegalArgumentException(
          "hidden has " + hidden.length() + " bits for " + in.maxDoc() + " documents");
    }
    return hidden;
  }

  @Override
  protected DirectoryReader doWrapDirectoryReader(DirectoryReader in) throws IOException {
    return new HidingDirectoryReader(in, hidden);
  }

  @Override
  protected void doClose() {
    // The viewed reader belongs to the caller.
  }

  @Override
  public CacheHelper getReaderCacheHelper() {
    return null; // its live documents differ from the viewed reader's
  }

  /** Wraps each leaf with its document base, in leaf order. */
  private static final class Wrapper extends SubReaderWrapper {
    private final FixedBitSet hidden;

    Wrapper(FixedBitSet hidden) {
      this.hidden = hidden;
    }

    @Override
    protected LeafReader[] wrap(List<? extends LeafReader> readers) {
      LeafReader[] out = new LeafReader[readers.size()];
      int docBase = 0;
      for (int i = 0; i < out.length; i++) {
        LeafReader r = readers.get(i);
        out[i] = new HidingLeafReader(r, hidden, docBase);
        docBase += r.maxDoc();
      }
      return out;
    }

    @Override
    public LeafReader wrap(LeafReader reader) {
      throw new UnsupportedOperationException("leaves are wrapped with their document base");
    }
  }

  /** One leaf: live when live in the leaf and not hidden. */
  private static final class HidingLeafReader extends FilterLeafReader {
    private final Bits live;
    private final int numDocs;

    HidingLeafReader(LeafReader in, FixedBitSet hidden, int docBase) {
      super(in);
      Bits own = in.getLiveDocs();
      int maxDoc = in.maxDoc();
      int hiddenLive = 0;
      int end = docBase + maxDoc;
      for (int d = next(hidden, docBase, end); d < end; d = next(hidden, d + 1, end)) {
        if (own == null || own.get(d - docBase)) {
          hiddenLive++;
        }
      }
      this.numDocs = in.numDocs() - hiddenLive;
      this.live =
          new Bits() {
            @Override
            public boolean get(int doc) {
              return !hidden.get(docBase + doc) && (own == null || own.get(doc));
            }

            @Override
            public int length() {
              return maxDoc;
            }
          };
    }

    private static int next(FixedBitSet bits, int from, int end) {
      if (from >= end) {
        return end;
      }
      int d = bits.nextSetBit(from);
      return d == DocIdSetIterator.NO_MORE_DOCS ? end : Math.min(d, end);
    }

    @Override
    public Bits getLiveDocs() {
      return live;
    }

    @Override
    public int numDocs() {
      return numDocs;
    }

    @Override
    public CacheHelper getCoreCacheHelper() {
      return in.getCoreCacheHelper();
    }

    @Override
    public CacheHelper getReaderCacheHelper() {
      return null; // its live documents differ from the leaf's
    }
  }
}
