package io.moesearch.core.artifact;

import java.nio.file.Path;

/** File names inside an artifact directory. */
public final class ArtifactLayout {
  private ArtifactLayout() {}

  public static final String MANIFEST = "manifest.json";
  public static final String VECTORS = "vectors.f32";
  public static final String GATE = "gate.f32";
  public static final String IDS = "ids.txt";

  /** Expert membership lists: which product ordinals each expert holds. */
  public static final String MEMBERS = "members.bin";

  public static final String LEXICAL = "lexical";

  /** In an artifact root: the name of the newest version directory. */
  public static final String LATEST = "LATEST";

  public static String expertDir(int expert) {
    return "experts/" + String.format("%04d", expert);
  }

  public static Path expertPath(Path artifact, int expert) {
    return artifact.resolve(expertDir(expert));
  }
}
