package io.moesearch.tools.cli;

import io.moesearch.jobs.config.AllOptions;
import java.util.EnumSet;
import java.util.ListResourceBundle;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement;

/**
 * The help of the flags that set one setting, from the setting itself: picocli looks an option's
 * description up by its {@code descriptionKey}, which for those flags is the setting's key (see
 * {@link CommonOptions}). So the help shows the setting's own description, key and default.
 */
final class ConfigHelp extends ListResourceBundle {
  @Override
  protected Object[][] getContents() {
    return AllOptions.list().stream()
        .map(o -> new Object[] {o.key(), help(o)})
        .toArray(Object[][]::new);
  }

  /** E.g. "Number of experts N. (index.experts, default: 128)". */
  static String help(ConfigOption<?> option) {
    String def = option.hasDefaultValue() ? String.valueOf(option.defaultValue()) : "";
    String text =
        new PlainText().format(option.description())
            + " ("
            + option.key()
            + ", default: "
            + (def.isEmpty() ? "none" : def)
            + ")";
    // picocli formats descriptions (%n) and expands ${...}
    return text.replace("%", "%%").replace("${", "$${");
  }

  /** Flink's descriptions as plain text. */
  private static final class PlainText extends Formatter {
    @Override
    protected void formatLink(StringBuilder state, String link, String description) {
      state.append(description).append(" (").append(link).append(')');
    }

    @Override
    protected void formatLineBreak(StringBuilder state) {
      state.append(' ');
    }

    @Override
    protected void formatText(
        StringBuilder state,
        String format,
        String[] elements,
        EnumSet<TextElement.TextStyle> styles) {
      state.append(String.format(format, (Object[]) elements));
    }

    @Override
    protected void formatList(StringBuilder state, String[] entries) {
      state.append(String.join("; ", entries));
    }

    @Override
    protected Formatter newInstance() {
      return new PlainText();
    }
  }
}
