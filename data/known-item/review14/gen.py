#!/usr/bin/env python3
"""Review 14: query kinds aimed at ranking revision 14 (1a9e3459):
  RankingFeatures.lowerUnaskedCarriers gives code_exact 0 to a carrier of the query's code whose title lacks
  a word of the query (DeviceFit.words) that an "accessory" holds in its product part: a code carrier
  holding every query word whose title names the query's code only after a compatibility marker ("for",
  "compatible", "für", ...). Meant for "hp p1505 toner" (the Xerox toner compatible with the P1505 above the
  HP printer). Built from the train part of the known-item split only (kinds_common.KindSet asserts it).

Catalogue reading (no ranking involved):
  accessory  a title with a compatibility marker that text precedes; its codes are the codes (a letter and
             a digit, 3+ characters) of its text after the marker, read with "/" and "," as spaces;
  carrier    a title naming the code among its first four words (or a model field equal to it), no
             marker before it;
  category   of a title: drum ("drum", "photoconductor", "imaging unit"), ribbon, toner ("toner",
             "cartridge", "Original <colour>" of a print supply), else other (printers, lenses, trays, kits);
             fuser / waste / tray / drawer / shelf / duplex / feeder / staple / maintenance titles are other.
  supplies(c, K): every train title of category K naming code c (carrier or accessory), plus the originals
             an accessory naming c calls itself equivalent to ("Equivalent to HP CB436A": the titles whose
             model field is CB436A), when of category K.

Kinds (query,docid,rating,type); each has a control in control/ with the same relevance:
  supply_carrier_lacks_word  brand + code + a type word ("lexmark t632 toner", "epson dfx-9000 ribbon
             cartridge", "oki c710 image drum") where a supply of the code carrying it in its first words
             lacks the word and an accessory naming the code after its marker holds it in its product
             part: the rule lowers a relevant product. Relevant (1): supplies(c, K). Control: brand + code +
             the type word the lowered carrier's title holds (or the code alone).
  device_query_guard      device queries (printers, dot-matrix printers, lenses) whose code an accessory
             names after its marker: "hp laserjet p3005 printer", "epson lq-630 dot matrix printer",
             "canon ef 300mm f/2.8l is usm lens", "canon ts-e 90mm f/2.8 lens". The device must stay
             first. Relevant (1): the brand's non-accessory titles of category other naming the code in
             their first words (for lenses: the same focal length and aperture). Control: the device's
             title prefix (no type word).
  accessory_marker_forms  the rule's target asked as shops of other markets and shoppers write it:
             "toner für hp p1505", "tóner para hp laserjet p2035", "cartouche toner pour hp p3005",
             "ribbon voor epson lq-630", "compatible toner hp p2035", "p1505 toner cartridge", "toner
             cartridge for hp p1505". Relevant (1): supplies(c, K). Control: brand + code + type word.
  accessory_plural        the type word plural ("hp p1505 toners", "epson lq-630 ribbons", "oki c5650
             drums", "lexmark c772 print cartridges"). Relevant (1): supplies(c, K). Control: singular.
  lens_hood_for_lens      "canon ef 300mm f2.8l lens hood", "lens hood for canon ts-e 90mm": the hood is
             asked (the accessory proper). Relevant (1): the hood titles naming that lens after "for".
             Control: the hood's own code ("canon et120 lens hood").
Usage: python3 data/known-item/review14/gen.py [seed]   (default seed 1414; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc
from kinds_common import alnum

SEED = kc.seed_arg(1414)
OUT = os.path.dirname(os.path.abspath(__file__))
K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, byid = K.ps, K.byid
N = 120

MARKER = re.compile(r"(?i)(?:^|\s)(?:for|fits|compatible|für|fuer|pour|para|voor|för|compatibile|kompatibel"
                    r"|compatível|compatibel)(?:\s|$)")
EQUIV = re.compile(r"(?i)equivalent to ([A-Za-z]+) ([A-Z0-9][A-Z0-9\-]+(?:[/,] ?[A-Z0-9][A-Z0-9\-]+)*)")


def split_marker(t):
    """(product part, after part) of a title, or (t, None) without a marker that text precedes."""
    for m in MARKER.finditer(t):
        if t[:m.start()].strip() and not re.search(r"(?i)(replacements?|substitutes?)\s*$", t[:m.start()]):
            return t[:m.start()], t[m.end():]
    return t, None


def is_code(a):
    return len(a) >= 3 and len(re.findall(r"\d", a)) >= 2 and "xx" not in a and re.search(r"\d", a) and re.search(r"[a-z]", a) and not re.fullmatch(
        r"\d+(?:mm|m|ft|in|gb|mb|w|v|pk|pcs|sheets|k)", a)


def text_codes(s):
    return {alnum(w) for w in re.split(r"[\s,/;()]+", s) if is_code(alnum(w))}


def first_codes(p):
    t, _ = split_marker(p["title"])
    out = {alnum(w) for w in re.split(r"[\s,/;()]+", t)[:5] if is_code(alnum(w))}
    m = alnum(p["model"] or "")
    if is_code(m) and len(p["model"].split()) <= 2:
        out.add(m)
    return out


OTHER = re.compile(r"(?i)fuser|waste|tray|drawer|shelf|duplex|feeder|staple|maintenance|warranty|cassette|"
                   r"software|finisher|memory|card|cable|hood|adapter|corona|transfer|service")


def category(p):
    t = p["title"]
    if OTHER.search(t):
        return "other"
    if re.search(r"(?i)\bdrum|photoconductor|imaging unit", t):
        return "drum"
    if re.search(r"(?i)\bribbon", t):
        return "ribbon"
    if re.search(r"(?i)\btoner|cartridge|\bOriginal (Black|Cyan|Magenta|Yellow)\b", t):
        return "toner"
    return "other"


# ------------------------------------------------------------------ the catalogue's accessories and carriers
acc_codes = {}  # id -> codes after the marker
for p in ps:
    pp, after = split_marker(p["title"])
    if after is not None:
        cs = text_codes(after) - text_codes(pp)
        if cs:
            acc_codes[p["id"]] = cs
by_acc_code = collections.defaultdict(list)
for i, cs in acc_codes.items():
    for c in cs:
        by_acc_code[c].append(byid[i])
carriers = collections.defaultdict(list)
for p in ps:
    for c in first_codes(p):
        if c in by_acc_code:
            carriers[c].append(p)
bymodel = collections.defaultdict(list)
for p in ps:
    bymodel[alnum(p["model"] or "")].append(p)


def supplies(c, kind):
    out = {x["id"]: x for x in carriers[c] + by_acc_code[c] if category(x) == kind}
    for a in by_acc_code[c]:
        for m in EQUIV.finditer(a["title"]):
            for code in re.split(r"[/,] ?", m.group(2)):
                for x in bymodel.get(alnum(code), []):
                    if category(x) == kind:
                        out[x["id"]] = x
    return list(out.values())


def code_as_written(p, c):
    """The code as the title writes it (its first occurrence), else the code."""
    for w in re.split(r"[\s,/;()]+", p["title"]):
        if alnum(w) == c:
            return w.strip(".-")
    return c


def typed(s):
    r = K.rng.random()
    return s.lower() if r < 0.7 else s


def ok(rel):
    return rel and len(rel) <= 15 and K.all_train(rel)


TYPE_WORDS = {"toner": ["toner", "toner cartridge", "cartridge", "print cartridge"],
              "drum": ["drum", "image drum", "imaging unit"],
              "ribbon": ["ribbon", "ribbon cartridge"]}
FOREIGN = {"toner": [("toner für", 1), ("tóner para", 1), ("cartouche toner pour", 1), ("toner voor", 1),
                     ("toner compatible", 0), ("compatible toner", 0), ("toner cartridge for", 1),
                     ("tonerkartusche für", 1), ("toner per", 1), ("toner do", 1)],
           "drum": [("trommel für", 1), ("tambor para", 1), ("tambour pour", 1), ("drum voor", 1),
                    ("drum for", 1), ("compatible drum", 0)],
           "ribbon": [("farbband für", 1), ("cinta para", 1), ("ruban pour", 1), ("lint voor", 1),
                      ("ribbon for", 1), ("compatible ribbon", 0)]}
PLURAL = {"toner": "toners", "toner cartridge": "toner cartridges", "cartridge": "cartridges",
          "print cartridge": "print cartridges", "drum": "drums", "image drum": "image drums",
          "imaging unit": "imaging units", "ribbon": "ribbons", "ribbon cartridge": "ribbon cartridges"}


def holds_word(title, word):
    ws = set(re.findall(r"[a-z0-9]+", title.lower()))
    return all(w in ws or w + "s" in ws or (w.endswith("s") and w[:-1] in ws) for w in word.split())


def triples():
    """(code, kind, carrier-brand product, accessory) for every accessory naming a carried code."""
    out = []
    for c in sorted(by_acc_code):
        if not carriers[c]:
            continue
        for kind in ("toner", "drum", "ribbon"):
            accs = [a for a in by_acc_code[c] if category(a) == kind]
            # the carriers of a brand the accessories name (a Dell PowerEdge T640 is no Lexmark T640)
            cars = [x for x in carriers[c] if any(x["brand"].lower() in a["title"].lower() for a in accs)]
            if accs and cars:
                out.append((c, kind, sorted(cars, key=lambda x: x["id"]), sorted(accs, key=lambda x: x["id"])))
    return out


TRIPLES = triples()


def brand_of_code(cars, accs):
    """The brand a shopper names with the code: the carriers' brand (the device's or the line's)."""
    b = collections.Counter(x["brand"] for x in cars).most_common(1)[0][0]
    return b


def line_word(cars, c):
    """The word before the code in a carrier's title ("LaserJet", "Phaser"), when a word of letters."""
    for x in cars:
        ws = x["title"].split()
        for i, w in enumerate(ws[:5]):
            if alnum(w) == c and i >= 2 and re.fullmatch(r"[A-Za-z]+", ws[i - 1]) and ws[i - 1] != x["brand"]:
                return ws[i - 1]
    return None


# ------------------------------------------------------------------ kinds
def supply_carrier_lacks_word():
    kind = "supply_carrier_lacks_word"
    for c, cat, cars, accs in TRIPLES:
        rel = supplies(c, cat)
        if not ok(rel):
            continue
        lowered = [x for x in cars if category(x) == cat]
        if not lowered:
            continue
        b = brand_of_code(cars, accs)
        for tw in TYPE_WORDS[cat]:
            if not any(holds_word(split_marker(a["title"])[0], tw) for a in accs):
                continue
            if not any(not holds_word(x["title"], tw) for x in lowered):
                continue
            cw = code_as_written(cars[0], c)
            for form in range(2):
                if form == 0:
                    q = f"{typed(b)} {K.respell(cw)} {tw}"
                else:
                    lw = line_word(cars, c)
                    q = f"{typed(b)} {lw + ' ' if lw else ''}{K.respell(cw)} {tw}"
                base = f"{typed(b)} {K.respell(cw)}"
                if K.emit(kind, q, [x["id"] for x in rel]):
                    K.emit(kind + "_control", base, [x["id"] for x in rel])


def device_title_prefix(d, c):
    ws = d["title"].split()
    for i, w in enumerate(ws[:5]):
        if alnum(w) == c:
            return " ".join(ws[:i + 1])
    return None


def device_query_guard():
    kind = "device_query_guard"
    seen = set()
    for c, cat, cars, accs in TRIPLES + [(c, "lens", carriers[c], by_acc_code[c]) for c in sorted(by_acc_code)
                                           if any("Lens Hood" in a["title"] for a in by_acc_code[c])]:
        devs = [x for x in cars if category(x) == "other" and re.search(
            r"(?i)DPI|printer|dot matrix|\d+mm f/", x["title"]) and "Hood" not in x["title"]
                and not OTHER.search(x["title"])]
        for d in devs:
            if (d["id"], c) in seen or not K.train_product(d):
                continue
            seen.add((d["id"], c))
            pre = device_title_prefix(d, c)
            if not pre:
                continue
            lens = re.search(r"\d+mm f/", d["title"])
            if lens:
                m = re.match(r"(Canon (?:EF|TS-E|EF-S) \d+(?:-\d+)? ?mm (?:f|F)/[\d.]+L?)", d["title"])
                if not m:
                    continue
                pre = m.group(1)
                rel = [x for x in K.bybrand["Canon"] if x["title"].startswith(pre) and "Hood" not in x["title"]]
                words = ["lens", "camera lens", "slr lens", "objective lens"]
            else:
                rel = [x for x in K.bybrand[d["brand"]] if c in first_codes(x) and category(x) == "other"
                       and re.search(r"(?i)DPI|printer|dot matrix", x["title"])]
                words = (["printer", "dot matrix printer", "dot matrix"] if re.search(r"(?i)dot matrix|\b(LQ|FX|PLQ|DFX)-", d["title"])
                         else ["printer", "laser printer"])
                if "LaserJet" not in d["title"] and "Laser" not in d["title"]:
                    words = [w for w in words if w != "laser printer"]
            if not ok(rel):
                continue
            for w in words:
                if K.rng.random() < 0.5 and w != words[0]:
                    continue
                q = f"{typed(pre)} {w}"
                if not lens and K.rng.random() < 0.4:
                    q = f"{typed(d['brand'])} {code_as_written(d, c).lower()} {w}"
                if not lens and K.rng.random() < 0.3 and "hp" in q.lower():
                    # The Xerox accessories hold "hp" and "black" in their product part
                    q = q + " black"
                if K.emit(kind, q, [x["id"] for x in rel]):
                    K.emit(kind + "_control", typed(pre), [x["id"] for x in rel])


def lens_device_query():
    """Canon lenses a lens hood names after its "for" (focal length and aperture as the hood writes them):
    "canon ef 300mm f/2.8l is usm lens" must rank the lens, which the hood's product part ("Lens Hood")
    outnames by "lens"."""
    kind = "device_query_guard"
    hoods = [p for p in ps if p["brand"] == "Canon" and re.search(r"(?i)lens hood for", p["title"])]
    lenses = [p for p in K.bybrand["Canon"] if re.match(r"Canon (EF|TS-E|EF-S) ", p["title"]) and "Hood" not in p["title"]]
    for h in sorted(hoods, key=lambda x: x["id"]):
        after = split_marker(h["title"])[1]
        for m in re.finditer(r"(EF|TSE|TS-E) ?(\d+(?:-\d+)?)mm f?/?([\d.,]+)(L?)", after):
            focal, ap, l = m.group(2), m.group(3).replace(",", "."), m.group(4)
            def ap_of(t):
                a = re.search(r"\d+(?:-\d+)? ?mm (?:f|F|1:)/?([\d.,]+(?:-[\d.]+)?)(?: ?(L))?", t)
                return (a.group(1).replace(",", ".").split("-")[0].rstrip("0").rstrip("."), bool(a.group(2))) if a else None
            want = (ap.split("-")[0].rstrip("0").rstrip("."), bool(l))
            rel = [x for x in lenses if re.search(rf"\b{focal} ?mm", x["title"]) and ap_of(x["title"]) == want
                   and (("TS" in m.group(1)) == ("TS-E" in x["title"]))]
            if not rel or not ok(rel):
                continue
            d = rel[0]
            pre = re.match(r"Canon (?:EF|TS-E|EF-S) \d+(?:-\d+)? ?mm (?:f|F|1:)/?[\d.,]+(?:-[\d.]+)?(?: ?L)?", d["title"]).group(0)
            for w in ("lens", "camera lens", "slr lens", "lens usm"):
                if w != "lens" and K.rng.random() < 0.6:
                    continue
                q = f"{typed(pre)} {w}"
                if K.emit(kind, q, [x["id"] for x in rel]):
                    K.emit(kind + "_control", typed(pre), [x["id"] for x in rel])


def accessory_marker_forms():
    kind = "accessory_marker_forms"
    for c, cat, cars, accs in TRIPLES:
        rel = supplies(c, cat)
        if not ok(rel):
            continue
        b = brand_of_code(cars, accs)
        lw = line_word(cars, c)
        cw = code_as_written(cars[0], c)
        forms = FOREIGN[cat][:]
        K.rng.shuffle(forms)
        for phrase, before in forms[:2]:
            dev = f"{typed(b)} {lw + ' ' if lw and K.rng.random() < 0.5 else ''}{K.respell(cw)}"
            q = f"{phrase} {dev}" if before else f"{dev} {phrase}"
            base = f"{typed(b)} {K.respell(cw)} {TYPE_WORDS[cat][0]}"
            if K.emit(kind, q, [x["id"] for x in rel]):
                K.emit(kind + "_control", base, [x["id"] for x in rel])
        # code + type words, no brand
        tw = K.rng.choice(TYPE_WORDS[cat])
        q = f"{K.respell(cw)} {tw}"
        if K.emit(kind, q, [x["id"] for x in rel]):
            K.emit(kind + "_control", f"{typed(b)} {K.respell(cw)} {TYPE_WORDS[cat][0]}", [x["id"] for x in rel])


def accessory_plural():
    kind = "accessory_plural"
    for c, cat, cars, accs in TRIPLES:
        rel = supplies(c, cat)
        if not ok(rel):
            continue
        b = brand_of_code(cars, accs)
        cw = code_as_written(cars[0], c)
        tws = TYPE_WORDS[cat][:]
        K.rng.shuffle(tws)
        for tw in tws[:2]:
            pre = f"{typed(b)} {K.respell(cw)}" if K.rng.random() < 0.8 else K.respell(cw)
            if K.emit(kind, f"{pre} {PLURAL[tw]}", [x["id"] for x in rel]):
                K.emit(kind + "_control", f"{pre} {tw}", [x["id"] for x in rel])


def lens_hood_for_lens():
    kind = "lens_hood_for_lens"
    hoods = [p for p in ps if p["brand"] == "Canon" and "Lens Hood" in p["title"] and " for " in p["title"]
             and K.train_product(p)]
    for h in sorted(hoods, key=lambda x: x["id"]):
        pp, after = split_marker(h["title"])
        after = re.sub(r"\s*camera lens adapter$", "", after)
        lens = after.split(",")[0].strip()
        hcode = pp.replace("Canon", "").replace("Lens Hood", "").replace("Lens hood", "").strip()
        rel = [h]
        for q in (f"canon {lens.lower()} lens hood", f"lens hood for canon {lens.lower()}",
                  f"{lens} lens hood", f"canon {lens.lower()} hood"):
            if K.rng.random() < 0.6 and K.emit(kind, q, [x["id"] for x in rel]):
                K.emit(kind + "_control", f"canon {hcode.lower()} lens hood", [x["id"] for x in rel])


K.run([("supply_carrier_lacks_word", supply_carrier_lacks_word), ("device_query_guard", device_query_guard),
       ("lens_device_query", lens_device_query),
       ("accessory_marker_forms", accessory_marker_forms), ("accessory_plural", accessory_plural),
       ("lens_hood_for_lens", lens_hood_for_lens)])
K.write(controls=True)
