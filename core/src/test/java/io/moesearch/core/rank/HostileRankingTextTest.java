package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.index.Analyzers;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A query text the codec accepts ({@code query.max-chars} may be raised to 10,000 characters) is
 * analysed for ranking in bounded stack: every ranked query goes through {@link
 * RankingFeatures#query}, whose code reading splits the text at list breaks. A greedy repeated
 * group of alternatives there took one stack frame per separator, and a text of a few thousand
 * commas threw {@link StackOverflowError} on a task thread's 1 MiB stack: the query was never
 * answered, on every replay. Checked on a quarter of that stack.
 */
class HostileRankingTextTest {
  private static final int MAX_QUERY_CHARS = 10_000;

  @ParameterizedTest
  @ValueSource(
      strings = {
        ",",
        ";",
        "!?",
        "&(",
        ", ",
        "\"",
        " - ",
        "a,",
        "1,",
        " for",
        "ribbon for a1b2 ",
        "/a1"
      })
  void aQueryOfTheLongestRunOfListBreaksIsAnalysedInBoundedStack(String unit) throws Exception {
    String text = unit.repeat(MAX_QUERY_CHARS / unit.length());
    RankingFeatures features = new RankingFeatures(Analyzers.allText());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread task =
        new Thread(
            null,
            () -> {
              try {
                features.query(text);
                RankingFeatures.codes(text + " dxoc67c3");
                // the fusion reads the text and the candidates' titles too (device fits)
                HybridRanker.fuse(
                    text,
                    List.of(),
                    List.of(
                        new HybridRanker.Scored(
                            "t", text, new double[RankingFeatures.NAMES.size()])),
                    LinearFusion.rrf(),
                    20,
                    10);
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "small-stack",
            256 * 1024);
    task.start();
    task.join();
    assertThat(failure.get()).as(unit).isNull();
  }
}
