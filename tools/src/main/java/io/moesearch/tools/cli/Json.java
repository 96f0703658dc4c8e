package io.moesearch.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes figures as JSON for {@code --json FILE}. */
final class Json {
  private Json() {}

  /** {@link #write(String, String, Object)} for {@code --json}. */
  static void write(String file, Object value) {
    write("--json", file, value);
  }

  /**
   * Writes {@code value} as indented JSON to {@code file} (nothing when it is null), creating its
   * directory.
   *
   * @throws OutputException naming {@code flag} and the file when it cannot be written
   */
  static void write(String flag, String file, Object value) {
    if (file == null) {
      return;
    }
    byte[] json;
    try {
      json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("figures that are not JSON: " + e.getMessage(), e);
    }
    writeBytes(flag, file, json);
    System.out.println("figures written to " + file);
  }

  /**
   * Writes {@code bytes} to {@code file}, creating its directory.
   *
   * @throws OutputException naming {@code flag} and the file when it cannot be written (a full
   *     disk, a directory that went away)
   */
  static void writeBytes(String flag, String file, byte[] bytes) {
    Path p = Path.of(file);
    try {
      if (p.getParent() != null) {
        Files.createDirectories(p.getParent());
      }
      Files.write(p, bytes);
    } catch (IOException e) {
      String why =
          e instanceof FileSystemException f && f.getReason() != null
              ? f.getReason()
              : e.getMessage() != null ? e.getMessage() : e.toString();
      throw new OutputException(flag + ": cannot write " + p + ": " + why, e);
    }
  }

  /** An output file that could not be written: one line naming its flag and the file. */
  static final class OutputException extends RuntimeException {
    OutputException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
