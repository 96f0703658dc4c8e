package io.moesearch.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes figures as JSON for {@code --json FILE}. */
final class Json {
  private Json() {}

  static void write(String file, Object value) throws IOException {
    if (file == null) {
      return;
    }
    Path p = Path.of(file);
    if (p.getParent() != null) {
      Files.createDirectories(p.getParent());
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(p.toFile(), value);
    System.out.println("figures written to " + p);
  }
}
