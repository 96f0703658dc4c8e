#!/usr/bin/env python3
"""Review 12: query kinds aimed at ranking revision 12 (RankingFeatures.normaliseCodeShare: another brand's
title naming the query's code carries it beside the original when the query names the original's brand;
REPLACED_ORIGINAL halves the original's code_exact when the query asks for a replacement), from the train
part only (kinds_common.KindSet asserts it in emit_rated).

The catalogue's third-party titles that name another brand's code are Xerox's "<colour> toner cartridge.
Equivalent to <Brand> <code>[/, <code2> ...]. Compatible with ..." (Duracell's "replaces <Brand> <code>"
batteries have no original in the catalogue). Kinds (query,docid,rating,type; graded):
  equiv_bare_with_original  "<brand> <code>" as a shopper types it (brand in either case, the code as
                            written, lower case, or without its hyphen; "kyocera mita" for KYOCERA), where the
                            catalogue holds the brand's original (model field = the code) and a Xerox title
                            naming it. Rating 2: the original(s); 1: the Xerox equivalents naming the code.
  equiv_typed_with_original the same + the type / colour words a shopper adds ("hp q1339a toner",
                            "brother tn4100 black toner cartridge", "hp laserjet c9700a").
  equiv_intent              a replacement asked for: "compatible <brand> <code> toner", "<brand> <code>
                            equivalent", "generic <code> toner", "xerox equivalent <brand> <code>",
                            "replacement for <brand> <code>". Rating 2: the Xerox equivalents; 1: the original.
  equiv_bare_no_original    control: "<brand> <code>" for codes only Xerox titles name (no original in the
                            catalogue; revision 9's case). Rating 1: the Xerox equivalents naming it.
  own_title_replacement     an original whose own title holds a replacement word, queried by a prefix of its
                            title a shopper copies ("sony replacement lamp lmp-h180", "apc replacement battery
                            cartridge #21", "philips perfect replacement sru5107"). Rating 2: the product; 1:
                            its (brand, code) group.
Usage: python3 data/known-item/review12/gen.py [seed]   (default seed 1212; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc
from kinds_common import alnum, clean

SEED = kc.seed_arg(1212)
OUT = os.path.dirname(os.path.abspath(__file__))
K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, byid = K.ps, K.byid

EQUIV = re.compile(r"Equivalent to ([A-Z][A-Za-z]+) ([^.]+?)(?:\.|$)")
bymodel = collections.defaultdict(list)
for p in ps:
    bymodel[alnum(p["model"])].append(p)

# code (alnum) -> (brand as written, code as written, [equivalents], [originals])
codes = {}
for p in ps:
    if p["brand"] != "Xerox":
        continue
    for m in EQUIV.finditer(p["title"]):
        brand = m.group(1)
        for c in re.split(r"\s*[/,]\s*", m.group(2)):
            c = c.strip()
            a = alnum(c)
            if not (4 <= len(a) <= 12 and re.search(r"\d", a)):
                continue
            e = codes.setdefault(a, [brand, c, [], []])
            e[2].append(p)
for a, e in codes.items():
    e[3] = [o for o in bymodel.get(a, []) if alnum(o["brand"]) .startswith(alnum(e[0])) or alnum(e[0]) in alnum(o["brand"])]
items = sorted(codes.items())


def ok(rated):
    return all(K.train_product(byid[i]) for i in rated)


def brand_typed(b, rng):
    if b == "Kyocera" and rng.random() < 0.3:
        return "kyocera mita"
    return b.lower() if rng.random() < 0.6 else b


def code_typed(c, rng):
    r = rng.random()
    if "-" in c and r < 0.3:
        return c.replace("-", "")
    if r < 0.6:
        return c.lower()
    return c


def colour(p):
    t = p["title"].split()
    return t[1].lower() if len(t) > 1 and t[1].lower() in kc.COLOURS else None


def bare_with_original():
    rng = K.rng
    for a, (b, c, eq, orig) in items:
        if not orig:
            continue
        rated = {o["id"]: 2 for o in orig}
        rated.update({x["id"]: 1 for x in eq})
        if not ok(rated):
            continue
        for _ in range(4):
            K.emit_rated("equiv_bare_with_original", f"{brand_typed(b, rng)} {code_typed(c, rng)}", rated)


def typed_with_original():
    rng = K.rng
    for a, (b, c, eq, orig) in items:
        if not orig:
            continue
        rated = {o["id"]: 2 for o in orig}
        rated.update({x["id"]: 1 for x in eq})
        if not ok(rated):
            continue
        typ = "drum" if "Drum" in eq[0]["title"] else "toner"
        col = colour(eq[0])
        forms = [f"{brand_typed(b, rng)} {code_typed(c, rng)} {typ}",
                 f"{brand_typed(b, rng)} {code_typed(c, rng)} {typ} cartridge" + (f" {col}" if col else ""),
                 f"{brand_typed(b, rng)} {code_typed(c, rng)} original"]
        if b == "HP":
            forms.append(f"hp laserjet {code_typed(c, rng)}")
        for q in forms:
            K.emit_rated("equiv_typed_with_original", q, rated)


def intent():
    rng = K.rng
    for a, (b, c, eq, orig) in items:
        rated = {x["id"]: 2 for x in eq}
        rated.update({o["id"]: 1 for o in orig})
        if not ok(rated):
            continue
        typ = "drum" if "Drum" in eq[0]["title"] else "toner"
        forms = [f"compatible {brand_typed(b, rng)} {code_typed(c, rng)} {typ}",
                 f"{brand_typed(b, rng)} {code_typed(c, rng)} equivalent",
                 f"generic {code_typed(c, rng)} {typ}",
                 f"xerox equivalent {brand_typed(b, rng)} {code_typed(c, rng)}",
                 f"replacement for {brand_typed(b, rng)} {code_typed(c, rng)}"]
        if not orig and rng.random() < 0.6:
            continue  # the codes only Xerox names: revision 9's case, a sample
        for q in rng.sample(forms, 3 if orig else 1):
            K.emit_rated("equiv_intent", q, rated)


def bare_no_original():
    rng = K.rng
    for a, (b, c, eq, orig) in items:
        if orig:
            continue
        rated = {x["id"]: 1 for x in eq}
        if not ok(rated):
            continue
        K.emit_rated("equiv_bare_no_original", f"{brand_typed(b, rng)} {code_typed(c, rng)}", rated)


REPL = re.compile(r"(?i)\b(replacement|compatible|generic|equivalent)\b")


def own_title_replacement():
    rng = K.rng
    for p in sorted(ps, key=lambda x: x["id"]):
        if p["brand"] == "Xerox" or not REPL.search(p["title"]) or not K.train_product(p):
            continue
        t = clean(p["title"]).split()
        m = next(i for i, w in enumerate(t) if REPL.search(w))
        k = max(m + 2, min(len(t), rng.randint(m + 2, m + 5)))
        q = " ".join(t[:k]).rstrip(" -,(")
        if not re.search(r"\d", q) and rng.random() < 0.5:
            continue  # mostly queries holding a code
        rated = {p["id"]: 2}
        if p["id"] in K.gkey:
            rated.update({x["id"]: 1 for x in K.group_of(p) if x["id"] != p["id"]})
        if not ok(rated):
            continue
        K.emit_rated("own_title_replacement", q.lower() if rng.random() < 0.6 else q, rated)


SYSTEM = re.compile(r"(?i)\b(pc|workstation|desktop|server|notebook|tower|sff|mt|usdt|laptop)\b|GB|HDD")


def oem_kit():
    """"intel xeon e5420": the Intel processor(s) 2; another brand's processor kit of the same CPU ("HP Intel Xeon
    E5420 processor 2.5 GHz 12 MB L2") 1; another brand's system naming the CPU in its title ("HP Pro 3010 Intel
    Pentium E5400 3 GB ... SFF", "HP 6600 Intel Xeon E5450 ... Workstation") 0."""
    rng = K.rng
    seen = set()
    for p in sorted(ps, key=lambda x: x["id"]):
        if p["brand"] != "Intel" or p["id"] not in K.gkey:
            continue
        t = clean(p["title"]).split()
        if p["model"] not in t or t.index(p["model"]) < 2:
            continue
        line = t[t.index(p["model"]) - 1]
        a = alnum(p["model"])
        if not re.fullmatch(r"[A-Za-z]+", line) or a in seen:
            continue
        seen.add(a)
        run = alnum(line) + a
        others = [x for x in ps if x["brand"] != "Intel" and run in alnum(clean(x["title"]).split(" for ")[0])]
        if not 1 <= len(others) <= 3:
            continue
        rated = {x["id"]: 2 for x in K.group_of(p)}
        rated.update({x["id"]: 0 if SYSTEM.search(x["title"]) else 1 for x in others})
        rated = {i: r for i, r in rated.items() if r > 0 or K.train_product(byid[i])}
        if not ok(rated):
            continue
        for q in (f"intel {line} {p['model']}", f"Intel {line} {p['model']} processor"):
            K.emit_rated("oem_kit_same_code", q.lower() if rng.random() < 0.6 else q, rated)


K.run([("oem_kit_same_code", oem_kit), ("equiv_bare_with_original", bare_with_original), ("equiv_typed_with_original", typed_with_original),
       ("equiv_intent", intent), ("equiv_bare_no_original", bare_no_original),
       ("own_title_replacement", own_title_replacement)])
K.write()
