#!/usr/bin/env python3
"""A fifth set of adversarial known-item / shopper query kinds, built only from train-part products.

Train part as in data/known-item/reviewed-kinds/gen_kinds.py, more-kinds/gen.py, third-kinds/gen.py and
fourth-kinds/gen.py: products of (brand, code) groups named in a *-train.csv or in no known-item file; a
group holding a product of a *-test.csv is excluded, and every query whose relevant set holds a test
product (or a product of an excluded group) is dropped (asserted in emit). None of the kinds below is one
of the 52 earlier ones (reviewed-kinds 17, more-kinds 11, third-kinds 13, fourth-kinds 11) or the typo set.

Relevance is read from the catalogue: a query naming a code judges its (brand, code) group; a title-prefix
query, every product of the brand whose title begins with the query's words (as fourth-kinds), plus the
group when the words hold the product's code.

Kinds (query,docid,rating,type; rating 1 for the intended product(s)):
  description_words   the product's own description words instead of its title (Icecat's
                      short_description, its model code left out, brand first at times): "xerox toner
                      (6 per box) for copycentre c65 digital copier"; relevant: the brand's products whose
                      description or title holds the words in order
  two_codes           two sibling products of one brand and type named together, as a shopper comparing
                      or ordering either ("hp cf280a or cf280x", "c9425a / c9426a ink cartridge",
                      "lc980bk vs lc980c"); relevant: both groups
  code_not_sibling    a code and a sibling's code the shopper does not want ("hp cf280x not cf280a",
                      "cf280x (not cf280a)", "cf280x instead of cf280a", "cf280x -cf280a"); relevant: the
                      first group only
  url_slug            brand + code or a title prefix pasted from a URL: words joined by "-", "+", "_" or
                      "%20" ("hp-laserjet-pro-m402dn", "logitech+wireless+keyboard+k350")
  punct_emoji         brand + code or a title prefix in title case or as typed, with trailing punctuation,
                      an emoticon or an emoji, or in quotes ("Hp Laserjet Pro M402dn??", "hp cf280a 👍",
                      '"kingston datatraveler 32gb"')
  colour_abbrev       a cartridge's number with its colour as the shop code ("hp 82 c", "lexmark 100xl y",
                      "canon c-exv29 toner bk", "xerox 106r01457 MAG"); relevant: the brand's titles that
                      begin with brand + number and name that colour only
  brand_owner         the brand as its owner, former owner or new name writes it ("eaton tripp lite ...",
                      "apc by schneider electric ...", "kingston hyperx fury ...", "toshiba dynabook ...",
                      "neomounts ...", "ibm thinkpad ...", "fujitsu siemens ...", "fuji xerox ...")
  line_type           the product line and the product type, no number ("lenovo thinkvision monitor",
                      "valueram memory module"); relevant: the brand's titles holding the line word and the
                      type words in order (at most 12)
  repeated_words      a word pasted or autocompleted twice ("hp hp cf280a", "cf280a cf280a",
                      "logitech wireless wireless keyboard", "hp cf280a hp cf280a")
  vendor_prefix_sku   a wholesaler's item number: a 3-letter vendor prefix glued to the maker's code, as
                      office-supply distributors list them ("HEWCF280A", "BRTTN2320", "LEXC540H2YG",
                      "KMW64325"), alone or with a type word
  code_plural         the code written as a plural or possessive ("tn-2320s", "cf280a's", "hp 364xls
                      ink cartridges"); a code whose plural is another code of the catalogue is skipped
Each kind but two_codes, line_type, description_words and colour_abbrev has a control in control/: the
same query without what the kind adds (the plain slug words, no punctuation, no repetition, the brand
as the catalogue writes it, the code without the vendor prefix or plural, the wanted code alone).
Usage: python3 data/known-item/fifth-kinds/gen.py [seed]   (default seed 67; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc  # the catalogue, the train part, the per-kind streams and rows of every generator
from kinds_common import STOP, alnum, clean, contains_seq, ids, norm_words, plural, title_type

SEED = kc.seed_arg(67)
N = 120
OUT = os.path.dirname(os.path.abspath(__file__))

K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, groups, gkey, bybrand = K.ps, K.groups, K.gkey, K.bybrand
all_train, group_of, prefix_rel = K.all_train, K.group_of, K.prefix_rel
rng, emit, emit_pair, nq, pool, coded_pool = K.rng, K.emit, K.emit_pair, K.nq, K.pool, K.coded_pool
respell, brand_as_typed, shopper_prefix, code_or_prefix, sibling = (
    K.respell, K.brand_as_typed, K.shopper_prefix, K.code_or_prefix, K.sibling)
all_codes = {k[1] for k in groups}


# ------------------------------------------------------------------ 1. the description's words
def gen_description_words():
    for p in pool():
        d = p.get("short_description")
        if not d or not p["brand"]:
            continue
        dw = clean(d).replace("(", " ").replace(")", " ").split()
        if not (3 <= len(dw) <= 14):
            continue
        code = alnum(p["model"] or "")
        words = [w for w in dw if not (len(code) >= 4 and code in alnum(w)) and alnum(w) != alnum(p["brand"])
                 and not (len(alnum(w)) >= 5 and alnum(w) in all_codes)]
        k = rng.randint(4, 8)
        w = words[:k]
        while w and (re.fullmatch(r"[\W\d.,\-/]+", w[-1]) or w[-1].lower().strip(",.") in STOP):
            w = w[:-1]
        w = [x.strip(",;.") for x in w]
        nw = norm_words(" ".join(w))
        if len(nw) < 3:
            continue
        tw = set(norm_words(p["title"]))
        if len([x for x in nw if x not in tw]) < 2:
            continue   # the description must say what the title does not
        rel = [x for x in bybrand[p["brand"]] if contains_seq(norm_words(x.get("short_description") or ""), nw)
               or contains_seq(norm_words(x["title"]), nw)]
        if not (1 <= len(rel) <= 10) or not all_train(rel):
            continue
        q = " ".join(w)
        if rng.random() < 0.7:
            q = f"{brand_as_typed(p['brand'])} {q}"
        if rng.random() < 0.6:
            q = q.lower()
        emit("description_words", q, ids(rel))
        if nq("description_words") >= N:
            return


# ------------------------------------------------------------------ 2./3. two codes; a code and the one not wanted
def code_pair(p):
    if p["id"] not in gkey or not title_type(p):
        return None
    s = sibling(p)
    if not s or not all_train(group_of(p)) or not all_train(group_of(s)):
        return None
    return s


def gen_two_codes():
    for p in coded_pool():
        s = code_pair(p)
        if not s:
            continue
        a, b = respell(p["model"]), respell(s["model"])
        if rng.random() < 0.3:
            a, b = a.lower(), b.lower()
        sep = rng.choice([" or ", " / ", " vs ", ", ", " and ", " & ", " or "])
        q = a + sep + b
        if rng.random() < 0.35:
            q = f"{q} {title_type(p)}"
        if rng.random() < 0.6:
            q = f"{brand_as_typed(p['brand'])} {q}"
        emit("two_codes", q, ids(group_of(p) + group_of(s)))
        if nq("two_codes") >= N:
            return


def gen_code_not_sibling():
    for p in coded_pool():
        s = code_pair(p)
        if not s:
            continue
        a, b = respell(p["model"]), respell(s["model"])
        form = rng.choice(["{a} not {b}", "{a} (not {b})", "{a} instead of {b}", "{a} -{b}", "{a} not the {b}",
                           "{a} but not {b}", "{a} no {b}"])
        q = form.format(a=a, b=b)
        base = a
        if rng.random() < 0.6:
            br = brand_as_typed(p["brand"])
            q, base = f"{br} {q}", f"{br} {a}"
        if rng.random() < 0.2:
            q, base = f"{title_type(p)} {q}", f"{title_type(p)} {base}"
        emit_pair("code_not_sibling", q, base, group_of(p))
        if nq("code_not_sibling") >= N:
            return


# ------------------------------------------------------------------ 4. a URL slug
def gen_url_slug():
    for p in pool():
        cp = code_or_prefix(p)
        if not cp:
            continue
        x, rel = cp
        words = x.lower().split()
        if len(words) < 2:
            continue
        r = rng.random()
        sep = "-" if r < 0.5 else "+" if r < 0.75 else "_" if r < 0.9 else "%20"
        emit_pair("url_slug", sep.join(words), " ".join(words), rel)
        if nq("url_slug") >= N:
            return


# ------------------------------------------------------------------ 5. punctuation, emoji, title case
DECOR = ["?", "??", "!", "!!!", "...", " ?", " !", " 🙂", " 👍", " 🔥🔥", " ❤️", " :)", " :-(", "?!", " 🙏", " 😍"]


def title_case(s):
    return " ".join(w[:1].upper() + w[1:].lower() for w in s.split())


def gen_punct_emoji():
    for p in pool():
        cp = code_or_prefix(p)
        if not cp:
            continue
        x, rel = cp
        q = title_case(x) if rng.random() < 0.4 else x
        r = rng.random()
        if r < 0.2:
            q = rng.choice(['"{}"', "'{}'", "*{}*", "«{}»", "“{}”"]).format(q)
        elif r < 0.35:
            q = rng.choice(["🔥 ", "👉 ", ">> ", "- "]) + q + rng.choice(DECOR)
        else:
            q = q + rng.choice(DECOR)
        emit_pair("punct_emoji", q, x, rel)
        if nq("punct_emoji") >= N:
            return


# ------------------------------------------------------------------ 6. colour as the shop's code
ABBREV = {"black": ["bk", "blk", "k", "BK", "BLK"], "cyan": ["c", "cy", "cyn", "C", "CY"],
          "magenta": ["m", "mg", "mag", "M", "MAG"], "yellow": ["y", "ye", "yel", "Y", "YL"]}
FOUR = set(ABBREV)


def gen_colour_abbrev():
    for p in pool():
        if not p["brand"]:
            continue
        m = re.match(re.escape(p["brand"]) + r" (\S+)(?: (.*?))? Original (Black|Cyan|Magenta|Yellow)(?: \d+ pc\(s\))?$",
                     p["title"])
        if not m:
            continue
        num, mid, col = m.group(1), m.group(2) or "", m.group(3).lower()
        a = alnum(num)
        tail = re.sub(r".*\d", "", a)
        if not re.search(r"\d", a) or re.search(r"[bcmyk]", tail) or "," in num:
            continue
        head = (p["brand"] + " " + num + " ").lower()
        rel = [x for x in bybrand[p["brand"]] if x["title"].lower().startswith(head)
               and col in norm_words(x["title"]) and not (FOUR - {col}) & set(norm_words(x["title"]))]
        if not (1 <= len(rel) <= 10) or not all_train(rel):
            continue
        typ = ""
        mw = mid.lower().split()
        if mw and rng.random() < 0.5:
            typ = " " + " ".join(mw[:2])
        elif rng.random() < 0.3:
            typ = " " + rng.choice(["ink", "toner", "cartridge"]) if not mw else ""
        ab = rng.choice(ABBREV[col])
        br = brand_as_typed(p["brand"]) + " " if rng.random() < 0.85 else ""
        n = num.lower() if rng.random() < 0.5 else num
        q = f"{br}{n}{typ} {ab}" if rng.random() < 0.7 else f"{br}{n} {ab}{typ}"
        emit("colour_abbrev", q, ids(rel))
        if nq("colour_abbrev") >= N:
            return


# ------------------------------------------------------------------ 7. the brand as its owner writes it
OWNER = {"Tripp Lite": ["eaton tripp lite", "tripp lite by eaton", "eaton"],
         "APC": ["schneider electric apc", "apc by schneider electric", "schneider electric", "schneider apc"],
         "HyperX": ["kingston hyperx", "hp hyperx", "kingston"],
         "Alienware": ["dell alienware"],
         "Dell Wyse": ["wyse"],
         "Dynabook": ["toshiba dynabook", "toshiba"],
         "Vertiv": ["emerson network power", "emerson"],
         "Newstar": ["neomounts", "neomounts by newstar"],
         "Senseo": ["philips senseo"],
         "Oral-B": ["braun oral-b"],
         "Fujitsu": ["fujitsu siemens", "fujitsu-siemens"],
         "Xerox": ["fuji xerox"]}


def owner_phrase(p):
    if p["brand"] in OWNER:
        return rng.choice(OWNER[p["brand"]])
    if p["brand"] == "Lenovo" and re.search(r"\bThink(Pad|Centre|Vision|Station)\b", p["title"]):
        return "ibm"
    if p["brand"] == "HP" and "ProCurve" in p["title"]:
        return rng.choice(["hpe", "hpe aruba"])
    return None


def gen_brand_owner():
    per = collections.Counter()
    for p in pool():
        if per[p["brand"]] >= 25:
            continue
        own = owner_phrase(p)
        if not own:
            continue
        nb = len(p["brand"].split())
        if p["id"] in gkey and p["model"] in p["title"] and rng.random() < 0.5:
            rest, rel = respell(p["model"]), group_of(p)
            typ = title_type(p)
            if typ and rng.random() < 0.4:
                rest = f"{rest} {typ}"
        else:
            w = shopper_prefix(p, 3, 6)
            if not w or [x.lower() for x in w[:nb]] != p["brand"].lower().split() or len(w) <= nb:
                continue
            rel = prefix_rel(p, w)
            if not rel:
                continue
            rest = " ".join(w[nb:])
        if not all_train(rel):
            continue
        if rng.random() < 0.6:
            rest = rest.lower()
        if emit("brand_owner", f"{own} {rest}", ids(rel)):
            emit("brand_owner_control", f"{p['brand'].lower()} {rest}", ids(rel))
            per[p["brand"]] += 1
        if nq("brand_owner") >= N:
            return


# ------------------------------------------------------------------ 8. line + type
GENERIC = {"original", "black", "white", "usb", "wireless", "cable", "toner", "memory", "power", "network", "high",
           "standard", "premium", "photo", "paper", "mini", "micro", "universal", "replacement", "compatible", "value",
           "professional", "portable", "digital", "color", "colour", "multi", "smart", "super", "ultra"}
bybrand_words = collections.defaultdict(set)
for _p in ps:
    bybrand_words[_p["brand"]].update(norm_words(_p["title"]))
word_brands = collections.defaultdict(set)
for _b, _ws in bybrand_words.items():
    for _w in _ws:
        word_brands[_w].add(_b)


def line_word(p):
    t = clean(p["title"]).split()
    nb = len(p["brand"].split())
    if len(t) <= nb + 1 or [x.lower() for x in t[:nb]] != p["brand"].lower().split():
        return None
    w = t[nb]
    if not re.fullmatch(r"[A-Z][A-Za-z]{3,}", w) or w.lower() in GENERIC:
        return None
    camel = re.fullmatch(r"[A-Z][a-z]+[A-Z][A-Za-z]*", w)
    own = word_brands[w.lower()] <= {p["brand"]} and \
        sum(w.lower() in norm_words(x["title"]) for x in bybrand[p["brand"]]) >= 3
    return w if camel or own else None


def type_words(p, lw):
    """The title's first run of 1-2 lower-case words after the line word (the product type)."""
    t = clean(p["title"]).split()
    for i, w in enumerate(t):
        if i <= t.index(lw):
            continue
        if re.fullmatch(r"[a-z][a-z\-]{2,}", w) and w not in STOP and w not in ("pcs", "pc"):
            run = [w]
            if i + 1 < len(t) and re.fullmatch(r"[a-z][a-z\-]{2,}", t[i + 1]) and t[i + 1] not in STOP:
                run.append(t[i + 1])
            return run
    return None


def gen_line_type():
    for p in pool():
        lw = line_word(p)
        tw = type_words(p, lw) if lw else None
        if not tw:
            continue
        lwn, twn = norm_words(lw), norm_words(" ".join(tw))
        rel = [x for x in bybrand[p["brand"]] if set(lwn) <= set(norm_words(x["title"]))
               and contains_seq(norm_words(x["title"]), twn)]
        if not (1 <= len(rel) <= 12) or not all_train(rel):
            continue
        r = rng.random()
        q = f"{lw} {' '.join(tw)}" if r < 0.3 else f"{brand_as_typed(p['brand'])} {lw} {' '.join(tw)}"
        emit("line_type", q.lower() if rng.random() < 0.6 else q, ids(rel))
        if nq("line_type") >= N:
            return


# ------------------------------------------------------------------ 9. a word twice
def gen_repeated_words():
    for p in pool():
        cp = code_or_prefix(p)
        if not cp:
            continue
        x, rel = cp
        w = x.split()
        if len(w) < 2:
            continue
        r = rng.random()
        if r < 0.3:
            q = " ".join([w[0]] + w)                       # the brand twice
        elif r < 0.55:
            q = " ".join(w + [w[-1]])                      # the last word twice (the code, for brand + code)
        elif r < 0.75:
            q = " ".join(w + w)                            # pasted twice
        else:
            i = rng.randrange(len(w))
            q = " ".join(w[:i + 1] + [w[i]] + w[i + 1:])   # any word twice
        emit_pair("repeated_words", q, x, rel)
        if nq("repeated_words") >= N:
            return


# ------------------------------------------------------------------ 10. a wholesaler's item number
VENDOR = {"HP": "HEW", "Lexmark": "LEX", "Epson": "EPS", "Brother": "BRT", "Canon": "CNM", "Xerox": "XER",
          "OKI": "OKI", "KYOCERA": "KYO", "APC": "APW", "Tripp Lite": "TRP", "Kensington": "KMW",
          "Verbatim": "VER", "Targus": "TRG", "Logitech": "LOG", "DYMO": "DYM", "Samsung": "SAS"}


def gen_vendor_prefix_sku():
    per = collections.Counter()
    for p in coded_pool():
        v = VENDOR.get(p["brand"])
        if not v or per[p["brand"]] >= 30:
            continue
        code = re.sub(r"[^0-9A-Za-z]", "", p["model"]).upper()
        r = rng.random()
        sku = v + code if r < 0.75 else (v + code).lower() if r < 0.9 else f"{v}-{code}"
        base = p["model"]
        typ = title_type(p)
        if typ and rng.random() < 0.3:
            sku, base = f"{sku} {typ}", f"{base} {typ}"
        if emit("vendor_prefix_sku", sku, ids(group_of(p))):
            emit("vendor_prefix_sku_control", base, ids(group_of(p)))
            per[p["brand"]] += 1
        if nq("vendor_prefix_sku") >= N:
            return


# ------------------------------------------------------------------ 11. the code as a plural
def gen_code_plural():
    brand_codes = collections.defaultdict(set)
    for k in groups:
        brand_codes[k[0]].add(k[1])
    for p in coded_pool():
        a = alnum(p["model"])
        if " " in p["model"].strip() or a.endswith("s") or a + "s" in all_codes or not re.search(r"[0-9a-z]$", p["model"].lower()):
            continue
        code = respell(p["model"])
        form = rng.choice(["{c}s", "{c}s", "{c}'s", "{c}S", "{c}’s"])
        pc = form.format(c=code)
        if form == "{c}S" and code != code.upper():
            pc = code + "s"
        q, base = pc, code
        if rng.random() < 0.6:
            br = brand_as_typed(p["brand"])
            q, base = f"{br} {q}", f"{br} {base}"
        typ = title_type(p)
        if typ and rng.random() < 0.35:
            tw = typ.split()
            tw[-1] = plural(tw[-1])
            q, base = f"{q} {' '.join(tw)}", f"{base} {' '.join(tw)}"
        emit_pair("code_plural", q, base, group_of(p))
        if nq("code_plural") >= N:
            return


KINDS = [("description_words", gen_description_words), ("two_codes", gen_two_codes),
         ("code_not_sibling", gen_code_not_sibling), ("url_slug", gen_url_slug), ("punct_emoji", gen_punct_emoji),
         ("colour_abbrev", gen_colour_abbrev), ("brand_owner", gen_brand_owner), ("line_type", gen_line_type),
         ("repeated_words", gen_repeated_words), ("vendor_prefix_sku", gen_vendor_prefix_sku),
         ("code_plural", gen_code_plural)]
K.run(KINDS)
# a kind's control (control/): the same queries without what the kind adds, same relevance
K.write(controls=True)
