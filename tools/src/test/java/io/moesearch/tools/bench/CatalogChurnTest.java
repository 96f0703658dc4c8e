package io.moesearch.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The catalogue updates {@code bench chaos} streams through its faults, and how the probes at the
 * end tell a lost update: a listed product its title does not find, or a deleted one it still does.
 */
class CatalogChurnTest {
  private static List<CatalogChurn.Step> steps(CatalogChurn churn, int n) {
    List<CatalogChurn.Step> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(churn.next());
    }
    return out;
  }

  @Test
  void deletesTakeOnlyProductsListedEarlierAndNotYetDeleted() {
    List<CatalogChurn.Step> steps = steps(new CatalogChurn("c", 7), 300);
    Map<String, Integer> listedAt = new HashMap<>();
    Set<String> deleted = new HashSet<>();
    for (int i = 0; i < steps.size(); i++) {
      CatalogChurn.Step s = steps.get(i);
      if (s.op() == CatalogUpdate.Op.UPSERT) {
        assertThat(listedAt.put(s.productId(), i)).as("each listing a new product").isNull();
        assertThat(s.at(5L).product().title()).contains("chaos probe");
      } else {
        assertThat(listedAt).containsKey(s.productId());
        assertThat(i - listedAt.get(s.productId())).isGreaterThan(CatalogChurn.MIN_AGE);
        assertThat(deleted.add(s.productId())).as("deleted once").isTrue();
      }
    }
    assertThat(deleted).hasSizeBetween(90, 100);
    Set<String> titles = new HashSet<>(new CatalogChurn("c", 7).probes().values());
    assertThat(titles).isEmpty();
  }

  @Test
  void theSameSeedPlansTheSameUpdates() {
    assertThat(steps(new CatalogChurn("c", 3), 50)).isEqualTo(steps(new CatalogChurn("c", 3), 50));
    assertThat(steps(new CatalogChurn("c", 3), 50))
        .isNotEqualTo(steps(new CatalogChurn("c", 4), 50));
  }

  @Test
  void theVerdictCountsLostListingsAndDeletesStillServed() {
    CatalogChurn churn = new CatalogChurn("c", 1);
    List<CatalogChurn.Step> steps = steps(churn, 30);
    Set<String> deleted = new HashSet<>();
    steps.stream()
        .filter(s -> s.op() == CatalogUpdate.Op.DELETE)
        .forEach(s -> deleted.add(s.productId()));
    Map<String, String> probes = churn.probes();
    assertThat(probes.values()).doesNotHaveDuplicates();
    Map<String, List<String>> right = new HashMap<>();
    probes.keySet().forEach(id -> right.put(id, deleted.contains(id) ? List.of("x") : List.of(id)));
    CatalogChurn.Verdict ok = churn.verdict(right);
    assertThat(ok.listedMissing()).isZero();
    assertThat(ok.deletedServed()).isZero();
    assertThat(ok.probesAnswered()).isEqualTo(probes.size());
    assertThat(ok.listed() + ok.deleted()).isEqualTo(probes.size());

    Map<String, List<String>> wrong = new HashMap<>(right);
    String aDeleted = deleted.iterator().next();
    String aListed =
        probes.keySet().stream().filter(id -> !deleted.contains(id)).findFirst().orElseThrow();
    wrong.put(aDeleted, List.of("y", aDeleted));
    wrong.put(aListed, List.of("y"));
    String unanswered =
        probes.keySet().stream()
            .filter(id -> !id.equals(aDeleted) && !id.equals(aListed))
            .findFirst()
            .orElseThrow();
    wrong.remove(unanswered);
    CatalogChurn.Verdict bad = churn.verdict(wrong);
    assertThat(bad.deletedServed()).isEqualTo(1);
    assertThat(bad.listedMissing()).isEqualTo(1);
    assertThat(bad.probesAnswered()).isEqualTo(probes.size() - 1);
  }
}
