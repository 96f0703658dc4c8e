package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FillSignerTest {
  /** A key file is created on first use and read back as the same key. */
  @Test
  void aKeyFileIsCreatedOnceAndReadBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys/fill.key");
    FillSigner created = FillSigner.fromKeyFile(file, true);
    FillSigner read = FillSigner.fromKeyFile(file, false);
    byte[] value = "{\"text\":\"usb hub\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(read.sign(value)).isEqualTo(created.sign(value));
  }

  /**
   * Only a small regular file is read as a key: a device such as /dev/zero would be read for ever,
   * a directory not at all; each fails at start-up naming the file.
   */
  @Test
  void onlyASmallRegularFileIsAKeyFile(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> FillSigner.fromKeyFile(dir, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a regular file");
    if (Files.exists(Path.of("/dev/zero"))) {
      assertThatThrownBy(() -> FillSigner.fromKeyFile(Path.of("/dev/zero"), false))
          .hasMessageContaining("/dev/zero")
          .hasMessageContaining("not a regular file");
    }
    Path big = dir.resolve("big.key");
    Files.writeString(big, "ab".repeat(40_000));
    assertThatThrownBy(() -> FillSigner.fromKeyFile(big, false))
        .hasMessageContaining("not a key file");
  }
}
