#!/usr/bin/env python3
"""A fourth set of adversarial known-item / shopper query kinds, built only from train-part products.

Train part as in data/known-item/reviewed-kinds/gen_kinds.py, more-kinds/gen.py and third-kinds/gen.py:
products of (brand, code) groups named in a *-train.csv or in no known-item file; a group holding a
product of a *-test.csv is excluded, and every query whose relevant set holds a test product (or a
product of an excluded group) is dropped (asserted in emit). None of the kinds below is one of the 41
earlier ones (reviewed-kinds 17, more-kinds 11, third-kinds 13; the typo set).

Relevance is read from the catalogue: a query naming a code judges its (brand, code) group, plus, for a
title-prefix query, every product of the brand whose title begins with the query's words (compared after
the kind's own normalisation: spelling variants, number words, "+"/"plus", digits split from letters).

Kinds (query,docid,rating,type; rating 1 for the intended product(s)):
  type_first_code     the product type first (the catalogue's own words, the last one plural at times),
                      then brand and code ("toner cartridges brother tn-2320", "ink cartridge c9425a")
  code_head_dropped   the code without its letter series prefix or leading zeros, with the brand
                      ("brother 2320" for TN-2320, "samsung k409s" for CLT-K409S, "lexmark 12a7400" for
                      0012A7400); relevant: every product of the brand whose code or a title word is the
                      query's code with 1-4 letters (or zeros) before it
  price_added         brand + code or a title prefix with a price ("hp cf280a 79.95", "$80", "€ 79,95",
                      "under 80", "80 euro")
  year_added          a device's title prefix or line with its release year ("lenovo thinkpad t480 2018",
                      "huawei p40 lite (2020)", "2019 model")
  quantity_prefix     an order line: a count and the code ("2x hp cf280a", "qty 3 c9425a", "cf280a x 2")
  number_words        a title prefix whose count is spelled in words ("startech.com four port usb hub",
                      "c2g two-pack", "six outlet")
  spelling_variant    a title prefix in the other English spelling (colour/color, grey/gray, fibre/fiber,
                      metre/meter, centre/center, aluminium/aluminum, licence/license, analogue/analog,
                      organiser/organizer, programme/program, cancelling/canceling, disc/disk)
  all_caps            a title prefix or brand + code + type typed with caps lock ("LOGITECH WIRELESS K350")
  ean_spaced          the EAN / UPC as printed under the bars, in groups ("0 95205 60321 7",
                      "5 011423 123456", "4977-7666-1154-1")
  symbol_words        a title prefix with "+" and "&" written as words ("hp 17bii plus", "galaxy s20 plus",
                      "black and white")
  last_word_partial   search as you type: a title prefix whose last word is cut short ("logitech wireless keyb",
                      "kingston datatraveler 32gb us"); relevant: the brand's titles that begin so
Usage: python3 data/known-item/fourth-kinds/gen.py [seed]   (default seed 66; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc  # the catalogue, the train part, the per-kind streams and rows of every generator
from kinds_common import STOP, alnum, clean, ids, norm_words, plural, split_digits, title_colour, title_type

SEED = kc.seed_arg(66)
N = 120
OUT = os.path.dirname(os.path.abspath(__file__))

K = kc.KindSet(SEED, OUT, dedupe="exact")
ps, byid, gkey, bybrand = K.ps, K.byid, K.gkey, K.bybrand
all_train, group_of, family, prefix_rel = K.all_train, K.group_of, K.family, K.prefix_rel
rng, emit, nq, pool, coded_pool = K.rng, K.emit, K.nq, K.pool, K.coded_pool
respell, brand_as_typed, shopper_prefix, code_or_prefix = K.respell, K.brand_as_typed, K.shopper_prefix, K.code_or_prefix


# ------------------------------------------------------------------ 1. type first, then brand and code
def gen_type_first_code():
    for p in coded_pool():
        typ = title_type(p)
        if not typ:
            continue
        tw = typ.split()
        if rng.random() < 0.4:
            tw[-1] = plural(tw[-1])
        b, code = brand_as_typed(p["brand"]), respell(p["model"])
        r = rng.random()
        if r < 0.6:
            parts = tw + [b, code]
        elif r < 0.8:
            parts = tw + [code]
        else:
            col = title_colour(p)
            parts = tw + [b, code] + ([col] if col else [])
        emit("type_first_code", " ".join(parts), ids(group_of(p)))
        if nq("type_first_code") >= N:
            return


# ------------------------------------------------------------------ 2. the code's letter series / zeros dropped
HEAD = [re.compile(r"([A-Za-z]{1,4})[-\s]?(\d[0-9A-Za-z\-/]*)"),     # TN-2320, CF280A, PG540
        re.compile(r"([A-Za-z]{2,4})-([A-Za-z]{1,2}\d[0-9A-Za-z\-/]*)"),  # CLT-K409S, C-EXV26
        re.compile(r"(0+)([1-9][0-9A-Za-z\-/]*)")]                      # 0012A7400


def head_rest(m):
    for rx in HEAD:
        mm = rx.fullmatch(m)
        if mm:
            return mm.group(1), mm.group(2)
    return None


def names_rest(code, rest):
    """True when an alnum code is rest, or rest behind 1-4 letters or zeros."""
    if code == rest:
        return True
    if not code.endswith(rest):
        return False
    head = code[:-len(rest)]
    return bool(re.fullmatch(r"[a-z]{1,4}|0+", head))


def gen_code_head_dropped():
    for p in coded_pool():
        hr = head_rest(p["model"])
        if not hr:
            continue
        rest = hr[1]
        ar = alnum(rest)
        if len(ar) < 3 or not re.search(r"\d", ar) or (ar.isdigit() and len(ar) < 3):
            continue
        rel = [x for x in bybrand[p["brand"]]
               if names_rest(alnum(x["model"]), ar) or any(names_rest(alnum(w), ar) for w in clean(x["title"]).split())]
        if p not in rel or not (1 <= len(rel) <= 8) or not all_train(rel):
            continue
        rel = list({x["id"]: x for x in rel + group_of(p)}.values())
        if not all_train(rel):
            continue
        b = brand_as_typed(p["brand"])
        code = respell(rest)
        typ = title_type(p)
        q = f"{b} {code} {typ}" if typ and rng.random() < 0.4 else f"{b} {code}"
        emit("code_head_dropped", q, ids(rel))
        if nq("code_head_dropped") >= N:
            return


# ------------------------------------------------------------------ 3. a price in the query
def price_forms(pr):
    r10 = int(-(-pr // 10) * 10)
    return [f"{pr:.2f}", f"${pr:.0f}", f"${pr:.2f}", f"£{pr:.2f}", f"€ {pr:.2f}".replace(".", ","),
            f"{pr:.0f} euro", f"under {r10}", f"under ${r10}", f"{pr:.2f} usd", f"price {pr:.0f}", f"{pr:.0f} dollars"]


def gen_price_added():
    for p in pool():
        pr = p.get("price_usd")
        if not pr or pr <= 0:
            continue
        cp = code_or_prefix(p)
        if not cp:
            continue
        x, rel = cp
        s = rng.choice(price_forms(pr))
        q = f"{x} {s}" if rng.random() < 0.8 else f"{s} {x}"
        if emit("price_added", q, ids(rel)):
            emit("price_added_control", x, ids(rel))
        if nq("price_added") >= N:
            return


# ------------------------------------------------------------------ 4. a release year
DEVICE = re.compile(r"(?i)\b(notebook|laptop|chromebook|smartphone|tablet|tv|monitor|printer|camera|pc|workstation|"
                    r"server|projector|router|console|headphones|headset|smartwatch|e-book reader|all-in-one|"
                    r"multifunction|scanner|ultrabook|netbook|mobile)\b")


CONSUMABLE = re.compile(r"(?i)\b(toner|drum|ink|cartridge|cable|lamp|adapter|paper|media|bag|case|battery|charger|"
                        r"ribbon|fuser|kit|mount|stand|for|compatible|replacement|cover|sleeve|label|tape|original|roller|spare|part)\b")


def gen_year_added():
    for p in pool():
        if not DEVICE.search(p["title"]) or CONSUMABLE.search(p["title"]) or not p.get("date_released"):
            continue
        y = p["date_released"][:4]
        if y in p["title"]:
            continue
        w = shopper_prefix(p, 2, 5)
        if not w:
            continue
        rel = prefix_rel(p, w)
        if not rel:
            continue
        x = " ".join(w)
        if rng.random() < 0.6:
            x = x.lower()
        q = rng.choice([f"{x} {y}", f"{x} ({y})", f"{x} {y} model", f"{y} {x}", f"{x} {y} version"])
        emit("year_added", q, ids(rel))
        if nq("year_added") >= N:
            return


# ------------------------------------------------------------------ 5. an order line: count + code
def gen_quantity_prefix():
    for p in coded_pool():
        code = respell(p["model"])
        x = code if rng.random() < 0.4 else f"{brand_as_typed(p['brand'])} {code}"
        typ = title_type(p)
        if typ and rng.random() < 0.25:
            x = f"{x} {typ}"
        n = rng.choice([2, 2, 2, 3, 3, 4, 5, 6, 10])
        q = rng.choice([f"{n}x {x}", f"{n} x {x}", f"{x} x{n}", f"{x} x {n}", f"qty {n} {x}", f"{x} qty {n}",
                        f"{n} pcs {x}", f"{n} * {x}"])
        emit("quantity_prefix", q, ids(group_of(p)))
        if nq("quantity_prefix") >= N:
            return


# ------------------------------------------------------------------ 6. a count in words
NUMW = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten",
        12: "twelve", 16: "sixteen", 24: "twenty four"}
COUNTED = re.compile(r"(?i)(?<![\w.,])(\d{1,2})([ -]?)(port|ports|pack|way|outlet|outlets|bay|bays|button|buttons|"
                     r"socket|sockets|slot|slots|channel|channels|gang|piece|pieces|pcs|drawer|drawers|shelf|shelves|"
                     r"tier|zone|door|user|users|head|heads|speed|disc|discs|sheet|sheets|compartment|compartments|"
                     r"player|players|cup|cups|blade|blades)(?![\w])")


def judged_words(s):
    return norm_words(split_digits(clean(s)))


def gen_number_words():
    for p in pool():
        t = clean(p["title"])
        m = COUNTED.search(t)
        if not m or int(m.group(1)) not in NUMW or int(m.group(1)) == 1:
            continue
        before = t[:m.start()].split()
        if not (1 <= len(before) <= 6) or "(" in " ".join(before) or before[0].lower() != p["brand"].split()[0].lower():
            continue
        after = [w for w in t[m.end():].split()[:rng.randint(0, 2)] if "(" not in w and ")" not in w]
        digit_q = " ".join(before + [m.group(0)] + after)
        rel = family(p["brand"], judged_words(digit_q), judged_words)
        if not rel:
            continue
        nw = NUMW[int(m.group(1))]
        sep = m.group(2) if rng.random() < 0.5 else rng.choice([" ", "-"])
        q = " ".join(before + [nw + sep + m.group(3)] + after)
        if rng.random() < 0.6:
            q = q.lower()
        emit("number_words", q, ids(rel))
        if nq("number_words") >= N:
            return


# ------------------------------------------------------------------ 7. British / American spelling
VARIANTS = [("colour", "color"), ("grey", "gray"), ("fibre", "fiber"), ("metre", "meter"), ("metres", "meters"),
            ("centre", "center"), ("aluminium", "aluminum"), ("licence", "license"), ("analogue", "analog"),
            ("organiser", "organizer"), ("programme", "program"), ("cancelling", "canceling"), ("disc", "disk"),
            ("optimised", "optimized"), ("colours", "colors"), ("labelling", "labeling")]
OTHER = {}
for a_, b_ in VARIANTS:
    OTHER[a_], OTHER[b_] = b_, a_
CANON = {b_: a_ for a_, b_ in VARIANTS}


def canon_words(s):
    return [CANON.get(w, w) for w in norm_words(s)]


def gen_spelling_variant():
    for p in pool():
        t = clean(p["title"]).split()
        hits = [i for i, w in enumerate(t[:9]) if w.lower() in OTHER]
        if not hits or t[0].lower() != p["brand"].split()[0].lower():
            continue
        i = rng.choice(hits)
        w = t[:i + 1 + rng.randint(0, 2)]
        while w and re.fullmatch(r"[\d.,\-/]+|\W+", w[-1]):
            w = w[:-1]
        if len(w) < 2 or "(" in " ".join(w) or ")" in " ".join(w) or len(w) <= i:
            continue
        rel = family(p["brand"], canon_words(" ".join(w)), canon_words)
        if not rel:
            continue
        v = OTHER[w[i].lower()]
        w2 = w[:]
        w2[i] = v.capitalize() if w[i][0].isupper() else v
        q = " ".join(w2)
        if rng.random() < 0.6:
            q = q.lower()
        emit("spelling_variant", q, ids(rel))
        if nq("spelling_variant") >= N:
            return


# ------------------------------------------------------------------ 8. caps lock
def gen_all_caps():
    for p in pool():
        if p["id"] in gkey and p["model"] in p["title"] and title_type(p) and rng.random() < 0.3:
            q = f"{p['brand']} {p['model']} {title_type(p)}"
            rel = group_of(p)
        else:
            w = shopper_prefix(p, 3, 7)
            if not w:
                continue
            rel = prefix_rel(p, w)
            if not rel:
                continue
            q = " ".join(w)
        if emit("all_caps", q.upper(), ids(rel)):
            emit("all_caps_control", q, ids(rel))
        if nq("all_caps") >= N:
            return


# ------------------------------------------------------------------ 9. EAN / UPC in printed groups
def gen_ean_spaced():
    byean = collections.defaultdict(set)
    for x in ps:
        for e in x["ean"] or []:
            byean[e].add(x["id"])
    for p in pool():
        es = [e for e in p["ean"] or [] if len(e) == 13 and e.isdigit()]
        if not es:
            continue
        e = rng.choice(es)
        rel = [byid[i] for i in byean[e]]
        if not all_train(rel):
            continue
        r = rng.random()
        if e.startswith("0") and r < 0.35:
            u = e[1:]
            q = rng.choice([f"{u[0]} {u[1:6]} {u[6:11]} {u[11]}", f"{u[0]}-{u[1:6]}-{u[6:11]}-{u[11]}",
                            f"{u[:6]} {u[6:]}"])
        elif r < 0.75:
            q = rng.choice([f"{e[0]} {e[1:7]} {e[7:]}", f"{e[0]}-{e[1:7]}-{e[7:]}", f"{e[:7]} {e[7:]}"])
        else:
            q = " ".join(e[i:i + 4] for i in range(0, 13, 4)) if rng.random() < 0.5 else \
                "-".join(e[i:i + 4] for i in range(0, 13, 4))
        if rng.random() < 0.2:
            q = rng.choice(["ean ", "EAN: ", "upc ", "barcode "]) + q
        if emit("ean_spaced", q, ids(rel)):
            emit("ean_spaced_control", e, ids(rel))
        if nq("ean_spaced") >= N:
            return


# ------------------------------------------------------------------ 10. "+" and "&" as words
def symbol_norm(s):
    s = re.sub(r"\+(?=\s|$)", " plus ", clean(s)).replace("&", " and ")
    return norm_words(s)


def gen_symbol_words():
    for p in pool():
        t = clean(p["title"]).split()
        hits = [i for i, w in enumerate(t[:8]) if w in ("&", "+") or re.fullmatch(r"[A-Za-z0-9\-]+\+", w)]
        if not hits or t[0].lower() != p["brand"].split()[0].lower():
            continue
        i = hits[0]
        w = t[:i + 1 + rng.randint(0, 2)]
        while len(w) > i + 1 and (re.fullmatch(r"[\d.,\-/]+|\W+", w[-1]) or w[-1].lower() in STOP):
            w = w[:-1]
        if len(w) < 2 or w[-1] in ("&", "+") or "(" in " ".join(w) or ")" in " ".join(w):
            continue
        rel = family(p["brand"], symbol_norm(" ".join(w)), symbol_norm)
        if p["id"] in gkey and p["model"] in w:
            rel = (rel or []) + group_of(p)
        if not rel or not all_train(rel):
            continue
        w2 = []
        for x in w:
            if x == "&":
                w2.append("and")
            elif x == "+":
                w2.append("plus")
            elif "+" in x:
                w2.append(x.replace("+", rng.choice([" plus", "plus", " plus "])).strip())
            else:
                w2.append(x)
        q = " ".join(w2)
        if rng.random() < 0.6:
            q = q.lower()
        if emit("symbol_words", q, ids(rel)):
            emit("symbol_words_control", " ".join(w).lower() if q.islower() else " ".join(w), ids(rel))
        if nq("symbol_words") >= N:
            return


# ------------------------------------------------------------------ 11. search as you type
def gen_last_word_partial():
    for p in pool():
        t = clean(p["title"]).split()
        if not t or t[0].lower() != p["brand"].split()[0].lower():
            continue
        k = rng.randint(2, 5)
        if len(t) <= k:
            continue
        full, nxt = t[:k], t[k]
        if "(" in " ".join(full + [nxt]) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9\-]{4,}", nxt):
            continue
        cut = nxt[:rng.randint(2, len(nxt) - 2)]
        if not re.search(r"[A-Za-z]{2}", cut):
            continue
        fw = norm_words(" ".join(full))
        pc = alnum(cut)
        rel = [x for x in bybrand[p["brand"]] if norm_words(x["title"])[:len(fw)] == fw
               and len(norm_words(x["title"])) > len(fw) and norm_words(x["title"])[len(fw)].startswith(pc)]
        if not (1 <= len(rel) <= 10) or not all_train(rel) or len(norm_words(cut)) != 1:
            continue
        q = " ".join(full + [cut])
        if rng.random() < 0.6:
            q = q.lower()
        emit("last_word_partial", q, ids(rel))
        if nq("last_word_partial") >= N:
            return


KINDS = [("type_first_code", gen_type_first_code), ("code_head_dropped", gen_code_head_dropped),
         ("price_added", gen_price_added), ("year_added", gen_year_added), ("quantity_prefix", gen_quantity_prefix),
         ("number_words", gen_number_words), ("spelling_variant", gen_spelling_variant), ("all_caps", gen_all_caps),
         ("ean_spaced", gen_ean_spaced), ("symbol_words", gen_symbol_words),
         ("last_word_partial", gen_last_word_partial)]
K.run(KINDS)
# a kind's control (control/): the same queries without what the kind adds (the price, the caps, the words
# for the symbols), same relevance, to tell the kind's own effect from the title prefix's
K.write(controls=True)
