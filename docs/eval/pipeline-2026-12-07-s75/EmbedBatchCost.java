import io.moesearch.core.embed.*;
import java.util.*;
/**
 * One-off harness (not part of the build): the shipped query embedder's CPU per query by batch
 * size, one thread, 2,000 seeded short queries of 2-5 shop words per batch size, three rounds.
 * Run from the repository root after a build:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
 *   -cp "core/target/moe-search-core-0.1.0-SNAPSHOT.jar:$(cat tools/target/classpath.txt)" \
 *   docs/eval/pipeline-2026-12-07-s75/EmbedBatchCost.java
 * </pre>
 */
public class EmbedBatchCost {
  public static void main(String[] a) throws Exception {
    EmbeddingModel m = EmbeddingModel.load(EmbedderConfig.bundled());
    String[] words = "hp laserjet pro printer toner black cartridge canon pixma ink samsung galaxy tab usb cable logitech wireless mouse keyboard dell monitor 24 inch lenovo thinkpad".split(" ");
    Random r = new Random(1);
    List<String> qs = new ArrayList<>();
    for (int i = 0; i < 4000; i++) { int n = 2 + r.nextInt(4); StringBuilder sb = new StringBuilder(); for (int j=0;j<n;j++) sb.append(words[r.nextInt(words.length)]).append(' '); qs.add(sb.toString().trim()); }
    try (var e = m.newEmbedder()) {
      for (int round = 0; round < 3; round++) {
        for (int b : new int[] {1, 2, 4, 8, 16}) {
          long t0 = System.nanoTime(); int n = 0;
          for (int i = 0; i + b <= 2000; i += b) { e.embed(qs.subList(i, i + b)); n += b; }
          long t1 = System.nanoTime();
          System.out.printf("round %d batch %2d: %.3f ms/query%n", round, b, (t1 - t0) / 1e6 / n);
        }
      }
    }
    System.exit(0);
  }
}
