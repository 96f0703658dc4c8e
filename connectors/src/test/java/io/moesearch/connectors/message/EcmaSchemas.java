package io.moesearch.connectors.message;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Loads the published JSON Schemas with their {@code pattern}s read as ECMA-262 reads them, as the
 * JSON Schema specification requires: the validator's default (the JDK's regex) reads {@code \s} as
 * ASCII white space only, so a value of no-break spaces passed {@code "\S"} in the tests while a
 * conforming validator refuses it, and a codec/schema disagreement on it went unseen.
 */
final class EcmaSchemas {
  private EcmaSchemas() {}

  /**
   * ECMA-262's WhiteSpace and LineTerminator (its {@code \s}): TAB, VT, FF, ZWNBSP, every Zs
   * character, LF, CR, LS and PS.
   */
  static final String ECMA_WHITE_SPACE =
      "\\t\\n\\u000B\\f\\r\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F"
          + "\\u3000\\uFEFF";

  /**
   * A pattern's Java form: {@code \s} and {@code \S} become ECMA-262's classes ({@code \s} also
   * inside a character class; {@code \S} there is refused, the schemas use none); the rest of the
   * syntax they use ({@code \\uXXXX}, ranges, anchors) means the same in both.
   */
  static String toJava(String ecma) {
    StringBuilder out = new StringBuilder();
    boolean inClass = false;
    for (int i = 0; i < ecma.length(); i++) {
      char c = ecma.charAt(i);
      if (c == '\\' && i + 1 < ecma.length()) {
        char next = ecma.charAt(++i);
        if (next == 's') {
          out.append(inClass ? ECMA_WHITE_SPACE : "[" + ECMA_WHITE_SPACE + "]");
        } else if (next == 'S') {
          if (inClass) {
            throw new IllegalArgumentException("\\S inside a character class: " + ecma);
          }
          out.append("[^").append(ECMA_WHITE_SPACE).append(']');
        } else {
          out.append(c).append(next);
        }
      } else {
        if (c == '[' && !inClass) {
          inClass = true;
        } else if (c == ']' && inClass) {
          inClass = false;
        }
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Patterns searched for anywhere in a value (ECMA-262 {@code test}), as JSON Schema says. */
  static final RegularExpressionFactory ECMA_REGEX =
      regex -> {
        Pattern p = Pattern.compile(toJava(regex));
        return value -> p.matcher(value).find();
      };

  /** The schema {@code docs/schemas/<file>}, its patterns read as ECMA-262. */
  static JsonSchema load(String file) {
    try {
      String text = Files.readString(Path.of("..", "docs", "schemas", file));
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(
              text, SchemaValidatorsConfig.builder().regularExpressionFactory(ECMA_REGEX).build());
    } catch (Exception e) {
      throw new AssertionError("cannot load schema " + file, e);
    }
  }
}
