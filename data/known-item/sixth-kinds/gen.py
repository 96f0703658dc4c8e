#!/usr/bin/env python3
"""A sixth set of adversarial known-item / shopper query kinds, built only from train-part products.

Train part as in data/known-item/reviewed-kinds/gen_kinds.py and the later gen.py files: products of
(brand, code) groups named in a *-train.csv or in no known-item file; a group holding a product of a
*-test.csv is excluded, and every query whose relevant set holds a test product (or a product of an
excluded group) is dropped (asserted in emit). None of the kinds below is one of the 63 earlier ones
(reviewed-kinds 17, more-kinds 11, third-kinds 13, fourth-kinds 11, fifth-kinds 11) or the typo set.
Twelve kinds, 120 queries each (resolution_shorthand 92).

Relevance is read from the catalogue: a query naming a code judges its (brand, code) group; a title-prefix
query every product of the brand whose title begins with the query's words (as fourth- and fifth-kinds),
plus the group when the words hold the product's code.

Kinds (query,docid,rating,type; rating 1 for the intended product(s)):
  code_doubled_char   the code with one character typed twice (a bouncing key: "cf2880a", "tn-23320",
                      "hp ccf280a"); code_typo (reviewed-kinds) swaps, drops or replaces, never inserts
  brand_typo_code     a misspelled brand before the code ("lexmrak c540h2yg", "kingstom kvr16n11/8",
                      "Epsn T0711"); brand_typo_line (third-kinds) misspells the brand before line words only
  part_number_label   the code behind the label a datasheet, invoice or shop prints ("p/n cf280a",
                      "hp part no. CF280A", "mpn: tn-2320", "art.-nr. 43502002", "réf. c13t07114010",
                      "model # m402dn")
  replacement_phrasing the code as a shopper looking for it or a substitute types it ("compatible hp cf280a",
                      "replacement for cf280a", "cf280a equivalent", "alternative to brother tn-2320");
                      relevant: the group plus every other brand's product whose title carries the code
  fits_phrasing       an accessory asked for by its device with a compatibility phrase or question ("toner
                      compatible with lexmark c52x", "which drum fits the oki c5850", "what lamp does the
                      nec np13 take", "ribbon for use with epson lq-690"); relevant as more-kinds'
                      accessory_for_device: the brand's products of that type naming the device's code
  type_confused       the code with the product type a shopper confuses it with ("hp cf280a ink",
                      "c9425a toner", "oki 43460208 toner" for a drum, "d-link dgs-1008d router",
                      "apc br1500gi surge protector"); relevant: the group
  info_intent         brand + code or a title prefix with what the shopper wants to read about it ("hp
                      m402dn driver", "cf280a page yield", "lenovo thinkpad t480 specs", "manual pdf",
                      "review", "datasheet", "dimensions")
  foreign_commerce    brand + code or a title prefix with a German / French / Spanish / Dutch / Italian /
                      Polish shopping word ("cf280a kaufen", "hp 364xl pas cher", "günstig", "precio",
                      "goedkoop", "prezzo", "cena")
  connector_variant   a title prefix naming a connector written the other common way ("usb-c" / "type c"
                      for "USB Type-C", "dp" for "DisplayPort", "mini dp", "rj 45", "d-sub" / "hd15" for
                      "VGA", "aux" for "3.5mm", "ps2", "serial ata", "micro b")
  resolution_shorthand a screen product's title prefix (no code) with its resolution as a shop writes it
                      ("acer aspire 3 notebook fhd", "samsung ... 4k", "1440p", "wuxga", "hd+"); relevant:
                      the brand's titles beginning with the words that have that resolution
  breadcrumb          brand + code or a title prefix pasted with the shop's category path ("Printing >
                      Toner cartridges > HP CF280A", "Computers / Notebooks / Lenovo ThinkPad T480",
                      "Home » Cables » C2G …")
  compatible_for_code a third-party compatible asked for by the original's code ("hp q5952a equivalent",
                      "compatible toner cartridge for hp cb400a", "replacement for nikon en-el12", "non oem
                      lexmark 64416xe"); relevant: rating 2 every other brand's product whose title names
                      the code (Xerox's "... Equivalent to HP Q5952A ...", Duracell's "... replaces Nikon
                      EN-EL12 ..."), rating 1 the original's group when the catalogue holds it (graded)
Every kind has a control in control/: the same query without what the kind adds (the code as written,
the catalogue's brand, no label, no phrase, the right type word, no intent / shopping / path words, the
catalogue's connector name and resolution), same relevance; fits_phrasing's control is more-kinds' form
"<type> for <brand> <device>".
Usage: python3 data/known-item/sixth-kinds/gen.py [seed]   (default seed 68; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc  # the catalogue, the train part, the per-kind streams and rows of every generator
from kinds_common import alnum, clean, contains_seq, norm_words, plural, title_type

SEED = kc.seed_arg(68)
N = 120
OUT = os.path.dirname(os.path.abspath(__file__))

K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, byid, groups, gkey, bybrand = K.ps, K.byid, K.groups, K.gkey, K.bybrand
all_train, group_of, family = K.all_train, K.group_of, K.family
rng, emit_rated, emit_pair, nq, pool, coded_pool = K.rng, K.emit_rated, K.emit_pair, K.nq, K.pool, K.coded_pool
respell, brand_as_typed, code_or_prefix = K.respell, K.brand_as_typed, K.code_or_prefix
all_codes = {k[1] for k in groups}


def code_query(p, code=None):
    """(query, base) pieces for brand + code: the brand as typed, or no brand at times."""
    code = code if code is not None else respell(p["model"])
    br = brand_as_typed(p["brand"]) if rng.random() < 0.6 else ""
    return br, code


def coded():
    """One train product per (brand, code) group whose title carries the code, in pool order."""
    seen = set()
    for p in coded_pool():
        k = gkey[p["id"]]
        if k in seen or not all_train(group_of(p)) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-./#+]*", p["model"]):
            continue
        seen.add(k)
        yield p


# ------------------------------------------------------------------ 1. a character typed twice
def gen_code_doubled_char():
    for p in coded():
        m = p["model"]
        if len(alnum(m)) < 5:
            continue
        idx = [i for i, ch in enumerate(m) if ch.isalnum()]
        i = rng.choice(idx)
        typo = m[:i + 1] + m[i] + m[i + 1:]
        if alnum(typo) in all_codes:
            continue
        br, _ = code_query(p, "")
        case = rng.random()
        f = (lambda s: s.lower()) if case < 0.5 else (lambda s: s)
        q, base = f(f"{br} {typo}"), f(f"{br} {m}")
        emit_pair("code_doubled_char", q, base, group_of(p))
        if nq("code_doubled_char") >= N:
            return


# ------------------------------------------------------------------ 2. a misspelled brand before the code
KEYS = "qwertyuiop asdfghjkl zxcvbnm"
brand_alnums = {alnum(b) for b in bybrand if b}


def near_key(ch):
    rows_ = KEYS.split()
    for r in rows_:
        if ch in r:
            j = r.index(ch)
            return rng.choice([r[x] for x in (j - 1, j + 1) if 0 <= x < len(r)])
    return ch


def brand_typo(b):
    w = b.split()[0] if len(b.split()) > 1 and b.split()[1] in ("Technology", "Inc", "Corp", "Electronics") else b
    letters = [i for i, ch in enumerate(w) if ch.isalpha()]
    if len(letters) < 4:
        return None
    i = rng.choice(letters[1:])
    op = rng.random()
    if op < 0.3 and i + 1 < len(w) and w[i + 1].isalpha() and w[i + 1] != w[i]:
        t = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif op < 0.55:
        t = w[:i] + w[i + 1:]
    elif op < 0.75:
        t = w[:i + 1] + w[i] + w[i + 1:]
    else:
        c = near_key(w[i].lower())
        t = w[:i] + (c.upper() if w[i].isupper() else c) + w[i + 1:]
    if alnum(t) in brand_alnums or alnum(t) == alnum(w):
        return None
    return t, w


def gen_brand_typo_code():
    for p in coded():
        bt = brand_typo(p["brand"])
        if not bt:
            continue
        t, w = bt
        code = respell(p["model"])
        low = rng.random() < 0.5
        q, base = f"{t} {code}", f"{w} {code}"
        if low:
            q, base = q.lower(), base.lower()
        emit_pair("brand_typo_code", q, base, group_of(p))
        if nq("brand_typo_code") >= N:
            return


# ------------------------------------------------------------------ 3. the code behind its label
LABELS = ["p/n", "p/n:", "pn", "pn:", "part #", "part no.", "part number", "mpn", "mpn:", "mfr part #",
          "mfg part no", "model #", "model no.", "model number", "sku", "sku:", "item #", "art.-nr.",
          "artikelnummer", "art.nr", "réf.", "ref", "référence", "product code", "manufacturer part number"]


def gen_part_number_label():
    for p in coded():
        br, code = code_query(p)
        lab = rng.choice(LABELS)
        form = rng.random()
        if form < 0.6:
            q = f"{br} {lab} {code}"
        elif form < 0.8:
            q = f"{lab} {code} {br}"
        else:
            q = f"{br} {code} ({lab.rstrip(':')} {code})" if False else f"{br} {code} {lab.rstrip(':')}"
        if rng.random() < 0.3:
            q = q.upper()
            base = f"{br} {code}".upper()
        else:
            base = f"{br} {code}"
        emit_pair("part_number_label", q, base, group_of(p))
        if nq("part_number_label") >= N:
            return


# ------------------------------------------------------------------ 4. compatible / replacement phrasing
by_code_token = collections.defaultdict(set)
for x in ps:
    for w in re.split(r"[\s,;()/]+", x["title"]):
        a = alnum(w)
        if len(a) >= 5 and re.search(r"\d", a) and re.search(r"[a-z]", a):
            by_code_token[a].add(x["id"])

REPL = ["compatible {b} {c}", "{b} {c} compatible", "replacement for {b} {c}", "{b} {c} replacement",
        "alternative to {b} {c}", "{c} equivalent", "{b} {c} equivalent", "compatible with {b} {c}",
        "generic {b} {c}", "{c} substitute", "non oem {c}", "{b} {c} compatible {t}", "replacement {t} for {b} {c}"]


def gen_replacement_phrasing():
    for p in coded():
        a = alnum(p["model"])
        if len(a) < 5:
            continue
        rel = list({x["id"]: x for x in group_of(p)}.values())
        others = [byid[i] for i in sorted(by_code_token.get(a, ())) if byid[i]["brand"] != p["brand"]]
        rel += others
        if not all_train(rel) or len(rel) > 12:
            continue
        t = title_type(p)
        form = rng.choice(REPL if t else [f for f in REPL if "{t}" not in f])
        b = brand_as_typed(p["brand"])
        c = respell(p["model"])
        q = form.format(b=b, c=c, t=t or "")
        base = f"{b} {c}" if "{b}" in form else c
        if "{t}" in form:
            base = f"{b} {c} {t}"
        emit_pair("replacement_phrasing", q, base, rel)
        if nq("replacement_phrasing") >= N:
            return


# ------------------------------------------------------------------ 5. an accessory by its device, compatibility phrasing
ACC = [  # as more-kinds/gen.py
    (r"\btoner\b", ["toner", "toner cartridge"]),
    (r"\b(drum|imaging unit|photoconductor)\b", ["drum", "drum unit"]),
    (r"\bprojector lamp\b", ["lamp", "projector lamp", "replacement lamp"]),
    (r"\bribbon\b", ["ribbon"]),
    (r"\bink\b|\bink cartridge\b", ["ink", "ink cartridge"]),
    (r"\bfuser\b", ["fuser"]),
    (r"\bmemory module\b|\bmemory\b", ["memory", "memory upgrade"]),
    (r"\b(paper tray|tray/feeder|sheet feeder)\b", ["paper tray"]),
    (r"\blens hood\b", ["lens hood"]),
    (r"\bmaintenance kit\b", ["maintenance kit"]),
    (r"\bprint head\b|\bprinthead\b", ["print head"]),
    (r"\bbattery\b", ["battery"]),
    (r"\bmobile phone case\b", ["case", "phone case"]),
]
FOR = re.compile(r"\b(?:for|fits|compatible with)\s+((?:[A-Z][\w\-]*|\d[\w\-]*)(?:\s+(?:[A-Z][\w\-]*|\d[\w\-]*)){0,3})")


def desc(x):
    return re.sub(r"<[^>]+>", " ", x["short_description"] or "")


def text_words(x):
    return {alnum(w) for w in re.split(r"[\s/,;()]+", x["title"] + " " + desc(x)) if w}


def acc_type(x):
    t = x["title"].lower()
    for rx, words in ACC:
        if re.search(rx, t):
            return rx, words
    return None


FITS = ["{t} compatible with {b} {d}", "which {t} fits the {b} {d}", "what {t} does the {b} {d} take",
        "what {t} does my {b} {d} use", "{t} for use with {b} {d}", "{t} suitable for {b} {d}",
        "{b} {d} compatible {t}", "{t} that works with {b} {d}", "{t} to fit {b} {d}", "which {t} for {b} {d}?",
        "does {b} {d} use {t}", "{t} compatible {b} {d}"]


def gen_fits_phrasing():
    seen = set()
    for p in pool():
        at = acc_type(p)
        if not at:
            continue
        dev = None
        for src in (p["title"], desc(p)):
            m = FOR.search(src)
            if m:
                dev = m.group(1)
                break
        if not dev:
            continue
        words = [w for w in dev.split() if w not in ("Original", "Black", "Cyan", "Magenta", "Yellow", "Printer", "Printers",
                                                     "Series", "Digital", "Copier", "Color", "Colour", "and")]
        codes_ = [w.rstrip(".,") for w in words if re.search(r"\d", w) and re.search(r"[A-Za-z]", w) and len(alnum(w)) >= 3]
        if not codes_:
            continue
        code = codes_[0]
        i = words.index(code) if code in words else len(words) - 1
        device = " ".join(words[:i + 1]).rstrip("-,. ")
        if alnum(device.split()[0]) in brand_alnums and not device.lower().startswith(p["brand"].lower()):
            continue  # another brand's device ("Xerox toner ... Compatible with HP ..."): compatible_for_code's
        if device.lower().startswith(p["brand"].lower()):
            device = device[len(p["brand"]):].strip()
        dc = alnum(code)
        if dc == alnum(p["model"]) or not device:
            continue
        key = (p["brand"], at[0], dc)
        if key in seen:
            continue
        seen.add(key)
        rel = [x for x in bybrand[p["brand"]] if acc_type(x) and acc_type(x)[0] == at[0] and dc in text_words(x)]
        if not (1 <= len(rel) <= 20) or not all_train(rel):
            continue
        typ = rng.choice(at[1])
        b = brand_as_typed(p["brand"])
        form = rng.choice(FITS)
        q = form.format(t=typ, b=b, d=device)
        base = f"{typ} for {b} {device}"
        if rng.random() < 0.6:
            q, base = q.lower(), base.lower()
        emit_pair("fits_phrasing", q, base, rel)
        if nq("fits_phrasing") >= N:
            return


# ------------------------------------------------------------------ 6. the type a shopper confuses it with
CONFUSED = [  # (the title's type, as a regex on the lower-case title; the right word; what a shopper types instead)
    (r"\btoner\b", "toner", ["ink", "ink cartridge", "ink toner"]),
    (r"\bink cartridge\b|\bink\b", "ink", ["toner", "toner cartridge"]),
    (r"\bdrum\b|\bimaging unit\b|\bphotoconductor\b", "drum", ["toner", "toner cartridge"]),
    (r"\bribbon\b", "ribbon", ["ink", "ink cartridge", "toner"]),
    (r"\bprint ?head\b", "printhead", ["ink cartridge", "ink"]),
    (r"\bnetwork switch\b|\bswitch\b", "switch", ["router", "hub"]),
    (r"\brouter\b", "router", ["modem", "switch"]),
    (r"\buninterruptible power supply\b|\bups\b", "ups", ["surge protector", "power strip"]),
    (r"\bsurge protector\b", "surge protector", ["ups"]),
    (r"\bhdd\b|\bhard disk drive\b|\binternal hard drive\b", "hard drive", ["ssd"]),
    (r"\bsolid state drive\b|\bssd\b", "ssd", ["hard drive", "hdd"]),
    (r"\bcomputer monitor\b|\bmonitor\b", "monitor", ["tv"]),
    (r"\bprojector lamp\b", "projector lamp", ["projector"]),
    (r"\bmemory module\b", "memory module", ["ssd", "memory card"]),
    (r"\bcable\b", "cable", ["adapter"]),
    (r"\badapter\b", "adapter", ["cable"]),
]


def gen_type_confused():
    for p in coded():
        t = p["title"].lower()
        hit = next(((rx, right, wrong) for rx, right, wrong in CONFUSED if re.search(rx, t)), None)
        if not hit:
            continue
        rx, right, wrong = hit
        w = rng.choice(wrong)
        if re.search(r"\b" + re.escape(w) + r"\b", t):
            continue
        br, code = code_query(p)
        if rng.random() < 0.75:
            q, base = f"{br} {code} {w}", f"{br} {code} {right}"
        else:
            q, base = f"{w} {br} {code}", f"{right} {br} {code}"
        emit_pair("type_confused", q, base, group_of(p))
        if nq("type_confused") >= N:
            return


# ------------------------------------------------------------------ 7. what the shopper wants to read
INTENT = ["driver", "drivers", "manual", "user manual", "manual pdf", "specs", "specifications", "review",
          "reviews", "datasheet", "data sheet pdf", "dimensions", "weight", "firmware", "setup", "install",
          "how to install", "release date", "warranty", "spec sheet"]
SUPPLY_INTENT = ["page yield", "yield", "how many pages", "specs", "datasheet", "review"]


def gen_info_intent():
    for p in pool():
        r = code_or_prefix(p)
        if not r:
            continue
        base, rel = r
        supply = re.search(r"\b(toner|ink|drum|ribbon)\b", p["title"].lower())
        it = rng.choice(SUPPLY_INTENT if supply else INTENT)
        if re.search(r"\b" + re.escape(it.split()[0]) + r"\b", p["title"].lower()):
            continue
        q = f"{base} {it}" if rng.random() < 0.8 else f"{it} {base}"
        emit_pair("info_intent", q, base, rel)
        if nq("info_intent") >= N:
            return


# ------------------------------------------------------------------ 8. a shopping word in another language
COMMERCE = ["kaufen", "günstig", "günstig kaufen", "billig", "preis", "bestellen", "angebot", "pas cher", "prix",
            "acheter", "meilleur prix", "comprar", "precio", "barato", "kopen", "goedkoop", "prijs", "prezzo",
            "offerta", "acquista", "tanio", "cena", "sklep", "köp", "pris"]


def gen_foreign_commerce():
    for p in pool():
        r = code_or_prefix(p)
        if not r:
            continue
        base, rel = r
        w = rng.choice(COMMERCE)
        if w in ("acheter", "comprar", "acquista", "kopen", "bestellen") and rng.random() < 0.5:
            q = f"{w} {base}"
        else:
            q = f"{base} {w}"
        emit_pair("foreign_commerce", q, base, rel)
        if nq("foreign_commerce") >= N:
            return


# ------------------------------------------------------------------ 9. a connector written the other way
CONNECTORS = [
    ("USB Type-C", ["usb-c", "usb c", "type c", "type-c", "usbc"]),
    ("USB-C", ["usb type-c", "type c", "usb c", "typec"]),
    ("Mini DisplayPort", ["mini dp", "mdp", "minidp", "mini display port"]),
    ("DisplayPort", ["dp", "display port"]),
    ("RJ-45", ["rj45", "rj 45", "ethernet"]),
    ("RJ45", ["rj-45", "rj 45", "ethernet"]),
    ("3.5mm", ["aux", "3.5 mm", "3,5mm", "1/8in"]),
    ("Micro-USB", ["micro usb", "microusb", "micro b"]),
    ("Micro USB", ["micro-usb", "microusb", "micro b"]),
    ("VGA", ["d-sub", "hd15", "db15"]),
    ("DVI-D", ["dvi d", "dvid"]),
    ("PS/2", ["ps2", "ps 2", "mini din"]),
    ("SATA", ["serial ata", "s-ata"]),
    ("Thunderbolt", ["tb"]),
]


def gen_connector_variant():
    for p in pool():
        t = clean(p["title"])
        if not t.split() or t.split()[0].lower() != p["brand"].split()[0].lower():
            continue
        hit = next(((c, v, mm) for c, v in CONNECTORS
                    for mm in [re.search(r"(?<![\w-])" + re.escape(c) + r"(?![\w-])", t)] if mm), None)
        if not hit:
            continue
        c, vs, mm = hit
        j = mm.end()
        words = t[:j].split()
        extra = t[j:].split()[:rng.randint(0, 2)]
        words += [w for w in extra if not re.search(r"[()]", w)]
        if len(words) > 9 or len(words) < 3 or "(" in " ".join(words):
            continue
        # the titles that begin with the words (not the whole code group: the words may go past the code
        # to a connector or layout the group's other products do not have)
        rel = family(p["brand"], norm_words(" ".join(words)), norm_words)
        if not rel:
            continue
        base = " ".join(words)
        q = re.sub(r"(?<![\w-])" + re.escape(c) + r"(?![\w-])", rng.choice(vs), base, count=1)
        if rng.random() < 0.6:
            q, base = q.lower(), base.lower()
        emit_pair("connector_variant", q, base, rel)
        if nq("connector_variant") >= N:
            return


# ------------------------------------------------------------------ 10. a resolution as shops write it
RES = {(1920, 1080): ["1080p", "fhd", "full hd"], (3840, 2160): ["4k", "uhd", "2160p", "4k uhd"],
       (2560, 1440): ["qhd", "1440p", "wqhd", "2k"], (1366, 768): ["hd", "768p"], (1920, 1200): ["wuxga"],
       (1280, 1024): ["sxga"], (1600, 900): ["hd+", "900p"], (1440, 900): ["wxga+"], (1280, 800): ["wxga"],
       (2560, 1600): ["wqxga"], (1024, 768): ["xga"], (3440, 1440): ["uwqhd", "ultrawide qhd"],
       (1280, 720): ["720p"], (1680, 1050): ["wsxga+"], (1024, 600): ["wsvga"], (3200, 1800): ["qhd+"],
       (2880, 1800): ["retina"], (1920, 1280): ["fhd+"], (2160, 1440): ["qhd"], (2400, 1080): ["fhd+"]}
RES_RX = re.compile(r"(\d{3,4}) x (\d{3,4}) pixels")


def gen_resolution_shorthand():
    seen = set()
    for p in pool():
        t = clean(p["title"])
        m = RES_RX.search(t)
        if not m:
            continue
        wh = (int(m.group(1)), int(m.group(2)))
        if wh not in RES:
            continue
        tw = t.split()
        if not tw or tw[0].lower() != p["brand"].split()[0].lower():
            continue
        # the words before the first size / number-led attribute; the model code dropped (a line, not a code)
        head = []
        for w in tw:
            if re.match(r"[\d(]", w) or w.endswith("cm"):
                break
            head.append(w)
        head = [w for w in head if alnum(w) != alnum(p["model"]) or not re.search(r"\d", w)]
        if len(head) < 2 or len(head) > 7:
            continue
        hw = norm_words(" ".join(head))
        key = (p["brand"], tuple(hw), wh)
        if key in seen:
            continue
        seen.add(key)
        rel = [x for x in bybrand[p["brand"]] if contains_seq(norm_words(x["title"]), hw)
               and (RES_RX.search(clean(x["title"])) or [None])[0] is not None
               and tuple(int(g) for g in RES_RX.search(clean(x["title"])).groups()) == wh]
        if not (1 <= len(rel) <= 12) or not all_train(rel):
            continue
        hs = " ".join(head)
        short = rng.choice(RES[wh])
        q = f"{hs} {short}"
        base = f"{hs} {wh[0]} x {wh[1]}"
        if rng.random() < 0.6:
            q, base = q.lower(), base.lower()
        emit_pair("resolution_shorthand", q, base, rel)
        if nq("resolution_shorthand") >= N:
            return


# ------------------------------------------------------------------ 11. a shop's category path
TOP = [(r"toner|ink|drum|ribbon|fuser|print|label|paper|maintenance kit|transfer", "Printing"),
       (r"notebook|laptop|pc|workstation|server|chromebook|tablet", "Computers"),
       (r"cable|adapter|connector|hub|switch|router|network", "Networking & Cables"),
       (r"memory|drive|ssd|hdd|storage|processor|motherboard|board|card", "Components"),
       (r"monitor|projector|lamp|tv|display", "Displays & Projectors"),
       (r"keyboard|mouse|headset|headphones|speaker|webcam", "Peripherals"),
       (r"ups|power|battery|surge|pdu|charger", "Power"),
       (r"case|bag|sleeve|backpack", "Bags & Cases")]
SEP = [" > ", " / ", " » ", " | ", " > ", " > "]


def gen_breadcrumb():
    for p in pool():
        r = code_or_prefix(p)
        if not r:
            continue
        base, rel = r
        typ = title_type(p)
        if not typ:
            continue
        cat = " ".join(typ.split()[:-1] + [plural(typ.split()[-1])]).capitalize()
        top = next((n for rx, n in TOP if re.search(r"\b(" + rx + r")", typ)), None)
        sep = rng.choice(SEP)
        parts = (["Home"] if rng.random() < 0.3 else []) + ([top] if top else []) + [cat]
        if rng.random() < 0.4:
            parts.append(p["brand"])
        q = sep.join(parts + [base])
        emit_pair("breadcrumb", q, base, rel)
        if nq("breadcrumb") >= N:
            return


# ------------------------------------------------------------------ 12. a compatible (third-party) product asked for by the original's code
EQUIV = re.compile(r"(?i)\b(?:equivalent to|replaces|replacement for)\s+([A-Z][\w.\-]*)\s+([A-Z0-9][\w\-]*(?:,\s*[A-Z0-9][\w\-]*)*)")
COMPAT = ["compatible {t} for {b} {c}", "{b} {c} compatible", "{c} compatible {t}", "replacement for {b} {c}",
          "{b} {c} equivalent", "non oem {b} {c}", "generic {c} {t}", "{b} {c} alternative",
          "cheaper alternative to {b} {c}", "compatible {b} {c} {t}", "{t} compatible with {b} {c}",
          "aftermarket {b} {c} {t}", "{c} replacement {t}"]


def gen_compatible_for_code():
    """Rating 2: every other brand's product whose title names the code (the compatible the query asks
    for); rating 1: the original's (brand, code) group when the catalogue holds it."""
    done = set()
    for p in pool():
        m = EQUIV.search(p["title"])
        if not m:
            continue
        ob = m.group(1)
        for code in [c.strip() for c in m.group(2).split(",")]:
            a = alnum(code)
            if len(a) < 4 or not re.search(r"\d", a) or (ob, a) in done:
                continue
            done.add((ob, a))
            third = [byid[i] for i in sorted(by_code_token.get(a, ())) if alnum(byid[i]["brand"]) != alnum(ob)]
            if p["id"] not in {x["id"] for x in third}:
                continue
            orig = groups.get((alnum(ob), a), [])
            rated = {x["id"]: 2 for x in third}
            rated.update({x["id"]: 1 for x in orig})
            if not all_train([byid[i] for i in rated]) or len(rated) > 12:
                continue
            tl = p["title"].lower()
            t = next((w for w in ("toner cartridge", "toner", "battery", "drum", "ink cartridge", "ink") if w in tl), "cartridge")
            b = ob.lower() if rng.random() < 0.6 else ob
            c = respell(code)
            q = rng.choice(COMPAT).format(t=t, b=b, c=c)
            if emit_rated("compatible_for_code", q, rated):
                emit_rated("compatible_for_code_control", f"{b} {c}", rated)
            if nq("compatible_for_code") >= N:
                return


KINDS = [("code_doubled_char", gen_code_doubled_char), ("brand_typo_code", gen_brand_typo_code),
         ("part_number_label", gen_part_number_label), ("replacement_phrasing", gen_replacement_phrasing),
         ("fits_phrasing", gen_fits_phrasing), ("type_confused", gen_type_confused), ("info_intent", gen_info_intent),
         ("foreign_commerce", gen_foreign_commerce), ("connector_variant", gen_connector_variant),
         ("resolution_shorthand", gen_resolution_shorthand), ("breadcrumb", gen_breadcrumb),
         ("compatible_for_code", gen_compatible_for_code)]
K.run(KINDS)
# a kind's control (control/): the same queries without what the kind adds, same relevance
K.write(controls=True)
