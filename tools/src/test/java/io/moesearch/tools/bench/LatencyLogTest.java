package io.moesearch.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.connectors.message.StageLatency;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The latency log writes one CSV line per answer under a fixed header. */
class LatencyLogTest {
  private static SearchResult answer(String cache, String degraded) {
    return new SearchResult(
        "q-1",
        "usb cable",
        new RankedItem[0],
        new int[] {3, 7},
        "v1",
        new StageLatency(4.25, 0.05, 0.8, 1.125, 7.5),
        cache,
        1_000L,
        1_008L,
        false,
        new int[] {3, 7},
        degraded);
  }

  @Test
  void writesTheHeaderThenOneLinePerAnswerInItsColumns() {
    StringWriter out = new StringWriter();
    try (LatencyLog log = LatencyLog.to(out)) {
      log.write("on", 1, answer(SearchResult.CACHE_MISS, "none"));
      log.write("off", 2, answer(SearchResult.CACHE_L1, "fewer_experts"));
    }
    assertThat(out.toString().split("\n"))
        .containsExactly(
            LatencyLog.HEADER,
            "on,1,1000,1008,7.500,4.250,0.050,0.800,1.125,miss,none",
            "off,2,1000,1008,7.500,4.250,0.050,0.800,1.125,l1,fewer_experts");
    assertThat(LatencyLog.HEADER.split(",")).hasSize(11);
  }

  @Test
  void refusesAModeOrCachePathThatWouldNeedQuoting() {
    try (LatencyLog log = LatencyLog.to(new StringWriter())) {
      assertThatThrownBy(() -> log.write("on,off", 1, answer("miss", "none")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> log.write("on", 1, answer("mi\"ss,", "none")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
