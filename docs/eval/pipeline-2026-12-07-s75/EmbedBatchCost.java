import io.moesearch.core.embed.*;
import java.util.*;
import java.util.concurrent.*;
/**
 * One-off harness (not part of the build): the shipped query embedder's CPU per query by batch
 * size, on one thread and on two at once (each its own predictor of one shared model), 1,200
 * seeded short queries of 2-5 shop words per thread and batch size, three rounds. The first block
 * of embed-batch-cost.txt came from an earlier form of it that ran one thread only, 2,000 queries
 * per size, batches up to 16.
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
    for (int round = 0; round < 3; round++) {
      for (int threads : new int[] {1, 2}) {
        for (int b : new int[] {1, 2, 4, 8}) {
          ExecutorService ex = Executors.newFixedThreadPool(threads);
          List<Future<?>> fs = new ArrayList<>();
          long t0 = System.nanoTime();
          int per = 1200;
          for (int t = 0; t < threads; t++) {
            final int off = t * 1500;
            fs.add(ex.submit(() -> { try (var e = m.newEmbedder()) { for (int i = 0; i + b <= per; i += b) e.embed(qs.subList(off + i, off + i + b)); } return null; }));
          }
          for (var f : fs) f.get();
          long t1 = System.nanoTime();
          ex.shutdown();
          double total = threads * (per / b) * b;
          System.out.printf("round %d threads %d batch %d: %.0f queries/s, %.3f ms CPU/query%n", round, threads, b, total / ((t1 - t0) / 1e9), threads * (t1 - t0) / 1e6 / total);
        }
      }
    }
    System.exit(0);
  }
}
