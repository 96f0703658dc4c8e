package io.moesearch.jobs.index;

import io.moesearch.core.artifact.ArtifactLayout;
import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.VectorStore;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Writes one expert's Lucene HNSW index into the artifact directory; emits the expert id. The
 * shared files (the catalogue copy, vectors and the expert membership) must already be written.
 */
public final class WriteExpertIndex extends RichMapFunction<Integer, Integer> {
  private final String artifactDir;
  private final IndexBuildSettings settings;

  private transient Catalog catalog;
  private transient VectorStore vectors;
  private transient int[][] members;

  public WriteExpertIndex(String artifactDir, IndexBuildSettings settings) {
    this.artifactDir = artifactDir;
    this.settings = settings;
  }

  @Override
  public void open(OpenContext ctx) throws Exception {
    Path dir = Path.of(artifactDir);
    catalog = IndexBuilder.readCatalog(dir);
    vectors = VectorStore.read(dir.resolve(ArtifactLayout.VECTORS));
    members = IndexBuilder.readMembers(dir);
  }

  @Override
  public Integer map(Integer expert) throws Exception {
    IndexBuilder.writeExpert(
        Path.of(artifactDir), expert, members[expert], catalog, vectors, settings);
    return expert;
  }
}
