package io.moesearch.core.index;

/** Field names shared by the index writers and readers. */
public final class IndexFields {
  private IndexFields() {}

  /** Product id: indexed as a keyword, stored. */
  public static final String ID = "id";

  /** Global product ordinal into the vector store: doc values and stored. */
  public static final String ORD = "ord";

  /** Unit-length product embedding for HNSW. */
  public static final String VECTOR = "vec";

  public static final String TITLE = "title";
  public static final String BRAND = "brand";

  /** Lower-cased brand as one keyword, for brand filters. */
  public static final String BRAND_EXACT = "brand_exact";

  public static final String MODEL = "model";
  public static final String DESCRIPTION = "description";

  /**
   * All product text (title, brand, model, description) in one field, analysed with English
   * stemming: the BM25 field ({@link Analyzers}).
   */
  public static final String ALL_TEXT = "text";

  /** Price as a point (filters) and doc values (features); absent when unknown. */
  public static final String PRICE = "price";

  /**
   * Live stock as the keyword {@code true} or {@code false}: only in the live delta's documents
   * (the artifact's products are in stock unless a patch says otherwise).
   */
  public static final String IN_STOCK = "in_stock";
}
