package io.moesearch.core.artifact;

import java.nio.file.Path;

/** File names inside an artifact directory. */
public final class ArtifactLayout {
  private ArtifactLayout() {}

  public static final String MANIFEST = "manifest.json";
  public static final String VECTORS = "vectors.f32";
  public static final String GATE = "gate.f32";
  public static final String IDS = "ids.txt";

  /** Expert membership lists: which product ordinals each expert holds. */
  public static final String MEMBERS = "members.bin";

  public static final String LEXICAL = "lexical";

  /**
   * A version's catalogue (JSONL, gzipped; {@code in_stock: false} marks a product out of stock),
   * in ordinal order: what its build tasks and the next compaction read.
   */
  public static final String CATALOG = "catalog.jsonl.gz";

  /**
   * A compacted version's folded updates: {@code <product id>\t<ts>} per product ever changed, the
   * {@code ts} of its newest applied update (a later update must be newer to apply).
   */
  public static final String FOLDED = "folded.tsv";

  /**
   * A compacted version's folded products' parts: {@code <product id>\t<existsTs>\t<priceTs>\t
   * <stockTs>\t<price>\t<inStock>}, when the upsert or delete it rests on, its price and its stock
   * were set (-1: the artifact's), and its price (empty: none) and stock ({@code
   * CatalogFold.Parts}), for the next compaction; a file of its own so that {@link #FOLDED} reads
   * as before. Absent in versions compacted before it.
   */
  public static final String FOLDED_PARTS = "folded-parts.tsv";

  /** A compacted version's products that are out of stock, one id per line. */
  public static final String OUT_OF_STOCK = "out-of-stock.txt";

  /** In an artifact root: the name of the newest version directory. */
  public static final String LATEST = "LATEST";

  public static String expertDir(int expert) {
    return "experts/" + String.format("%04d", expert);
  }

  public static Path expertPath(Path artifact, int expert) {
    return artifact.resolve(expertDir(expert));
  }
}
