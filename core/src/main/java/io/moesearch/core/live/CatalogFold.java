package io.moesearch.core.live;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertPlacement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Folds catalogue updates into a catalogue, Flink-free: what {@code index compact} writes as the
 * next artifact version. Each update is decided by the running job's own rule ({@link
 * CatalogChanges}: {@code ts} order per product, stale updates ignored, patches of deleted products
 * kept by the deleted state, updates of unknown products ignored but remembered, so an older upsert
 * read after them is stale or takes the newer patch's values), so the folded catalogue is the one
 * the job serves. What is remembered of unknown products lasts for this fold (the job keeps it for
 * {@code catalog.tombstone-ttl-ms}); it is not written into the version, so an older upsert that
 * the next compaction reads is not recognised as older than such an update this one read. Updates
 * must be given in the order the job applies them: per product, topic offset order.
 *
 * <p>A product folded by an earlier compaction starts at its folded state, as the job holds it: its
 * version and, from a base that wrote them ({@link Parts}), the {@code ts} that set its existence,
 * price and stock (an update must be newer than the part it sets); from a base that did not, every
 * part at the version. Deleted when the base catalogue no longer holds it, with the price and stock
 * that patches newer than the delete left ({@link Parts}).
 */
public final class CatalogFold {
  /**
   * The vector of a {@code LIVE} entry while folding: the fold decides on ids and timestamps only;
   * the compaction embeds the folded products afterwards.
   */
  private static final float[] NOT_EMBEDDED = new float[0];

  private final CatalogChanges rule;
  private final LinkedHashMap<String, Product> products;
  private final Map<String, DeltaEntry> current = new HashMap<>();

  /**
   * What the rule remembers of updates it did not apply (unknown products), for the fold's length,
   * as the running job keeps it for {@code catalog.tombstone-ttl-ms}.
   */
  private final Map<String, Unapplied> unapplied = new HashMap<>();

  private final Map<String, Long> folded;

  /**
   * Base products folded without their parts (a base written before {@link Parts}): every part is
   * read at the folded version, so whether the product was upserted there is not known. An upsert
   * at that {@code ts} is stale for them, as before the order at equal {@code ts}: the job's state,
   * if it applied it, is then of a newer version than the folded one and is served.
   */
  private final Set<String> partsUnknown = new HashSet<>();

  private final Map<CatalogChanges.Outcome, Integer> outcomes = new HashMap<>();
  private final Set<String> changed = new HashSet<>();

  /**
   * @param base the base version's products, in ordinal order ({@link Product#inStock} is their
   *     stock)
   * @param baseFolded the base version's folded {@code ts} by product id (empty for a built one)
   * @param assigner the base version's assignment (the rule needs one; the fold does not assign)
   * @param placement the base version's layout
   */
  public CatalogFold(
      List<Product> base,
      Map<String, Long> baseFolded,
      ExpertAssigner assigner,
      ExpertPlacement placement) {
    this(base, baseFolded, Map.of(), assigner, placement);
  }

  /**
   * When the parts of a folded product's state were set: the {@code ts} of the upsert or delete it
   * rests on, of its price and of its stock ({@link DeltaEntry#ARTIFACT_TS}: the artifact's); and
   * for a deleted product the price ({@code null}: none) and stock that patches newer than the
   * delete set (a re-listing older than them takes them), which no catalogue holds.
   */
  public record Parts(long existsTs, long priceTs, long stockTs, Double price, boolean inStock) {
    public Parts {
      if (existsTs < DeltaEntry.ARTIFACT_TS
          || priceTs < DeltaEntry.ARTIFACT_TS
          || stockTs < DeltaEntry.ARTIFACT_TS) {
        throw new IllegalArgumentException(
            "a part's ts must be >= " + DeltaEntry.ARTIFACT_TS + ": " + this);
      }
      if (price != null && !(price >= 0 && Double.isFinite(price))) {
        throw new IllegalArgumentException("price must be finite and >= 0, got " + price);
      }
    }

    /** Every part at {@code ts}, nothing kept. */
    static Parts at(long ts) {
      return new Parts(ts, ts, ts, null, false);
    }

    /** The parts of {@code e}. */
    public static Parts of(DeltaEntry e) {
      return new Parts(e.existsTs(), e.priceSetTs(), e.stockSetTs(), e.price(), e.inStock());
    }

    /**
     * {@code parts} of a product folded at version {@code ts}, or every part at {@code ts} when
     * there are none (a version compacted before they were written) or they are newer than it.
     */
    static Parts orAt(Parts parts, long ts) {
      return parts == null || Math.max(parts.existsTs, Math.max(parts.priceTs, parts.stockTs)) > ts
          ? at(ts)
          : parts;
    }

    /** The state of a product folded as deleted at version {@code ts}, with these parts. */
    DeltaEntry deleted(String id, long ts) {
      return DeltaEntry.deleted(
          id,
          ts,
          existsTs,
          priceTs > existsTs ? price : null,
          Math.max(priceTs, existsTs),
          stockTs > existsTs && inStock,
          Math.max(stockTs, existsTs));
    }
  }

  /**
   * The state the running job starts a product from when it holds none, on a version that folded
   * it: what the compaction held, so an update older than what it folded stays ignored (a late or
   * replayed upsert older than a folded delete does not bring the product back) and a newer one
   * gets a version above the folded one. A product the version holds is a patched catalogue product
   * resting on its folded parts (its text and embedding are the version's; an upsert at the {@code
   * ts} of its folded upsert is a replay); one it does not hold is deleted.
   *
   * @param ts the product's folded version (the version's {@code folded.tsv})
   * @param parts its folded parts ({@code null}: none written)
   * @param held whether the version holds the product
   * @param inStock whether the version holds it in stock (a held product's stock when its parts are
   *     not written: {@link Parts#at} holds none)
   */
  public static DeltaEntry foldedState(
      String id, long ts, Parts parts, boolean held, boolean inStock) {
    Parts p = Parts.orAt(parts, ts);
    return held
        ? DeltaEntry.patched(
            id,
            ts,
            p.existsTs(),
            p.price(),
            p.priceTs(),
            p == parts ? p.inStock() : inStock,
            p.stockTs())
        : p.deleted(id, ts);
  }

  /**
   * @param baseParts the parts of the base version's folded products ({@link #foldedParts}; a
   *     product without them starts with every part at its folded {@code ts})
   */
  public CatalogFold(
      List<Product> base,
      Map<String, Long> baseFolded,
      Map<String, Parts> baseParts,
      ExpertAssigner assigner,
      ExpertPlacement placement) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(baseFolded, "baseFolded");
    this.products = new LinkedHashMap<>(base.size() * 2);
    Map<String, Boolean> baseStock = new HashMap<>(base.size() * 2);
    for (Product p : base) {
      products.put(p.id(), p);
      baseStock.put(p.id(), p.inStock());
    }
    this.rule =
        new CatalogChanges(
            assigner, placement, 0, baseStock::containsKey, id -> baseStock.getOrDefault(id, true));
    this.folded = new HashMap<>(baseFolded);
    Objects.requireNonNull(baseParts, "baseParts");
    baseFolded.forEach(
        (id, ts) -> {
          Product p = products.get(id);
          Parts given = baseParts.get(id);
          Parts parts = Parts.orAt(given, ts);
          if (parts != given) {
            partsUnknown.add(id);
          }
          current.put(
              id,
              p == null
                  ? parts.deleted(id, ts)
                  : parts.existsTs() == DeltaEntry.ARTIFACT_TS
                      // The base's price as of its part's ts: an older re-wording keeps it.
                      ? DeltaEntry.patched(
                          id,
                          ts,
                          parts.existsTs(),
                          p.price(),
                          parts.priceTs(),
                          p.inStock(),
                          parts.stockTs())
                      // Upserted: its text decides against an upsert at the same ts, as the
                      // job's state does.
                      : DeltaEntry.live(
                          p,
                          ts,
                          p.price(),
                          p.inStock(),
                          NOT_EMBEDDED,
                          parts.existsTs(),
                          parts.priceTs(),
                          parts.stockTs()));
        });
  }

  /** A new or re-worded product; {@code inStock} {@code null} means in stock. */
  public CatalogChanges.Outcome upsert(Product p, Boolean inStock, long ts) {
    DeltaEntry before = current.get(p.id());
    CatalogChanges.Result r =
        before != null && before.existsTs() == ts && partsUnknown.contains(p.id())
            ? new CatalogChanges.Result(CatalogChanges.Outcome.STALE, null, unapplied.get(p.id()))
            : rule.upsert(before, unapplied.get(p.id()), p, inStock, ts, NOT_EMBEDDED);
    if (r.outcome() == CatalogChanges.Outcome.APPLIED) {
      partsUnknown.remove(p.id());
      Product kept = products.get(p.id());
      if (kept != null && !sameText(p, r.next())) {
        // An upsert at the ts of the applied one, whose text lost: its price or stock won.
        products.put(p.id(), asApplied(kept, r.next()));
      } else {
        products.remove(p.id()); // a re-upserted product moves to the end, as a new one
        products.put(p.id(), asApplied(p, r.next()));
      }
    }
    return record(p.id(), r);
  }

  /** A price and/or stock change ({@code null}: unchanged). */
  public CatalogChanges.Outcome patch(String id, Double price, Boolean inStock, long ts) {
    CatalogChanges.Result r =
        rule.patch(current.get(id), unapplied.get(id), id, price, inStock, ts);
    if (r.outcome() == CatalogChanges.Outcome.APPLIED) {
      products.put(id, asApplied(products.get(id), r.next()));
    }
    return record(id, r);
  }

  public CatalogChanges.Outcome delete(String id, long ts) {
    CatalogChanges.Result r = rule.delete(current.get(id), unapplied.get(id), id, ts);
    if (r.outcome() == CatalogChanges.Outcome.APPLIED) {
      partsUnknown.remove(id);
      products.remove(id);
    }
    return record(id, r);
  }

  private CatalogChanges.Outcome record(String id, CatalogChanges.Result r) {
    outcomes.merge(r.outcome(), 1, Integer::sum);
    if (r.unapplied() == null) {
      unapplied.remove(id);
    } else {
      unapplied.put(id, r.unapplied());
    }
    if (r.next() != null) { // applied, or a deleted product's state keeping a newer patch
      current.put(id, r.next());
      folded.put(id, r.next().ts());
      changed.add(id);
    }
    return r.outcome();
  }

  private static boolean sameText(Product p, DeltaEntry e) {
    return e.kind() == DeltaEntry.Kind.LIVE && CatalogChanges.compareText(p, e) == 0;
  }

  /**
   * {@code p} with the price and stock of the state the rule applied ({@code next}: the update's,
   * with remembered newer patched values laid over it); a patched state without a price keeps
   * {@code p}'s.
   */
  private static Product asApplied(Product p, DeltaEntry next) {
    Double price = next.price() != null ? next.price() : p.price();
    Product priced =
        Objects.equals(p.price(), price)
            ? p
            : new Product(
                p.id(), p.title(), p.brand(), p.model(), p.description(), price, p.attributes());
    return withStock(priced, next.inStock());
  }

  private static Product withStock(Product p, boolean inStock) {
    if (p.inStock() == inStock) {
      return p;
    }
    Map<String, String> attributes = new LinkedHashMap<>(p.attributes());
    if (inStock) {
      attributes.remove(Product.IN_STOCK);
    } else {
      attributes.put(Product.IN_STOCK, "false");
    }
    return new Product(
        p.id(), p.title(), p.brand(), p.model(), p.description(), p.price(), attributes);
  }

  /** The folded catalogue: the base's products in order, then new ones; deleted ones left out. */
  public List<Product> products() {
    return List.copyOf(products.values());
  }

  /**
   * Every product ever folded (the base's and this fold's) → the {@code ts} of its newest update.
   */
  public Map<String, Long> folded() {
    return Map.copyOf(folded);
  }

  /**
   * The parts of every folded product's state ({@link #folded}'s ids), for the next compaction to
   * start from ({@link #CatalogFold(List, Map, Map, ExpertAssigner, ExpertPlacement)}).
   */
  public Map<String, Parts> foldedParts() {
    Map<String, Parts> out = new HashMap<>();
    folded.keySet().forEach(id -> out.put(id, Parts.of(current.get(id))));
    return Map.copyOf(out);
  }

  /** How many products this fold changed (applied at least one update of). */
  public int productsChanged() {
    return changed.size();
  }

  /** How many updates had each outcome. */
  public int count(CatalogChanges.Outcome o) {
    return outcomes.getOrDefault(o, 0);
  }
}
