package io.moesearch.core.embed;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.testing.SmallIndex;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model reads a text's first {@code embedder.max-tokens} tokens, but its tokenizer reads all of
 * it first, and a hostile text makes that costly: WordPiece matches a word's pieces greedily,
 * longest first, so a word of up to its 100-character limit costs time in the cube of its length. A
 * catalogue upsert of 64 KB of 99-letter nonsense words ("qxzj...") took ~260 ms to embed, 37 times
 * a real product (~7 ms), and {@code embed-products} holds up to 512 upserts at once (from {@code
 * batch.max-size} 128) under a 60 s async timeout that fails its task on purpose: 512 such upserts
 * took ~130 s, so the task failed, and again on every replay of them (the 128 held at the default
 * batch size ~33 s, beside one busy thread on two cores; 7 s now). The text given to the model is
 * cut to what its tokens can cover, so its cost is bounded by the tokens read, and every token the
 * model reads of a natural text is kept.
 */
class EmbedderInputBoundsTest {
  private static final int MAX_TOKENS = EmbedderConfig.bundled().maxTokens();

  /** 32 characters a token the model reads: 4,096 at the default 128 tokens. */
  private static final int BOUND = 32 * MAX_TOKENS;

  /** Hostile searchable texts, each as large as a catalogue update may carry (64 KiB). */
  static Stream<String> hostile() {
    Random random = new Random(8);
    StringBuilder words = new StringBuilder();
    while (words.length() < 63_000) {
      for (int i = 0; i < 99; i++) {
        words.append("qxzj".charAt(random.nextInt(4)));
      }
      words.append(' ');
    }
    return Stream.of(
        words.toString(),
        "!".repeat(65_000),
        "a!".repeat(32_000),
        "\u4e00".repeat(21_000),
        "x".repeat(65_000),
        " ".repeat(60_000) + "cable",
        "\ud83d\ude00".repeat(16_000));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void theModelIsGivenNoMoreThanItsTokensCanCover(String text) {
    assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64 * 1024);
    String given = EmbeddingModel.modelText(text, MAX_TOKENS);
    assertThat(given.length()).isLessThanOrEqualTo(BOUND);
    assertThat(text).startsWith(given);
    assertThat(Character.isHighSurrogate(given.charAt(given.length() - 1))).isFalse();
  }

  @Test
  void aTextTheTokensCanCoverIsGivenWhole() {
    String text = "HP 410A Cyan Toner Cartridge CF411A. HP. CF411A";
    assertThat(EmbeddingModel.modelText(text, MAX_TOKENS)).isSameAs(text);
    String longest = "a ".repeat(BOUND / 2);
    assertThat(EmbeddingModel.modelText(longest, MAX_TOKENS)).isSameAs(longest);
  }

  /**
   * Every token the model reads of a natural text is one of the cut: the first {@code max-tokens}
   * word pieces of every shipped product's text (its longest reach them within 624 characters), and
   * of long texts of their words, are the same whole or cut.
   */
  @Test
  void theTokensTheModelReadsOfNaturalTextAreKept() throws Exception {
    List<String> texts = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    for (Product p :
        new CatalogLoader(BadLinePolicy.FAIL, b -> {})
            .loadUnchecked(SmallIndex.shippedCatalogue())
            .products()) {
      texts.add(p.searchableText());
      if (all.length() < 200_000) {
        all.append(p.searchableText()).append(' ');
      }
    }
    for (int n : new int[] {BOUND - 1, BOUND, BOUND + 1, 2 * BOUND, 20_000, 65_000}) {
      texts.add(all.substring(0, n));
      texts.add(all.substring(100_000, 100_000 + n).replace(' ', '\n'));
    }
    try (InputStream json =
            EmbeddingModel.class
                .getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json");
        HuggingFaceTokenizer tokenizer =
            HuggingFaceTokenizer.newInstance(
                json,
                Map.of(
                    "maxLength", Integer.toString(MAX_TOKENS),
                    "truncation", "true",
                    "padding", "true"))) {
      int cut = 0;
      for (String text : texts) {
        String given = EmbeddingModel.modelText(text, MAX_TOKENS);
        cut += given.length() < text.length() ? 1 : 0;
        assertThat(tokenizer.encode(given).getIds())
            .as("%s...", text.substring(0, Math.min(60, text.length())))
            .isEqualTo(tokenizer.encode(text).getIds());
      }
      assertThat(cut).isGreaterThanOrEqualTo(8);
    }
  }
}
