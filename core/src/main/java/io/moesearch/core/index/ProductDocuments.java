package io.moesearch.core.index;

import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.catalog.Product;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;

/** Maps a product (and optionally its vector) to a Lucene document. */
public final class ProductDocuments {
  private ProductDocuments() {}

  /**
   * The text of the combined BM25 field ({@link IndexFields#ALL_TEXT}): title, brand, model,
   * description and the product's trade item numbers ({@link Product#tradeItemNumbers}), as indexed
   * (the lexical branch matches query terms against its analysis, which writes every GTIN in its
   * 14-digit form: {@link GtinNormalizationFilter}). Only this field holds the numbers: the
   * embedded text ({@link Product#searchableText}) does not, a barcode being no words for the
   * model.
   */
  public static String allText(Product p) {
    String text = p.title() + " " + p.brand() + " " + p.model() + " " + p.description();
    String numbers = p.tradeItemNumbers();
    return numbers.isEmpty() ? text : text + " " + numbers;
  }

  public static Document toDocument(int ordinal, Product p, float[] vector) {
    Document doc = new Document();
    doc.add(new StringField(IndexFields.ID, p.id(), Field.Store.YES));
    // Doc values for what search results carry: random access without stored-field decompression.
    doc.add(new BinaryDocValuesField(IndexFields.ID, new BytesRef(p.id())));
    doc.add(new BinaryDocValuesField(IndexFields.TITLE, new BytesRef(p.title())));
    doc.add(new BinaryDocValuesField(IndexFields.BRAND, new BytesRef(p.brand())));
    doc.add(new BinaryDocValuesField(IndexFields.MODEL, new BytesRef(p.model())));
    doc.add(new NumericDocValuesField(IndexFields.ORD, ordinal));
    doc.add(new StoredField(IndexFields.ORD, ordinal));
    doc.add(new TextField(IndexFields.TITLE, p.title(), Field.Store.YES));
    // Brand and model are indexed in every document, empty or not: a field Lucene sees with doc
    // values alone in one document and also indexed in another breaks its per-field schema, and
    // the second kind of document could not be indexed (a catalogue where only some products name
    // a brand, or a live upsert without a model into a delta that holds one with). An empty value
    // adds no term, so it changes no score.
    doc.add(new TextField(IndexFields.BRAND, p.brand(), Field.Store.YES));
    // A brand longer than any filter can name has no keyword (the key is ""): no brand filter
    // selects it, as the filter listings agree, and it stays far below Lucene's term limit.
    String exact = QueryNormalizer.brandKey(p.brand());
    if (!exact.isEmpty()) {
      doc.add(new KeywordField(IndexFields.BRAND_EXACT, exact, Field.Store.NO));
    }
    doc.add(new TextField(IndexFields.MODEL, p.model(), Field.Store.YES));
    if (!p.description().isEmpty()) {
      doc.add(new TextField(IndexFields.DESCRIPTION, p.description(), Field.Store.NO));
    }
    doc.add(new TextField(IndexFields.ALL_TEXT, allText(p), Field.Store.NO));
    if (p.price() != null) {
      doc.add(new DoubleField(IndexFields.PRICE, p.price(), Field.Store.NO));
    }
    if (!p.inStock()) {
      // Only the exception is indexed: an in_stock filter excludes in_stock:false.
      doc.add(new KeywordField(IndexFields.IN_STOCK, "false", Field.Store.NO));
    }
    if (vector != null) {
      doc.add(vectorField(vector));
    }
    return doc;
  }

  /**
   * A document with only an ordinal and a vector: what a catalogue without text (the synthetic one)
   * indexes. Its id is the ordinal in decimal (results are merged by id); title, brand and model
   * are empty.
   */
  public static Document vectorOnly(int ordinal, float[] vector) {
    if (vector == null) {
      throw new IllegalArgumentException("a vector-only document needs a vector");
    }
    Document doc = new Document();
    String id = Integer.toString(ordinal);
    doc.add(new StringField(IndexFields.ID, id, Field.Store.YES));
    doc.add(new BinaryDocValuesField(IndexFields.ID, new BytesRef(id)));
    doc.add(new NumericDocValuesField(IndexFields.ORD, ordinal));
    doc.add(new StoredField(IndexFields.ORD, ordinal));
    doc.add(vectorField(vector));
    return doc;
  }

  private static KnnFloatVectorField vectorField(float[] vector) {
    return new KnnFloatVectorField(
        IndexFields.VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT);
  }
}
