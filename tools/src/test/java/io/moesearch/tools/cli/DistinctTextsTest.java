package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The never-seen query texts of {@code bench overload} and {@code bench freshness}. */
class DistinctTextsTest {

  private static Catalog catalog() {
    List<Product> ps = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String title =
          "Brand"
              + (i % 7)
              + " Model"
              + i
              + " laptop "
              + (i % 5)
              + "GB silver "
              + (i % 11)
              + " inch";
      ps.add(new Product("p" + i, title, "Brand" + (i % 7), "Model" + i, "", null, null));
    }
    return new Catalog(ps, List.of());
  }

  private static List<String> texts(List<SearchQuery> qs) {
    return qs.stream().map(SearchQuery::text).toList();
  }

  /**
   * However long a warm-up ran, the measured texts are the same (a seeded run stays comparable).
   */
  @Test
  void theMeasuredTextsDoNotDependOnTheWarmUp() {
    BenchOverloadCommand.DistinctTexts cold = new BenchOverloadCommand.DistinctTexts(catalog(), 5);
    BenchOverloadCommand.DistinctTexts warmed =
        new BenchOverloadCommand.DistinctTexts(catalog(), 5);
    warmed.takeWarmUp("w-", 500);

    assertThat(texts(warmed.take("m-", 200))).isEqualTo(texts(cold.take("m-", 200)));
  }

  /**
   * Past the titles' prefixes (300 titles have at most 1,500) the texts go on, still distinct: a
   * fast machine's loads ask more never-seen texts than the catalogue's prefixes.
   */
  @Test
  void moreTextsThanTheTitlesPrefixesAreStillDistinct() {
    BenchOverloadCommand.DistinctTexts texts = new BenchOverloadCommand.DistinctTexts(catalog(), 5);
    List<String> all = texts(texts.take("m-", 3000));
    assertThat(new HashSet<>(all)).hasSize(3000);
  }

  /** No warm-up text is asked again in the measurement (it would be a cache hit there). */
  @Test
  void noTextIsHandedOutTwice() {
    BenchOverloadCommand.DistinctTexts texts = new BenchOverloadCommand.DistinctTexts(catalog(), 5);
    List<String> all = new ArrayList<>(texts(texts.takeWarmUp("w-", 400)));
    all.addAll(texts(texts.take("m-", 400)));
    all.addAll(texts(texts.takeWarmUp("w2-", 400)));

    Set<String> distinct = new HashSet<>(all);
    assertThat(distinct).hasSize(all.size());
  }
}
