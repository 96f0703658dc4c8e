package io.moesearch.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.util.VectorUtil;
import org.junit.jupiter.api.Test;

/**
 * {@link Vectors#exactDot} gives the same bits in the interpreter ({@code -Xint}), in C1 and in C2:
 * a replayed query's exact scores, and so its ranking, equal the first computation's whichever tier
 * runs it. Each run is a separate JVM computing the same seeded vectors' products; this JVM
 * computes them after a warm-up long enough for C2 to compile the loop.
 */
class VectorsExactDotTest {

  /** The probe a child JVM runs: one line of float bits per seeded pair. */
  public static final class Probe {
    static final int PAIRS = 300;
    static final int DIMENSION = 384;

    public static void main(String[] args) {
      for (String line : bits()) {
        System.out.println(line);
      }
    }

    static List<String> bits() {
      float[][] a = vectors(1);
      float[][] b = vectors(2);
      List<String> out = new ArrayList<>(PAIRS);
      for (int i = 0; i < PAIRS; i++) {
        out.add(Integer.toHexString(Float.floatToRawIntBits(Vectors.exactDot(a[i], b[i]))));
      }
      return out;
    }

    /** Unit-norm vectors with a wide spread of magnitudes (rounding happens in every sum). */
    static float[][] vectors(long seed) {
      Random r = new Random(seed);
      float[][] v = new float[PAIRS][DIMENSION];
      for (float[] x : v) {
        for (int d = 0; d < DIMENSION; d++) {
          x[d] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian()));
        }
        Vectors.normalizeInPlace(x);
      }
      return v;
    }
  }

  @Test
  void theSameBitsInTheInterpreterC1AndC2() throws Exception {
    float[][] a = Probe.vectors(1);
    float[][] b = Probe.vectors(2);
    float sink = 0;
    for (int round = 0; round < 200; round++) { // 60,000 calls: C2 compiles exactDot
      for (int i = 0; i < Probe.PAIRS; i++) {
        sink += Vectors.exactDot(a[i], b[i]);
      }
    }
    assertThat(sink).isFinite();
    List<String> compiled = Probe.bits();

    assertThat(child("-Xint")).isEqualTo(compiled);
    assertThat(child("-XX:TieredStopAtLevel=1")).isEqualTo(compiled);
    // C2 before the first call: every method compiled by the server compiler.
    assertThat(child("-XX:-TieredCompilation", "-Xcomp")).isEqualTo(compiled);
  }

  @Test
  void agreesWithLucenesSimdProductUpToRounding() {
    float[][] a = Probe.vectors(3);
    float[][] b = Probe.vectors(4);
    for (int i = 0; i < Probe.PAIRS; i++) {
      assertThat(Vectors.exactDot(a[i], b[i]))
          .isCloseTo(VectorUtil.dotProduct(a[i], b[i]), org.assertj.core.data.Offset.offset(1e-5f));
    }
    assertThat(Vectors.exactDot(new float[] {1, 2, 3}, new float[] {4, 5, 6})).isEqualTo(32f);
    // Every length, the four partial sums and the tail: the exact sum, rounded once.
    Random random = new Random(5);
    for (int n = 0; n <= 11; n++) {
      float[] x = new float[n];
      float[] y = new float[n];
      java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
      for (int i = 0; i < n; i++) {
        x[i] = random.nextInt(2001) - 1000;
        y[i] = random.nextInt(2001) - 1000;
        exact = exact.add(java.math.BigDecimal.valueOf((double) x[i] * y[i]));
      }
      assertThat(Vectors.exactDot(x, y)).as("length " + n).isEqualTo(exact.floatValue());
    }
  }

  @Test
  void rejectsDifferentDimensions() {
    assertThatThrownBy(() -> Vectors.exactDot(new float[2], new float[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 != 3");
  }

  private static List<String> child(String... mode) throws Exception {
    String classpath =
        String.join(
            File.pathSeparator,
            location(Probe.class),
            location(Vectors.class),
            location(VectorUtil.class));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString()));
    cmd.addAll(List.of(mode));
    cmd.addAll(List.of("-cp", classpath, Probe.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("probe with " + String.join(" ", mode)).isZero();
    return out.lines().toList();
  }

  private static String location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
