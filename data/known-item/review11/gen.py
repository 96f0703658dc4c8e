#!/usr/bin/env python3
"""Review 11: query kinds aimed at revision 11 (a model field that is a product name carries the query's code
among its words, RankingFeatures.nameHeld), from the train part only (kinds_common.KindSet, asserted in
emit). Artifact format 7 (SlashCodeTokenizer) was checked by a scan of the catalogue instead (README).

Kinds (query,docid,rating,type; rating 1 for every relevant product):
  name_code_other_type  brand + [line word] + a device's code + the type of accessory asked for ("lenovo thinkpad
                        x300 battery", "hp laserjet p3005 toner", "lexmark t650 toner", "epson fx-2190 ribbon"),
                        where another product's model field is a product name holding the same code but names a
                        product of another type ("ThinkPad X300 Keyboard", "LaserJet P3005 printer", "T650, T652,
                        T654 Caster Base", "Epson FX-2190"); relevant: every product whose title holds the code
                        as a word and the type word (singular or plural), whatever its brand (a compatible
                        toner for the device is a toner for it); products of other types are not.
  name_code_same_type   the control: brand + [line word] + code + a type word the name-model product's own title
                        holds ("lenovo thinkpad x300 keyboard"), relevant: every product whose title holds the
                        code and that type word.
  standard_code_type    a connector / interface standard or a code many products of several brands name, with the
                        type asked for and no brand ("sff-8470 cable", "hd15f cable", "l6-20p cord"), where 1-3 model
                        fields that are product names hold it as a word (others name it after "to" or in the
                        title only); relevant: every product whose title holds the code as a word and the type
                        word (at most 15).
  family_mixed_models   brand + [line word] + a code that a product's model field that is a name holds as a word
                        ("Designjet Z2100 24-in Photo Printer", "V227Q Abmipx", "Z200 Workstation") while a sibling's
                        model field is the code followed by a variant or size word ("Z2100 44\"", "V227Q bi",
                        "Z200 MT"): "hp designjet z2100", "acer v227q"; relevant: the brand's products whose model
                        field or title holds the code as a word (at most 10), as code_in_name_model judges.
Usage: python3 data/known-item/review11/gen.py [seed]   (default seed 111; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc
from kinds_common import alnum, clean

SEED = kc.seed_arg(111)
OUT = os.path.dirname(os.path.abspath(__file__))
K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, byid = K.ps, K.byid
rng = K.rng

TYPES = ["toner", "drum", "ribbon", "battery", "keyboard", "tray", "cartridge", "lamp", "fuser", "film",
         "adapter", "hood", "cable", "caddy", "charger", "cover", "case", "memory", "bag", "ink", "duplex",
         "photoconductor", "printer", "workstation", "monitor", "notebook", "processor", "drive", "labels",
         "tape", "paper", "bottle", "stand", "mount", "dock", "fan", "heatsink", "psu", "lens", "filter"]
# A supply's type words name one another ("T420 Print Cartridge" is a toner): a name-model product holding
# any of them is no product of another type for a query asking for one.
SUPPLY = {"toner", "cartridge", "ink", "ribbon", "drum", "photoconductor", "print", "imaging", "fuser"}
MARKERS = {"for", "fits", "compatible", "with", "w/", "to", "f/", "->", "replaces", "equivalent"}
SPLIT = re.compile(r"[\s,;()\[\]]+")


def words(t):
    return [alnum(w) for w in SPLIT.split(clean(t)) if alnum(w)]


SYSTEMS = {"pc", "workstation", "notebook", "desktop", "server", "microtower", "minitower", "tower", "printer"}


def has_type(title, typ):
    """The title names the type (singular or plural), and is no whole system when the type is a part."""
    ws = set(words(re.sub(r"(?i)\bpc\(s\)", "", title)))  # "1 pc(s)" counts pieces
    if typ not in SYSTEMS and ws & SYSTEMS and not {"for", "f"} & ws:
        return False  # "HP Compaq dc5800 Intel Core 2 Duo Processor E8400 ... PC" is no processor
    return typ in ws or kc.plural(typ) in ws


def name_codes(model):
    """Codes among the words of a model field that is a product name (3+ words or a word of 4+ letters)."""
    m = clean(model).strip()
    ws = m.split()
    if len(ws) < 3 and not re.search(r"(?:^|[^A-Za-z0-9])[A-Za-z]{4,}(?:$|[^A-Za-z0-9])", m):
        return []
    out = []
    for i, w in enumerate(ws[:12]):
        if w.lower().strip(",.;:()") in MARKERS:
            break
        if i + 1 < len(ws) and ws[i + 1].lower().startswith("series"):
            continue
        a = alnum(w)
        if 4 <= len(a) <= 16 and re.search(r"\d", a) and re.search(r"[a-z]", a) and not re.fullmatch(r"\d+[a-z]+", a) \
                and not re.fullmatch(r"(ddr|pc|rj|rs|usb|cat|sata|pci|pcie|lga|db|dvi|vga|hdmi|ide|sas|scsi|\d)+", a):
            out.append((a, w.strip(",.;:()")))
    return out


titlew = collections.defaultdict(set)
for p in ps:
    for a in set(words(p["title"])):
        titlew[a].add(p["id"])
holders = collections.defaultdict(list)
typed = {}
for p in ps:
    for a, w in name_codes(p["model"]):
        holders[a].append(p)
        typed.setdefault(a, w)

pairs = []
for c in sorted(holders):
    hs = holders[c]
    if len(hs) > 3 or len(titlew[c]) > 12:
        continue
    brand = hs[0]["brand"]
    if not brand or re.fullmatch(r"f\d.*", c):
        continue  # an aperture ("f/3.5L") is a lens's spec, not a device's code
    for typ in TYPES:
        rel = [byid[i] for i in sorted(titlew[c]) if has_type(byid[i]["title"], typ)]
        if not rel or not all(K.train_product(x) for x in rel) or any(x["id"] in K.test_ids for x in rel):
            continue
        if any(x["brand"] != brand and alnum(brand) not in words(x["title"]) for x in rel):
            continue  # the query names the device's brand: a relevant product is of it or names it
        own = all(has_type(h["title"], typ) for h in hs)
        kin = SUPPLY if typ in SUPPLY else {typ}
        other = not any(has_type(h["title"], k) for h in hs for k in kin)
        if not (own or other):
            continue
        # the line word before the code in a holder's title ("LaserJet", "ThinkPad"), when there is one
        line = None
        tw = clean(hs[0]["title"]).split()
        for i, w in enumerate(tw):
            if alnum(w) == c and i > 0 and re.fullmatch(r"[A-Za-z][A-Za-z\-]{2,}", tw[i - 1]) \
                    and alnum(tw[i - 1]) not in words(brand) and alnum(tw[i - 1]) not in TYPES:
                line = tw[i - 1]
        pairs.append(("name_code_same_type" if own else "name_code_other_type", c, typ, brand, line, rel))

# a code in 1-3 name-model fields and in the titles of products of two brands or more
for c in sorted(holders):
    hs = holders[c]
    if len(hs) > 3 or re.fullmatch(r"f\d.*|\d+x\d+", c):
        continue  # an aperture, a size
    if len({byid[i]["brand"] for i in titlew[c]}) < 2:
        continue
    for typ in TYPES:
        rel = [byid[i] for i in sorted(titlew[c]) if has_type(byid[i]["title"], typ)]
        if not 2 <= len(rel) <= 15 or not all(K.train_product(x) for x in rel):
            continue
        pairs.append(("standard_code_type", c, typ, None, None, rel))

# a code some model field that is a name holds, and a sibling's model field begins with as a whole word
first_word = collections.defaultdict(list)
for p in ps:
    mw = clean(p["model"]).split()
    if 2 <= len(mw) <= 3:
        first_word[alnum(mw[0])].append(p)
families = []
for c in sorted(holders):
    sib = [x for x in first_word.get(c, []) if x not in holders[c]]
    if not sib or re.fullmatch(r"f\d.*|\d+x\d+", c):
        continue
    brand = sib[0]["brand"]
    rel = [x for x in K.bybrand[brand] if c in set(words(x["title"])) | set(words(x["model"]))]
    if not 2 <= len(rel) <= 10 or not all(K.train_product(x) for x in rel):
        continue
    line = None
    tw = clean(rel[0]["title"]).split()
    for i, w in enumerate(tw):
        if alnum(w) == c and i > 0 and re.fullmatch(r"[A-Za-z][A-Za-z\-]{2,}", tw[i - 1]) \
                and alnum(tw[i - 1]) not in words(brand):
            line = tw[i - 1]
    families.append(("family_mixed_models", c, None, brand, line, rel))
for kind, c, typ, brand, line, rel in families:
    for with_line in ((False, True) if line else (False,)):
        q = " ".join(x for x in (K.brand_as_typed(brand), line if with_line else None, typed[c]) if x)
        K.emit(kind, q.lower() if rng.random() < 0.6 else q, kc.ids(rel))

rng.shuffle(pairs)
for kind, c, typ, brand, line, rel in pairs:
    code = typed[c]
    code = code if rng.random() < 0.4 else (code.lower() if rng.random() < 0.6 else c)
    b = K.brand_as_typed(brand) if brand else None
    q = " ".join(x for x in (b, line if line and rng.random() < 0.6 else None, code, typ) if x)
    if rng.random() < 0.6:
        q = q.lower()
    if K.nq(kind) < 120:
        K.emit(kind, q, kc.ids(rel))
K.write()
