package io.moesearch.jobs.config;

/** A configuration error; its message names the setting. */
public class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}
