package io.moesearch.tools.bench;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.core.catalog.Product;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The live catalogue's part of {@code bench chaos}: a seeded stream of catalogue updates sent while
 * processes are killed, and the check at the end that none was lost. Update {@code i} lists a new
 * product (id {@code <prefix>-<i>}) whose title is two unique letters-only tokens and a fixed tail
 * (so that only its own title finds it, and no query of the query stream does); every third update
 * instead deletes a product listed at least {@link #MIN_AGE} updates earlier and not yet deleted.
 * After the faults each listed product is asked for by its title: a live one must be in the answer,
 * a deleted one must not ({@link #verdict}).
 */
public final class CatalogChurn {
  /** Fewest updates between a product's listing and its delete. */
  static final int MIN_AGE = 3;

  /** One planned update: the message, and the product it lists or deletes. */
  public record Step(CatalogUpdate.Op op, String productId, Product product) {
    public Step {
      if (op == null || productId == null) {
        throw new IllegalArgumentException("op and productId are required");
      }
      if ((product != null) != (op == CatalogUpdate.Op.UPSERT)) {
        throw new IllegalArgumentException("an upsert (and only an upsert) carries a product");
      }
    }

    /** The update message, produced at {@code ts}. */
    public CatalogUpdate at(long ts) {
      return op == CatalogUpdate.Op.UPSERT
          ? CatalogUpdate.upsert(product, true, ts)
          : CatalogUpdate.delete(productId, ts);
    }
  }

  /**
   * What the probes at the end found.
   *
   * @param listed products listed (and not deleted) when the updates stopped
   * @param deleted products listed and then deleted
   * @param probesAnswered products whose probe had a full answer (not cut by the job under load)
   * @param listedMissing live products their own title did not find: lost upserts
   * @param deletedServed deleted products their title still found: lost deletes
   */
  public record Verdict(
      int listed, int deleted, int probesAnswered, int listedMissing, int deletedServed) {}

  private final String prefix;
  private final Random random;
  private final List<String> live = new ArrayList<>();
  private final Map<String, String> titles = new LinkedHashMap<>();
  private final Set<String> deleted = new LinkedHashSet<>();
  private int next;

  /**
   * @param prefix the listed products' id prefix (one per run, so runs never share a product)
   * @param seed the seed of the tokens and of which product a delete takes
   */
  public CatalogChurn(String prefix, long seed) {
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException("prefix is required");
    }
    this.prefix = prefix;
    this.random = new Random(seed);
  }

  /** The next update: every third one a delete once a product is old enough, else a listing. */
  public synchronized Step next() {
    int i = next++;
    if (i % 3 == 2 && live.size() > MIN_AGE) {
      String id = live.remove(random.nextInt(live.size() - MIN_AGE));
      deleted.add(id);
      return new Step(CatalogUpdate.Op.DELETE, id, null);
    }
    String id = prefix + "-" + i;
    String title =
        FreshnessWorkload.code("qx", random, i)
            + " "
            + FreshnessWorkload.code("qy", random, i)
            + " chaos probe";
    Product p = new Product(id, title, "Chaosbrand", "", "", 9.99, Map.of());
    live.add(id);
    titles.put(id, title);
    return new Step(CatalogUpdate.Op.UPSERT, id, p);
  }

  /** Every product listed so far (deleted ones included) and its title: what the probes ask. */
  public synchronized Map<String, String> probes() {
    return Map.copyOf(titles);
  }

  /**
   * The probes' verdict.
   *
   * @param answers the product ids of each probe's answer, by the product probed; a product without
   *     an entry was not answered
   */
  public synchronized Verdict verdict(Map<String, ? extends Collection<String>> answers) {
    int answered = 0;
    int missing = 0;
    int served = 0;
    for (String id : titles.keySet()) {
      Collection<String> items = answers.get(id);
      if (items == null) {
        continue;
      }
      answered++;
      if (deleted.contains(id)) {
        served += items.contains(id) ? 1 : 0;
      } else {
        missing += items.contains(id) ? 0 : 1;
      }
    }
    return new Verdict(live.size(), deleted.size(), answered, missing, served);
  }
}
