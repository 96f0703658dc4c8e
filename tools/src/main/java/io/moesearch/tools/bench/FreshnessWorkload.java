package io.moesearch.tools.bench;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * The seeded workload of {@code moe-search bench freshness}: catalogue updates at U/s drawn from
 * the shipped catalogue (each catalogue product changed at most once), and a query stream at Q/s in
 * which probe queries of a tracked share of the updates are interleaved with background queries.
 *
 * <p>A probe is the changed product's own title (a new product's or a new text's title; for an
 * out-of-stock patch with the {@code in_stock} filter), asked at fixed offsets after the update is
 * scheduled ({@link #PROBE_OFFSETS_MS}); a delete or stock-out is also probed once before it, so an
 * absence afterwards can be told from a product its title never found. Everything is planned in
 * advance (deterministic for a seed); {@link FreshnessTimeline} matches the answers to the updates.
 */
public final class FreshnessWorkload {
  /** Probe times after an update's scheduled send (ms). */
  public static final long[] PROBE_OFFSETS_MS = {
    100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000, 1_200, 1_500, 2_000, 3_000, 5_000, 8_000,
    13_000, 21_000, 34_000, 55_000
  };

  /** Time of the probe sent before a delete or stock-out (ms before the update). */
  public static final long PRE_PROBE_MS = 500;

  /** What an update changes. */
  public enum Kind {
    NEW_PRODUCT,
    TEXT_CHANGE,
    PRICE_PATCH,
    STOCK_OUT,
    DELETE
  }

  /**
   * One planned update; {@link #at} makes the message with its produce time.
   *
   * @param index position in the update stream
   * @param kind what changes
   * @param productId the product changed (a new id for {@link Kind#NEW_PRODUCT})
   * @param product the upserted product, {@code null} for a patch or delete
   * @param price the patched price ({@link Kind#PRICE_PATCH}), else {@code null}
   * @param probeText the text whose answer shows the change (the product's title after it)
   * @param tracked whether probes measure this update
   */
  public record Planned(
      int index,
      Kind kind,
      String productId,
      Product product,
      Double price,
      String probeText,
      boolean tracked) {
    public Planned {
      if (index < 0) {
        throw new IllegalArgumentException("index must be >= 0, got " + index);
      }
      if (kind == null || productId == null || probeText == null) {
        throw new IllegalArgumentException("kind, productId and probeText are required");
      }
      if ((product != null) != (kind == Kind.NEW_PRODUCT || kind == Kind.TEXT_CHANGE)) {
        throw new IllegalArgumentException("an upsert (and only an upsert) carries a product");
      }
      if ((price != null) != (kind == Kind.PRICE_PATCH)) {
        throw new IllegalArgumentException("a price patch (and only it) carries a price");
      }
    }

    /** The update message, produced at {@code ts}. */
    public CatalogUpdate at(long ts) {
      return switch (kind) {
        case NEW_PRODUCT, TEXT_CHANGE -> CatalogUpdate.upsert(product, true, ts);
        case PRICE_PATCH -> CatalogUpdate.patch(productId, price, null, ts);
        case STOCK_OUT -> CatalogUpdate.patch(productId, null, false, ts);
        case DELETE -> CatalogUpdate.delete(productId, ts);
      };
    }

    /** Whether the probe asks with the {@code in_stock} filter. */
    public boolean probeInStock() {
      return kind == Kind.STOCK_OUT;
    }

    /** Whether the change takes the product out of answers (probed before it too). */
    public boolean removes() {
      return kind == Kind.DELETE || kind == Kind.STOCK_OUT;
    }
  }

  /**
   * The planned run.
   *
   * @param updates the update stream, in send order
   * @param updatesBefore for each query slot, how many updates are sent before it
   * @param queries the query stream, in send order
   * @param probeOf query id → index of the update it probes (probes only)
   */
  public record Plan(
      List<Planned> updates,
      int[] updatesBefore,
      List<SearchQuery> queries,
      Map<String, Integer> probeOf) {
    public Plan {
      if (updatesBefore.length != queries.size()) {
        throw new IllegalArgumentException("one updatesBefore entry per query");
      }
      updates = List.copyOf(updates);
      queries = List.copyOf(queries);
      probeOf = Map.copyOf(probeOf);
    }

    /** Number of probe queries. */
    public int probes() {
      return probeOf.size();
    }
  }

  /**
   * Settings of a plan.
   *
   * @param updatesPerSec U, > 0
   * @param queriesPerSec Q, > 0
   * @param seconds how long updates stream
   * @param tailSeconds how long queries continue after the last update (late probes)
   * @param trackedShare share of the updates probed, in (0, 1]
   * @param probeShare at most this share of the query stream is probes, in (0, 1]
   * @param seed seeds the mix, the products drawn and the tracked sample
   */
  public record Settings(
      double updatesPerSec,
      double queriesPerSec,
      int seconds,
      int tailSeconds,
      double trackedShare,
      double probeShare,
      long seed) {
    public Settings {
      if (!(updatesPerSec > 0) || !(queriesPerSec > 0)) {
        throw new IllegalArgumentException("update and query rates must be > 0");
      }
      if (seconds < 1 || tailSeconds < 0) {
        throw new IllegalArgumentException("seconds must be >= 1 and tailSeconds >= 0");
      }
      if (!(trackedShare > 0 && trackedShare <= 1) || !(probeShare > 0 && probeShare <= 1)) {
        throw new IllegalArgumentException("trackedShare and probeShare must be in (0, 1]");
      }
    }

    /**
     * The tracked share that keeps the probes within {@code probeShare} of the stream: probes
     * planned per tracked update (those inside the run) times tracked updates per second.
     */
    public static double autoTrackedShare(
        double updatesPerSec, double queriesPerSec, int seconds, int tailSeconds, double share) {
      long horizon = (seconds + tailSeconds) * 1000L;
      int perUpdate = 0;
      for (long o : PROBE_OFFSETS_MS) {
        if (o <= horizon / 2) {
          perUpdate++;
        }
      }
      perUpdate++; // the pre-probe of a removal (half the mix's share, rounded up)
      return Math.min(1, share * queriesPerSec / (updatesPerSec * perUpdate));
    }
  }

  private FreshnessWorkload() {}

  /** Plans updates and queries. {@code background} makes the non-probe queries (given their id). */
  public static Plan plan(Catalog catalog, Settings s, Function<String, SearchQuery> background) {
    Random random = new Random(s.seed());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < catalog.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    int n = (int) Math.round(s.updatesPerSec() * s.seconds());
    if (n > catalog.size()) {
      throw new IllegalArgumentException(
          n + " updates would change some products twice; the catalogue has " + catalog.size());
    }
    Kind[] kinds = Kind.values();
    List<Planned> updates = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Product p = catalog.get(order.get(i));
      Kind kind = kinds[random.nextInt(kinds.length)];
      boolean tracked = random.nextDouble() < s.trackedShare();
      String code = code(random, i);
      double priceFactor = kind == Kind.PRICE_PATCH ? 0.5 + random.nextDouble() : 1;
      updates.add(change(i, kind, p, "fresh-" + s.seed() + "-" + i, code, priceFactor, tracked));
    }
    return schedule(updates, s, background);
  }

  /**
   * Updates for warming the JVM up before the measured phases (untracked), of products that neither
   * {@code plan} changes nor {@code control} asks for (by title), so that the phases' probes and
   * control probes mean what they meant.
   *
   * <p>{@code count} updates cycle over a pool of at most {@code products} catalogue products
   * (fewer if the catalogue runs out), so a warm-up as long as the JIT needs keeps the update path
   * as hot as the measured phase does while the live delta it leaves stays bounded: at most two
   * entries per pool product (the product and its new copy). Pool product {@code j} gets, in cycle
   * {@code c}, kind {@code (j + c) mod 5} in {@link Kind} order: a new copy of it (id {@code
   * warm-<seed>-j}, token {@code qw…}), a text change (an upsert: it brings the product back after
   * a delete), a price patch, a stock-out, a delete; so no patch ever names a deleted product.
   *
   * @param count updates wanted, >= 0
   * @param products largest pool, >= 1
   */
  public static List<Planned> warmUpUpdates(
      Catalog catalog, Plan plan, List<SearchQuery> control, int count, int products, long seed) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    if (products < 1) {
      throw new IllegalArgumentException("products must be >= 1, got " + products);
    }
    Set<String> changed = new HashSet<>();
    for (Planned u : plan.updates()) {
      changed.add(u.productId());
    }
    Set<String> asked = new HashSet<>();
    for (SearchQuery q : control) {
      asked.add(q.text());
    }
    List<Product> free = new ArrayList<>();
    for (int i = 0; i < catalog.size(); i++) {
      Product p = catalog.get(i);
      if (!changed.contains(p.id()) && !asked.contains(p.title()) && !p.title().isBlank()) {
        free.add(p);
      }
    }
    if (free.isEmpty()) {
      return List.of();
    }
    Random random = new Random(seed ^ 0x3C6EF372L);
    Collections.shuffle(free, random);
    int pool = Math.min(products, free.size());
    Kind[] kinds = Kind.values();
    List<Planned> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int j = i % pool;
      Kind kind = kinds[(j + i / pool) % kinds.length];
      String code = code("qw", random, i);
      out.add(change(i, kind, free.get(j), "warm-" + seed + "-" + j, code, 0.9, false));
    }
    return out;
  }

  /**
   * Update {@code index} of {@code kind} to the catalogue product {@code p}: a new product is a
   * copy of it under {@code freshId} with {@code code} in its title and as its model; a text change
   * appends {@code code} to its title; a price patch multiplies its price (100 where it has none)
   * by {@code priceFactor}, rounded to cents, plus one cent (so it always changes); a stock-out or
   * delete names it.
   */
  private static Planned change(
      int index,
      Kind kind,
      Product p,
      String freshId,
      String code,
      double priceFactor,
      boolean tracked) {
    return switch (kind) {
      case NEW_PRODUCT -> {
        Product fresh =
            new Product(
                freshId,
                p.title() + " " + code,
                p.brand(),
                code,
                p.description(),
                p.price(),
                p.attributes());
        yield new Planned(index, kind, fresh.id(), fresh, null, fresh.title(), tracked);
      }
      case TEXT_CHANGE -> {
        Product changed =
            new Product(
                p.id(),
                p.title() + " " + code,
                p.brand(),
                p.model(),
                p.description(),
                p.price(),
                p.attributes());
        yield new Planned(index, kind, p.id(), changed, null, changed.title(), tracked);
      }
      case PRICE_PATCH -> {
        double old = p.price() == null ? 100 : p.price();
        double price = Math.round(old * priceFactor * 100) / 100.0 + 0.01;
        yield new Planned(index, kind, p.id(), null, price, p.title(), tracked);
      }
      case STOCK_OUT, DELETE -> new Planned(index, kind, p.id(), null, null, p.title(), tracked);
    };
  }

  /** A unique, letters-only token (so the analyzer keeps it whole): "qz" + index in base 26. */
  private static String code(Random random, int index) {
    return code("qz", random, index);
  }

  /**
   * A unique letters-only token (the analyzer keeps it whole): {@code prefix}, {@code index} in
   * base 26, and three seeded letters.
   */
  static String code(String prefix, Random random, int index) {
    StringBuilder sb = new StringBuilder(prefix);
    int v = index;
    do {
      sb.append((char) ('a' + v % 26));
      v /= 26;
    } while (v > 0);
    for (int k = 0; k < 3; k++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }

  /** Update {@code i} is due at {@code i / U} s; probes fill query slots once due. */
  static Plan schedule(
      List<Planned> updates, Settings s, Function<String, SearchQuery> background) {
    long horizonMs = (s.seconds() + s.tailSeconds()) * 1000L;
    record Due(long atMs, int update, int seq, boolean pre) {}
    List<Due> due = new ArrayList<>();
    for (Planned u : updates) {
      if (!u.tracked()) {
        continue;
      }
      long t = updateAtMs(u.index(), s);
      int seq = 0;
      if (u.removes() && t >= PRE_PROBE_MS) {
        due.add(new Due(t - PRE_PROBE_MS, u.index(), seq++, true));
      }
      for (long o : PROBE_OFFSETS_MS) {
        if (t + o < horizonMs) {
          due.add(new Due(t + o, u.index(), seq++, false));
        }
      }
    }
    due.sort(Comparator.comparingLong(Due::atMs).thenComparingInt(Due::update));
    int slots = (int) Math.round(s.queriesPerSec() * horizonMs / 1000.0);
    int[] before = new int[slots];
    List<SearchQuery> queries = new ArrayList<>(slots);
    Map<String, Integer> probeOf = new HashMap<>();
    Filters inStock = new Filters(null, null, null, true);
    int next = 0;
    int sent = 0;
    int probes = 0;
    for (int k = 0; k < slots; k++) {
      long slotMs = (long) Math.floor(k * 1000.0 / s.queriesPerSec());
      while (sent < updates.size() && updateAtMs(sent, s) <= slotMs) {
        sent++;
      }
      before[k] = sent;
      // A pre-probe that the cap delayed past its update is useless: drop it.
      while (next < due.size() && due.get(next).pre() && due.get(next).update() < sent) {
        next++;
      }
      if (next < due.size()
          && due.get(next).atMs() <= slotMs
          && probes < s.probeShare() * (k + 1)) {
        Due d = due.get(next++);
        Planned u = updates.get(d.update());
        String id = "probe-" + u.index() + "-" + d.seq();
        queries.add(
            new SearchQuery(id, u.probeText(), 10, u.probeInStock() ? inStock : null, 0, null));
        probeOf.put(id, u.index());
        probes++;
      } else {
        queries.add(background.apply("bg-" + k));
      }
    }
    return new Plan(updates, before, queries, probeOf);
  }

  /**
   * The query stream of the phase without updates, {@code slots} long: the plan's stream with every
   * probe replaced by the same query (same slot, same filter) for a product the plan never changes
   * (one per probed update, drawn with {@code seed}), the other slots from {@code background}. So
   * both phases put the same mix on the job (probes are mostly never-seen titles, repeated at the
   * probe offsets), and the one without updates differs only by their absence.
   *
   * @return the queries; a control probe's id starts with {@code "control-"}
   * @throws IllegalArgumentException if {@code slots} exceeds the plan's stream or the catalogue
   *     has fewer unchanged products than probed updates
   */
  public static List<SearchQuery> control(
      Plan plan, Catalog catalog, int slots, long seed, Function<String, SearchQuery> background) {
    if (slots < 0 || slots > plan.queries().size()) {
      throw new IllegalArgumentException(
          "slots must be in 0.." + plan.queries().size() + ", got " + slots);
    }
    Set<String> changed = new HashSet<>();
    for (Planned u : plan.updates()) {
      changed.add(u.productId());
    }
    List<Product> unchanged = new ArrayList<>();
    for (int i = 0; i < catalog.size(); i++) {
      Product p = catalog.get(i);
      if (!changed.contains(p.id()) && !p.title().isBlank()) {
        unchanged.add(p);
      }
    }
    Collections.shuffle(unchanged, new Random(seed));
    Map<Integer, Product> standIn = new HashMap<>();
    List<SearchQuery> out = new ArrayList<>(slots);
    for (int k = 0; k < slots; k++) {
      SearchQuery q = plan.queries().get(k);
      Integer update = plan.probeOf().get(q.queryId());
      if (update == null) {
        out.add(background.apply("base-" + k));
        continue;
      }
      if (!standIn.containsKey(update) && standIn.size() == unchanged.size()) {
        throw new IllegalArgumentException(
            "the catalogue has too few unchanged products for the control probes");
      }
      Product p = standIn.computeIfAbsent(update, u -> unchanged.get(standIn.size()));
      out.add(new SearchQuery("control-" + k, p.title(), q.topK(), q.filters(), 0, null));
    }
    return out;
  }

  /** When update {@code index} is due, ms after the stream starts. */
  public static long updateAtMs(int index, Settings s) {
    return (long) Math.ceil(index * 1000.0 / s.updatesPerSec());
  }
}
