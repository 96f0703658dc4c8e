package io.moesearch.connectors.message;

import io.moesearch.core.util.Files2;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates cache fills: an HMAC-SHA256 (RFC 2104) over the record value's exact bytes, carried
 * in the Kafka header {@value #HEADER}. The search job and the prewarm job sign what they write;
 * the search job serves only fills whose tag verifies, so a client that may write to the cache-fill
 * topic but does not hold the key cannot put answers into the cache.
 *
 * <p>The key is at least {@value #MIN_KEY_BYTES} bytes, read from a file of hex digits (whitespace
 * ignored). Instances are immutable and thread-safe; the key travels inside the job graph, so
 * protect job submission as you protect the Kafka credentials.
 */
public final class FillSigner implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** The Kafka record header holding the tag. */
  public static final String HEADER = "moe-search-mac";

  /** The shortest key accepted: 256 bits, HMAC-SHA256's block security. */
  public static final int MIN_KEY_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final byte[] key;

  /**
   * @param key the secret, at least {@value #MIN_KEY_BYTES} bytes; copied
   * @throws IllegalArgumentException if the key is missing or too short
   */
  public FillSigner(byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the cache-fill key must have at least "
              + MIN_KEY_BYTES
              + " bytes, got "
              + (key == null ? 0 : key.length));
    }
    this.key = key.clone();
  }

  /** The largest key file read: a key is a few hundred hex digits at most. */
  static final long MAX_KEY_FILE_BYTES = 64 * 1024;

  /**
   * Reads the key file (hex digits), first creating it with a random key and owner-only permissions
   * when it does not exist and {@code create} is set.
   *
   * @throws IllegalArgumentException if the file is missing (and not created), not a regular file,
   *     larger than {@link #MAX_KEY_FILE_BYTES}, unreadable, not hex or too short
   */
  public static FillSigner fromKeyFile(Path file, boolean create) {
    try {
      if (create && !Files.exists(file)) {
        writeNewKey(file);
      }
      String notRegular = Files2.notRegularFile(file); // /dev/zero would be read for ever
      if (notRegular != null) {
        throw new IllegalArgumentException(notRegular);
      }
      if (Files.size(file) > MAX_KEY_FILE_BYTES) {
        throw new IllegalArgumentException(
            "larger than " + MAX_KEY_FILE_BYTES + " bytes: not a key file");
      }
      String hex = Files.readString(file, StandardCharsets.US_ASCII).replaceAll("\\s+", "");
      return new FillSigner(HexFormat.of().parseHex(hex));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the key file " + file + ": " + e, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static void writeNewKey(Path file) throws IOException {
    byte[] key = new byte[MIN_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, ".cache-fill-key", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep the default permissions
      }
      Files.writeString(tmp, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII);
      try {
        Files.createLink(file, tmp); // atomic and fails if another process created it first
      } catch (FileAlreadyExistsException e) {
        // another process won the race: use its key
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The tag of {@code value}: 32 bytes. */
  public byte[] sign(byte[] value) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return mac.doFinal(value);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available", e);
    }
  }

  /** True when {@code tag} is {@code value}'s tag (compared in constant time); false for null. */
  public boolean verify(byte[] value, byte[] tag) {
    return value != null && tag != null && MessageDigest.isEqual(sign(value), tag);
  }
}
