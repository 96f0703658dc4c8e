package io.moesearch.core.synth;

import io.moesearch.core.util.Vectors;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A seeded generator of embedding-like synthetic catalogues, for measuring routing at scales the
 * real catalogue does not reach (1M × 384 and beyond).
 *
 * <p>The model, chosen to mimic sentence-embedding spaces (anisotropic, topical clusters of very
 * different sizes, each varying along a few directions):
 *
 * <ul>
 *   <li><b>cluster centres</b> live in a low-rank subspace: {@code c_j = normalise(μ·g + B z_j)},
 *       with a shared mean direction {@code μ} (weight {@code g = anisotropy}), a random basis
 *       {@code B} of {@code centreRank} directions and {@code z_j ~ N(0, I/centreRank)};
 *   <li><b>cluster sizes</b> follow a power law: cluster {@code j} (0-based) holds a share {@code ∝
 *       (j+1)^-sizeExponent} of the products (exact counts by largest remainder; at least one
 *       each); products are assigned to clusters in a seeded random order;
 *   <li><b>a product</b> of cluster {@code j} is {@code normalise(c_j + spread · A_j u + noise ·
 *       η)}: {@code A_j} is the cluster's own random basis of {@code localRank} unit directions,
 *       {@code u ~ N(0, I/localRank)} (low-rank variation), {@code η} isotropic with unit expected
 *       norm (uniform per coordinate, which is cheaper than Gaussian and, summed over 384
 *       coordinates, indistinguishable for this purpose);
 *   <li><b>queries</b> are perturbed products: {@code normalise(x_i + perturbation · η)} for a
 *       product {@code i} drawn uniformly (so query topics follow cluster sizes).
 * </ul>
 *
 * Every product's vector depends only on (seed, ordinal), so generation is parallel and still
 * deterministic. 1M × 384 takes about 1.5 GB of heap ({@code float[][]}).
 */
public final class SyntheticCatalog {

  /**
   * Generator parameters.
   *
   * @param products number of products, at least 1
   * @param dimension vector dimension, at least 2
   * @param clusters number of topical clusters, 1..products
   * @param centreRank rank of the subspace the cluster centres span, 1..dimension
   * @param localRank rank of each cluster's own variation, 1..dimension
   * @param sizeExponent power-law exponent of the cluster sizes, at least 0 (0 = equal sizes)
   * @param anisotropy weight of the shared mean direction in the centres, at least 0
   * @param spread magnitude of the low-rank within-cluster variation, at least 0
   * @param noise magnitude of the isotropic noise, at least 0
   * @param seed the seed; the same spec gives the same catalogue
   */
  public record Spec(
      int products,
      int dimension,
      int clusters,
      int centreRank,
      int localRank,
      double sizeExponent,
      double anisotropy,
      double spread,
      double noise,
      long seed) {
    public Spec {
      if (products < 1) {
        throw new IllegalArgumentException("synthetic products must be >= 1, got " + products);
      }
      if (dimension < 2) {
        throw new IllegalArgumentException("synthetic dimension must be >= 2, got " + dimension);
      }
      if (clusters < 1 || clusters > products) {
        throw new IllegalArgumentException(
            "synthetic clusters must be in 1.." + products + ", got " + clusters);
      }
      if (centreRank < 1 || centreRank > dimension || localRank < 1 || localRank > dimension) {
        throw new IllegalArgumentException(
            "synthetic ranks must be in 1.."
                + dimension
                + ", got "
                + centreRank
                + ", "
                + localRank);
      }
      for (double v : new double[] {sizeExponent, anisotropy, spread, noise}) {
        if (!(v >= 0) || Double.isInfinite(v)) {
          throw new IllegalArgumentException(
              "synthetic size exponent, anisotropy, spread and noise must be finite and >= 0");
        }
      }
    }

    /**
     * The defaults used by {@code bench routing}: 384-d, one cluster per ~500 products (at least
     * 16), centre rank 64, local rank 8, size exponent 1.0, anisotropy 0.3, spread 0.6, noise 0.35.
     */
    public static Spec defaults(int products, long seed) {
      int clusters = Math.min(products, Math.max(16, products / 500));
      return new Spec(products, 384, clusters, 64, 8, 1.0, 0.3, 0.6, 0.35, seed);
    }
  }

  private final Spec spec;
  private final float[][] centres;
  private final float[][][] localBases;
  private final int[] clusterOf;
  private final int[] sizes;

  public SyntheticCatalog(Spec spec) {
    if (spec == null) {
      throw new IllegalArgumentException("spec is required");
    }
    this.spec = spec;
    int d = spec.dimension();
    SplittableRandom rnd = new SplittableRandom(spec.seed());
    float[] mean = gaussianUnit(rnd, d);
    float[][] basis = new float[spec.centreRank()][];
    for (int r = 0; r < basis.length; r++) {
      basis[r] = gaussianUnit(rnd, d);
    }
    centres = new float[spec.clusters()][];
    localBases = new float[spec.clusters()][][];
    for (int j = 0; j < spec.clusters(); j++) {
      float[] c = new float[d];
      for (int k = 0; k < d; k++) {
        c[k] = (float) (spec.anisotropy() * mean[k]);
      }
      double s = 1.0 / Math.sqrt(spec.centreRank());
      for (float[] b : basis) {
        double z = rnd.nextGaussian() * s;
        for (int k = 0; k < d; k++) {
          c[k] += (float) (z * b[k]);
        }
      }
      centres[j] = Vectors.normalizeInPlace(c);
      localBases[j] = new float[spec.localRank()][];
      for (int r = 0; r < spec.localRank(); r++) {
        localBases[j][r] = gaussianUnit(rnd, d);
      }
    }
    sizes = powerLawSizes(spec.products(), spec.clusters(), spec.sizeExponent());
    clusterOf = new int[spec.products()];
    int o = 0;
    for (int j = 0; j < sizes.length; j++) {
      for (int i = 0; i < sizes[j]; i++) {
        clusterOf[o++] = j;
      }
    }
    for (int i = clusterOf.length - 1; i > 0; i--) {
      int k = rnd.nextInt(i + 1);
      int t = clusterOf[i];
      clusterOf[i] = clusterOf[k];
      clusterOf[k] = t;
    }
  }

  public Spec spec() {
    return spec;
  }

  /** Products per cluster, largest first. */
  public int[] clusterSizes() {
    return sizes.clone();
  }

  public int clusterOf(int ordinal) {
    return clusterOf[ordinal];
  }

  /** Generates every product vector (unit length), in parallel; deterministic. */
  public float[][] generate() {
    float[][] out = new float[spec.products()][];
    IntStream.range(0, out.length).parallel().forEach(i -> out[i] = product(i));
    return out;
  }

  /** Product {@code ordinal}'s vector: depends only on the spec and the ordinal. */
  public float[] product(int ordinal) {
    int d = spec.dimension();
    SplittableRandom rnd = new SplittableRandom(mix(spec.seed(), ordinal));
    int j = clusterOf[ordinal];
    float[] x = centres[j].clone();
    double s = spec.spread() / Math.sqrt(spec.localRank());
    for (float[] a : localBases[j]) {
      float u = (float) (rnd.nextGaussian() * s);
      for (int k = 0; k < d; k++) {
        x[k] += u * a[k];
      }
    }
    addNoise(x, rnd, spec.noise());
    return Vectors.normalizeInPlace(x);
  }

  /**
   * {@code n} queries from the same distribution: products drawn uniformly with a seeded generator
   * and perturbed by isotropic noise of magnitude {@code perturbation}, unit length.
   *
   * @param products this catalogue's vectors ({@link #generate()})
   */
  public float[][] queries(float[][] products, int n, double perturbation, long seed) {
    if (products == null || products.length != spec.products()) {
      throw new IllegalArgumentException("pass this catalogue's generated products");
    }
    if (n < 0) {
      throw new IllegalArgumentException("query count must be >= 0, got " + n);
    }
    if (!(perturbation >= 0) || Double.isInfinite(perturbation)) {
      throw new IllegalArgumentException("perturbation must be finite and >= 0");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] out = new float[n][];
    for (int q = 0; q < n; q++) {
      float[] x = products[rnd.nextInt(products.length)].clone();
      addNoise(x, rnd, perturbation);
      out[q] = Vectors.normalizeInPlace(x);
    }
    return out;
  }

  /** Power-law sizes summing to {@code n}, each at least 1, largest first. */
  static int[] powerLawSizes(int n, int clusters, double exponent) {
    double[] share = new double[clusters];
    double sum = 0;
    for (int j = 0; j < clusters; j++) {
      share[j] = Math.pow(j + 1, -exponent);
      sum += share[j];
    }
    int[] sizes = new int[clusters];
    int rest = n - clusters;
    double[] frac = new double[clusters];
    int given = 0;
    for (int j = 0; j < clusters; j++) {
      double exact = rest * share[j] / sum;
      sizes[j] = 1 + (int) Math.floor(exact);
      frac[j] = exact - Math.floor(exact);
      given += sizes[j];
    }
    Integer[] byFrac = new Integer[clusters];
    for (int j = 0; j < clusters; j++) {
      byFrac[j] = j;
    }
    Arrays.sort(byFrac, (a, b) -> frac[a] != frac[b] ? Double.compare(frac[b], frac[a]) : a - b);
    for (int i = 0; given < n; i++, given++) {
      sizes[byFrac[i % clusters]]++;
    }
    return sizes;
  }

  private static void addNoise(float[] x, SplittableRandom rnd, double magnitude) {
    if (magnitude == 0) {
      return;
    }
    // uniform in [-1, 1] has variance 1/3; scale to unit expected squared norm over d coordinates
    float s = (float) (magnitude * Math.sqrt(3.0 / x.length));
    for (int k = 0; k < x.length; k++) {
      x[k] += s * (float) (2 * rnd.nextDouble() - 1);
    }
  }

  private static float[] gaussianUnit(SplittableRandom rnd, int d) {
    float[] v = new float[d];
    for (int k = 0; k < d; k++) {
      v[k] = (float) rnd.nextGaussian();
    }
    return Vectors.normalizeInPlace(v);
  }

  private static long mix(long seed, long i) {
    long z = seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
