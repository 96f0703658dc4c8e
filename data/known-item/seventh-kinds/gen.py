#!/usr/bin/env python3
"""A seventh set of adversarial known-item / shopper query kinds, built only from train-part products.

Train part as in data/known-item/reviewed-kinds/gen_kinds.py and the later gen.py files (kinds_common.py):
products of (brand, code) groups named in a *-train.csv or in no known-item file; a group holding a product
of a *-test.csv is excluded, and every query whose relevant set holds a test product (or a product of an
excluded group) is dropped (asserted in emit). None of the kinds below is one of the 75 earlier ones
(reviewed-kinds 17, more-kinds 11, third-kinds 13, fourth-kinds 11, fifth-kinds 11, sixth-kinds 12) or the
typo set. Twelve kinds, 120 queries each (code_list_glued, gtin14_padded and pack_count_prefix written after a
first evaluation of the other nine, to measure at full size the comma-glued lists of code_list and the pack
counts after a title prefix).

Relevance is read from the catalogue: a query naming a code judges its (brand, code) group; a title-prefix
query every product of the brand whose title begins with the query's words (as fourth- to sixth-kinds),
plus the group when the words hold the product's code.

Kinds (query,docid,rating,type; rating 1 for the intended product(s)):
  pack_count          a consumable's / cable's / battery's code with a pack count a shopper adds ("hp
                      cf280a 2 pack", "twin pack tn-2320", "c9425a pack of 3", "2er pack", "multipack");
                      the catalogue holds the single item and no pack of it (quantity_prefix of fourth-kinds
                      is an order line, "2x cf280a", not a pack size)
  condition_words     a device's code or title prefix with the condition a marketplace shopper asks for
                      ("hp m402dn refurbished", "renewed", "open box", "ex demo", "b-stock", "grade a",
                      "pre-owned"); marketing_noise (reviewed-kinds) adds "new", "sealed", "genuine"
  region_variant      a device's code or title prefix with the market variant a shopper adds as words ("eu
                      version", "international version"; "uk plug" for a mains-powered device; "qwertz", "uk
                      layout" for keyboards and notebooks; no consumables or cables);
                      code_suffix_glued / _separated (reviewed-kinds) glue a region code to the code ("-UK")
  size_first_code     the size or capacity the title carries, first, then brand (type) code ('27 inch dell
                      u2717d', '8gb kingston kvr16n11/8', '2tb seagate st2000dm001 hard drive', '3m c2g ...')
  unicode_paste       brand + code pasted from a PDF, a web page or another keyboard: an en dash or
                      non-breaking hyphen for the hyphen, a non-breaking or zero-width space, a soft hyphen,
                      full-width characters (an East Asian IME), Cyrillic look-alike letters, curly quotes,
                      "®" after the brand
  ean_typo            the EAN-13 / UPC with one digit mistyped (replaced or two neighbours swapped), as a
                      merchant keys it in; relevant: the products carrying the true barcode (ean / ean_spaced
                      of more- and fourth-kinds type it right)
  code_list           a reorder list: three codes of one brand and product type ("hp cf280a, ce285a, cf226a",
                      "tn-2320 / tn-2010 / tn-3380"); relevant: the three groups (two_codes of fifth-kinds
                      names two siblings)
  code_moved_last     a marketplace title: the catalogue title's words with the code moved to the end behind
                      " - ", " | ", ", " or in brackets ("Kingston ValueRAM 8GB DDR3 1600MHz - KVR16N11/8",
                      "HP Toner black [CF280A]")
  series_word         brand + code with "series" ("hp cf280a series", "brother hl-l2350dw series printer")
  code_list_glued     two or three codes of one brand and type glued as a spreadsheet column, a CSV row or an
                      ERP export pastes them ("L1731A,L1720A,L1551A", "lexmark 12A7460;E352H11E", "r640/t140/r740",
                      "a|b|c"); relevant: all listed groups
  gtin14_padded       the barcode as a merchant feed's GTIN-14, zero-padded to 14 digits ("00757120834120",
                      "gtin: 05060101699072"); relevant: the products carrying it
  pack_count_prefix   pack_count after a title prefix instead of a code ("startech.com 4 ft retractable twinpack",
                      "c2g 6ft db25 set of 2"); relevant as a title-prefix query
Every kind but code_list and code_list_glued has a control in control/: the same query without what the kind
adds (no pack, condition or region words, no size, plain ASCII, the right EAN / the EAN-13, the catalogue's word
order, no "series"), same relevance.
Usage: python3 data/known-item/seventh-kinds/gen.py [seed]   (default seed 69; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc  # the catalogue, the train part, the per-kind streams and rows of every generator
from kinds_common import alnum, clean, title_type

SEED = kc.seed_arg(69)
N = 120
OUT = os.path.dirname(os.path.abspath(__file__))

K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, byid, groups, gkey, bybrand = K.ps, K.byid, K.groups, K.gkey, K.bybrand
all_train, group_of = K.all_train, K.group_of
rng, emit, emit_rated, emit_pair, nq, pool, coded_pool = K.rng, K.emit, K.emit_rated, K.emit_pair, K.nq, K.pool, K.coded_pool
respell, brand_as_typed, code_or_prefix = K.respell, K.brand_as_typed, K.code_or_prefix
all_codes = {k[1] for k in groups}


def coded():
    """One train product per (brand, code) group whose title carries the code, in pool order."""
    seen = set()
    for p in coded_pool():
        k = gkey[p["id"]]
        if k in seen or not all_train(group_of(p)) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-./#+]*", p["model"]):
            continue
        seen.add(k)
        yield p


def brand_or_none(p, share=0.7):
    return brand_as_typed(p["brand"]) if rng.random() < share else ""


def join(*parts):
    return " ".join(x for x in parts if x)


def has_word(title, rx):
    return re.search(rx, title.lower()) is not None


CONSUMABLE = r"\b(toner|ink|cartridge|drum|ribbon|batter(y|ies)|cable|label|labels|tape|paper|lamp|bulb|memory|" \
             r"flash drive|memory card|dvd|cd-r|disc|staples?|fuser|maintenance kit|photoconductor|imaging unit)\b"


# ------------------------------------------------------------------ 1. a pack count
PACKS = ["{n} pack", "{n}-pack", "{n}pk", "{n} pk", "pack of {n}", "{n} pack value", "{n}er pack", "set of {n}",
         "bundle of {n}", "{n} pcs pack", "twin pack", "twinpack", "multipack", "value pack", "multi pack"]
PACKED = r"\b(pack|packs|pk|\d+pk|twin|twinpack|multipack|multi-pack|set|kit|bundle|pc\(s\)|pcs|pieces?)\b|\b\d+-pack\b"


def gen_pack_count():
    for p in coded():
        if not has_word(p["title"], CONSUMABLE) or any(has_word(x["title"], PACKED) for x in group_of(p)):
            continue
        n = rng.choice([2, 2, 2, 3, 3, 4, 5, 6, 10])
        pk = rng.choice(PACKS).format(n=n)
        br, code = brand_or_none(p), respell(p["model"])
        typ = title_type(p) if rng.random() < 0.3 else None
        base = join(br, code, typ)
        q = join(base, pk) if rng.random() < 0.75 else join(pk, base)
        emit_pair("pack_count", q, base, group_of(p))
        if nq("pack_count") >= N:
            return


# ------------------------------------------------------------------ 2. the condition a marketplace shopper asks for
CONDITION = ["refurbished", "renewed", "used", "open box", "ex demo", "ex-display", "b-stock", "grade a refurbished",
             "pre-owned", "second hand", "reconditioned", "certified refurbished", "like new", "refurb",
             "factory refurbished", "manufacturer refurbished", "grade b", "refurbished grade a"]
CONDITION_RX = r"\b(refurb\w*|renew\w*|used|open|demo|display|stock|grade|owned|second|recondition\w*|like|new)\b"


def gen_condition_words():
    for p in pool():
        if has_word(p["title"], CONSUMABLE) or has_word(p["title"], CONDITION_RX):
            continue
        r = code_or_prefix(p)
        if not r:
            continue
        base, rel = r
        c = rng.choice(CONDITION)
        q = f"{base} {c}" if rng.random() < 0.7 else f"{c} {base}"
        emit_pair("condition_words", q, base, rel)
        if nq("condition_words") >= N:
            return


# ------------------------------------------------------------------ 3. the market variant as words
REGION = ["eu version", "uk version", "us version", "eu plug", "uk plug", "us plug", "international version",
          "european version", "uk model", "eu model", "(eu)", "uk spec", "euro plug", "de version", "uk edition",
          "global version", "eu warranty"]
LAYOUT = ["uk layout", "us layout", "qwerty", "qwertz", "azerty", "german layout", "uk keyboard", "nordic layout",
          "us international", "qwerty uk"]
REGION_RX = r"\b(uk|us|eu|euro|europe|european|qwerty|qwertz|azerty|german|english|french|nordic|international|" \
            r"intl|plug|version|edition|global|layout|de|fr|it|es|nl|pan|nordic|swiss|belgian|spanish|italian)\b"


MAINS = r"\b(ups|uninterruptible|printer|multifunctional|monitor|tv|notebook|laptop|charger|power adapter|power supply|" \
        r"projector|desktop pc|all-in-one pc|workstation|server|speaker|speakers|scanner|router|shredder|coffee|" \
        r"vacuum|shaver|toothbrush|kettle|iron|blender|heater)\b"
DEVICE = r"\b(smartphone|mobile phone|tablet|camera|camcorder|headphones|headset|mouse|keyboard|mp3 player|" \
         r"media player|smartwatch|access point|modem|webcam|calculator|navigator|e-book reader)\b"
NOT_DEVICE = r"\b(case|bag|backpack|sleeve|cover|pouch|mount|stand|holder|strap|wrist|lock|bracket|rack|filter|" \
             r"protector|original|cable|battery|lamp|kit|spare|module|processor|card)\b"


def gen_region_variant():
    for p in pool():
        if has_word(p["title"], REGION_RX):
            continue
        r = code_or_prefix(p)
        if not r:
            continue
        base, rel = r
        if has_word(p["title"], NOT_DEVICE) or has_word(p["title"], CONSUMABLE):
            continue  # no shopper asks for the EU version of a label, a cable or a bag
        kb = has_word(p["title"], r"\b(keyboard|notebook|laptop|keyboards)\b")
        mains = has_word(p["title"], MAINS)
        if not (kb or mains or has_word(p["title"], DEVICE)):
            continue  # no shopper asks for the EU version of a label or a cable
        regs = [x for x in REGION if mains or "plug" not in x]
        reg = rng.choice(LAYOUT if kb and rng.random() < 0.7 else regs)
        q = f"{base} {reg}" if rng.random() < 0.85 else f"{reg} {base}"
        emit_pair("region_variant", q, base, rel)
        if nq("region_variant") >= N:
            return


# ------------------------------------------------------------------ 4. the size or capacity first
SCREEN = re.compile(r'\((\d{2}(?:\.\d)?)"\)|(?<![\d.])(\d{2}(?:\.\d)?)"')
CAPACITY = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(GB|TB)\b")
LENGTH = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?m\b")
WATT = re.compile(r"(?<![\w.])(\d+)\s?W\b")


def size_of(t):
    """(kind, number, how a shopper writes it) for the first size or capacity the title carries."""
    m = SCREEN.search(t)
    if m:
        s = m.group(1) or m.group(2)
        return s, rng.choice([f"{s} inch", f'{s}"', f"{s}in", f"{s}-inch", f"{s}''", f"{s} in"])
    m = CAPACITY.search(t)
    if m:
        n, u = m.group(1), m.group(2).lower()
        if float(n) < 1:
            return None  # "0.25 GB": a shopper writes "256mb"
        return n, rng.choice([f"{n}{u}", f"{n} {u}", f"{n}{u.upper()}"])
    m = LENGTH.search(t)
    if m:
        n = m.group(1)
        return n, rng.choice([f"{n}m", f"{n} m", f"{n} metre", f"{n} meter"])
    m = WATT.search(t)
    if m:
        n = m.group(1)
        return n, rng.choice([f"{n}w", f"{n} w", f"{n} watt"])
    return None


def gen_size_first_code():
    for p in coded():
        s = size_of(clean(p["title"]))
        if not s:
            continue
        num, typed = s
        if any(not re.search(r"(?<![\d.])" + re.escape(num) + r"(?![\d])", x["title"]) for x in group_of(p)):
            continue  # the group's titles disagree on the size
        if num in alnum(p["model"]):
            pass  # a code holding the number ("kvr16n11/8") is what shoppers have too; kept
        br, code = brand_as_typed(p["brand"]), respell(p["model"])
        typ = title_type(p) if rng.random() < 0.4 else None
        form = rng.random()
        if form < 0.5:
            q, base = join(typed, br, code, typ), join(br, code, typ)
        elif form < 0.8:
            q, base = join(typed, br, typ, code), join(br, typ, code)
        else:
            q, base = join(typed, typ, br, code), join(typ, br, code)
        emit_pair("size_first_code", q, base, group_of(p))
        if nq("size_first_code") >= N:
            return


# ------------------------------------------------------------------ 5. pasted characters
CYR = {"A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т", "X": "Х",
       "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у"}


def fullwidth(s):
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in s)


def gen_unicode_paste():
    # emit's dedupe collapses every whitespace run (a non-breaking space too) to " ": this kind dedupes itself
    K.dedupe, seen = None, set()
    try:
        _unicode_paste(seen)
    finally:
        K.dedupe = "lower"


def _unicode_paste(seen):
    for p in coded():
        code = respell(p["model"])
        br = brand_or_none(p, 0.8)
        base = join(br, code)
        ops = ["nbsp", "zwsp", "shy", "fullwidth", "cyrillic", "quotes", "reg"]
        if "-" in code:
            ops += ["dash", "dash", "nbhyphen"]
        op = rng.choice(ops)
        if op == "dash":
            c2 = code.replace("-", rng.choice(["\u2013", "\u2014", "\u2012"]))
            q = join(br, c2)
        elif op == "nbhyphen":
            q = join(br, code.replace("-", "\u2011"))
        elif op == "nbsp":
            if not br:
                continue
            q = f"{br}\u00a0{code}" + ("\u00a0" if rng.random() < 0.3 else "")
        elif op in ("zwsp", "shy"):
            i = rng.randint(1, len(code) - 1)
            q = join(br, code[:i] + ("\u200b" if op == "zwsp" else "\u00ad") + code[i:])
        elif op == "fullwidth":
            q = fullwidth(base) if rng.random() < 0.5 else join(br, fullwidth(code))
        elif op == "cyrillic":
            idx = [i for i, ch in enumerate(code) if ch in CYR]
            if not idx:
                continue
            i = rng.choice(idx)
            q = join(br, code[:i] + CYR[code[i]] + code[i + 1:])
        elif op == "quotes":
            q = join(br, "\u201c" + code + "\u201d")
        else:
            if not br:
                continue
            q = f"{br}{rng.choice(['®', '™', ' ®'])} {code}"
        if q.lower() in seen:
            continue
        seen.add(q.lower())
        emit_pair("unicode_paste", q, re.sub(r"\s+", " ", base).strip(), group_of(p))
        if nq("unicode_paste") >= N:
            return


# ------------------------------------------------------------------ 6. a barcode with one digit wrong
def gen_ean_typo():
    byean = collections.defaultdict(set)
    for x in ps:
        for e in x["ean"] or []:
            byean[e].add(x["id"])
    for p in pool():
        eans = [e for e in p["ean"] or [] if re.fullmatch(r"\d{12,13}", e)]
        if not eans:
            continue
        e = rng.choice(eans)
        rel = [byid[i] for i in sorted(byean[e])]
        if not all_train(rel) or len(rel) > 10:
            continue
        shown = e[1:] if len(e) == 13 and e[0] == "0" and rng.random() < 0.4 else e  # a UPC as printed
        i = rng.randint(1, len(shown) - 1)
        if rng.random() < 0.6:
            d = rng.choice([c for c in "0123456789" if c != shown[i]])
            t = shown[:i] + d + shown[i + 1:]
        else:
            if shown[i] == shown[i - 1]:
                continue
            t = shown[:i - 1] + shown[i] + shown[i - 1] + shown[i + 1:]
        if t in byean or t.zfill(13) in byean or ("0" + t) in byean:
            continue
        form = rng.choice(["{}", "{}", "ean {}", "{} ean", "gtin {}", "upc {}"])
        if emit("ean_typo", form.format(t), [x["id"] for x in rel]):
            emit("ean_typo_control", form.format(shown), [x["id"] for x in rel])
        if nq("ean_typo") >= N:
            return


# ------------------------------------------------------------------ 7. a reorder list of three codes
SEPS = [", ", " ", " / ", "; ", " + ", " and ", ",", " | "]


def gen_code_list():
    cb = K.coded_by_brand()
    for p in coded():
        t = title_type(p)
        if not t:
            continue
        others = [x for k, x in sorted(cb[p["brand"]].items()) if k != gkey[p["id"]] and title_type(x) == t
                  and all_train(group_of(x)) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-./#+]*", x["model"])]
        if len(others) < 2:
            continue
        two = rng.sample(others, 2)
        items = [p] + two
        rel = [y for x in items for y in group_of(x)]
        if len(rel) > 12:
            continue
        sep = rng.choice(SEPS)
        low = rng.random() < 0.6
        codes_ = [x["model"].lower() if low else x["model"] for x in items]
        q = sep.join(codes_)
        r = rng.random()
        if r < 0.5:
            q = f"{brand_as_typed(p['brand'])} {q}"
        elif r < 0.65:
            q = f"{q} {t}"
        emit("code_list", q, [x["id"] for x in rel])
        if nq("code_list") >= N:
            return


# ------------------------------------------------------------------ 8. the code moved to the end
def gen_code_moved_last():
    for p in coded():
        t = clean(p["title"]).split()
        m = p["model"]
        if len(t) < 4 or t[0].lower() != p["brand"].split()[0].lower() or m not in t:
            continue
        i = t.index(m)
        if i == 0:
            continue
        k = rng.randint(2, 7)
        rest = t[i + 1:i + 1 + k]
        while rest and (rest[-1].lower() in kc.STOP or re.fullmatch(r"\W+", rest[-1])):
            rest = rest[:-1]
        if len(rest) < 2:
            continue
        head = t[:i]
        if head[0] == "Kingston" and len(head) > 1 and head[1] == "Technology" and rng.random() < 0.7:
            head = head[:1]
        words = " ".join(head + rest)
        form = rng.choice(["{w} - {c}", "{w} | {c}", "{w}, {c}", "{w} ({c})", "{w} [{c}]", "{w} - MPN {c}",
                           "{w} {c}"])
        q = form.format(w=words, c=m)
        base = " ".join(head + [m] + rest)
        if rng.random() < 0.3:
            q, base = q.lower(), base.lower()
        emit_pair("code_moved_last", q, base, group_of(p))
        if nq("code_moved_last") >= N:
            return


# ------------------------------------------------------------------ 9. "series"
def gen_series_word():
    for p in coded():
        if has_word(p["title"], r"\bseries\b"):
            continue
        br, code = brand_or_none(p, 0.8), respell(p["model"])
        typ = title_type(p) if rng.random() < 0.3 else None
        q = join(br, code, "series", typ)
        base = join(br, code, typ)
        emit_pair("series_word", q, base, group_of(p))
        if nq("series_word") >= N:
            return


# ------------------------------------------------------------------ 10. a list pasted from a spreadsheet or an ERP export
GLUES = [",", ",", ";", "|", "/"]


def gen_code_list_glued():
    cb = K.coded_by_brand()
    for p in coded():
        t = title_type(p)
        if not t:
            continue
        glue = rng.choice(GLUES)
        ok = r"[A-Za-z0-9][A-Za-z0-9\-.#+]*" if glue == "/" else r"[A-Za-z0-9][A-Za-z0-9\-./#+]*"
        if not re.fullmatch(ok, p["model"]):
            continue
        others = [x for k, x in sorted(cb[p["brand"]].items()) if k != gkey[p["id"]] and title_type(x) == t
                  and all_train(group_of(x)) and re.fullmatch(ok, x["model"])]
        if not others:
            continue
        items = [p] + rng.sample(others, min(len(others), rng.choice([1, 2, 2])))
        rel = [y for x in items for y in group_of(x)]
        if len(rel) > 12:
            continue
        low = rng.random() < 0.4
        q = glue.join(x["model"].lower() if low else x["model"] for x in items)
        if rng.random() < 0.3:
            q = f"{brand_as_typed(p['brand'])} {q}"
        emit("code_list_glued", q, [x["id"] for x in rel])
        if nq("code_list_glued") >= N:
            return


# ------------------------------------------------------------------ 11. the barcode as a feed's GTIN-14
def gen_gtin14_padded():
    byean = collections.defaultdict(set)
    for x in ps:
        for e in x["ean"] or []:
            byean[e].add(x["id"])
    for p in pool():
        eans = [e for e in p["ean"] or [] if re.fullmatch(r"\d{12,13}", e)]
        if not eans:
            continue
        e = rng.choice(eans)
        rel = [byid[i] for i in sorted(byean[e])]
        if not all_train(rel) or len(rel) > 10:
            continue
        g = e.zfill(14)
        form = rng.choice(["{}", "{}", "gtin {}", "gtin: {}", "gtin-14 {}", "{} gtin"])
        if emit("gtin14_padded", form.format(g), [x["id"] for x in rel]):
            emit("gtin14_padded_control", form.format(e).replace("gtin-14", "gtin"), [x["id"] for x in rel])
        if nq("gtin14_padded") >= N:
            return


# ------------------------------------------------------------------ 12. a title prefix with a pack count
def gen_pack_count_prefix():
    for p in pool():
        if not has_word(p["title"], CONSUMABLE) or has_word(p["title"], PACKED):
            continue
        w = K.shopper_prefix(p)
        if not w:
            continue
        rel = K.prefix_rel(p, w)
        if not rel or any(has_word(x["title"], PACKED) for x in rel):
            continue
        base = " ".join(w)
        if rng.random() < 0.6:
            base = base.lower()
        n = rng.choice([2, 2, 2, 3, 3, 4, 5, 6, 10])
        pk = rng.choice(PACKS).format(n=n)
        q = join(base, pk) if rng.random() < 0.75 else join(pk, base)
        emit_pair("pack_count_prefix", q, base, rel)
        if nq("pack_count_prefix") >= N:
            return


KINDS = [("pack_count", gen_pack_count), ("condition_words", gen_condition_words),
         ("region_variant", gen_region_variant), ("size_first_code", gen_size_first_code),
         ("unicode_paste", gen_unicode_paste), ("ean_typo", gen_ean_typo), ("code_list", gen_code_list),
         ("code_moved_last", gen_code_moved_last), ("series_word", gen_series_word),
         ("code_list_glued", gen_code_list_glued), ("gtin14_padded", gen_gtin14_padded),
         ("pack_count_prefix", gen_pack_count_prefix)]
K.run(KINDS)
# a kind's control (control/): the same queries without what the kind adds, same relevance
K.write(controls=True)
