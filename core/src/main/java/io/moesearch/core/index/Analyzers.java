package io.moesearch.core.index;

import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/**
 * The analyzers of the product fields: English stemming for the combined BM25 field (so "speakers"
 * finds "speaker"), the standard analyzer elsewhere. Indexing and querying must use the same.
 */
public final class Analyzers {
  private Analyzers() {}

  public static Analyzer forIndexing() {
    return new PerFieldAnalyzerWrapper(
        new StandardAnalyzer(), Map.of(IndexFields.ALL_TEXT, new EnglishAnalyzer()));
  }

  /** The analyzer of {@link IndexFields#ALL_TEXT}. */
  public static Analyzer allText() {
    return new EnglishAnalyzer();
  }
}
