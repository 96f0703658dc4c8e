#!/usr/bin/env python3
"""An eighth set of adversarial known-item / shopper query kinds, built only from train-part products.

Train part as in data/known-item/reviewed-kinds/gen_kinds.py and the later gen.py files (kinds_common.py):
products of (brand, code) groups named in a *-train.csv or in no known-item file; a group holding a product
of a *-test.csv is excluded, and every query whose relevant set holds a test product (or a product of an
excluded group) is dropped (asserted in emit). None of the kinds below is one of the 87 earlier ones
(reviewed-kinds 17, more-kinds 11, third-kinds 13, fourth-kinds 11, fifth-kinds 11, sixth-kinds 12,
seventh-kinds 12) or the typo set.

Relevance is read from the catalogue: a query naming a code judges its (brand, code) group; a title-prefix
query every product of the brand whose title begins with the query's words (plus the group when the words
hold the product's code); the spec kinds every product of the brand whose title names the type and the
spec value asked for.

Kinds (query,docid,rating,type; rating 1 for the intended product(s)):
  thousands_written   a title prefix ending in a quantity of 1000 or more (VA, W, mAh, GB, pages, Mbit/s,
                      DPI, ANSI lumens) with the number written with a thousands separator or in thousands
                      ("apc smart-ups 1,500 va", "1.500VA", "1 500 va", "1'500 va", "10k mah", "1.5k va");
                      unit_format (reviewed-kinds) changes the unit ("2000gb" for 2 TB), never the number's
                      digit grouping; relevant: the brand's titles beginning with the prefix
  unit_glued_spec     a performance spec the title writes out, as a shopper abbreviates and glues it: "4000
                      ANSI lumens" -> "4000lm", "1000 Mbit/s" -> "1000mbps", "600 x 600 DPI" -> "600dpi", "50
                      ppm" -> "50ppm", "7200 RPM" -> "7200rpm", "60 Hz" -> "60hz", after a title prefix or after
                      brand + type ("epson projector 3000lm"); relevant: the brand's titles beginning with the
                      prefix (resp. naming the type) that carry that spec value
  usage_for           a device's code or title prefix with what the shopper will use it for ("lenovo thinkpad
                      t480 for students", "logitech g502 for gaming", "hp m402dn for small business"); the
                      usage is no device (fits_phrasing / accessory_for_device name a device after "for")
  line_abbrev         a title prefix with its product line abbreviated as resellers and forums write it ("hp
                      lj pro m402dn", "hp clj cp2025", "hp oj 6950", "lenovo tp x1 carbon", "dell pe r640",
                      "xerox wc 6400", "canon ir 2520"); distributor_abbrev (third-kinds) abbreviates type and
                      colour words (TNR CRTG BLK), line_split_compound splits the line name
  colour_foreign      a cartridge's number and its colour in German / French / Spanish / Italian / Dutch /
                      Polish ("hp 88xl gelb", "lexmark 100xl amarillo", "canon cli-526 schwarz"); the colour
                      is what tells the siblings apart (foreign_type of third-kinds gives a colour next to the
                      full code, which already names one product; colour_abbrev writes it as a shop code);
                      relevant as colour_abbrev: the brand's titles beginning with brand + number naming that
                      colour only
  foreign_fits        an accessory asked for by its device with a German / French / Spanish / Italian / Dutch /
                      Polish preposition ("toner für brother hl-2035", "cartouche pour hp deskjet 2130",
                      "tambor para oki c5850", "lampada per nec np13"), type word in English or in the language;
                      relevant as accessory_for_device (more-kinds): the brand's products of that type naming the
                      device's code; fits_phrasing (sixth-kinds) asks it in English
  code_wildcard       a code series with its last digits as a wildcard, as shoppers and resellers name a series
                      ("brother tn-23xx", "hp cf28xa", "lexmark c54x toner", "tn-232*", "t07??"); relevant: every
                      group of the brand whose code fits the pattern (2-12 products); code_prefix (reviewed-kinds)
                      cuts the code short without a wildcard
  spec_range          brand + type + a range or a bound of one spec ("apc ups 1000-1500va", "kingston memory
                      module 4 to 8 gb", "hp printer at least 30 ppm", "dell notebook 14-15.6 inch", "1500va+");
                      relevant: the brand's products whose title names the type and a value in the range (1-15)
  prefix_word_dropped a title prefix with one inner word left out, neither the first nor the last ("hp laserjet
                      m402dn" for "HP LaserJet Pro M402dn"); relevant: the full prefix's family plus the brand's
                      titles whose first words are the query's, with at most one word more among them
  yield_words         an ink number with "XL" said in words ("hp 364 high yield black", "lexmark 100 high
                      capacity cyan", "hp 901 xl" is not: the suffix is written as words); relevant: the brand's
                      titles beginning with brand + numberXL (and that colour only, when one is named)
  code_in_name_model  brand + the code inside a model field that is a product name, not one code ("canon lv-lp17"
                      for model "LV-LP17 Replacement Lamp", "epson elplp54" for "Lamp - ELPLP54", "philips
                      pet9422/37" for "Portable DVD Player PET9422/37", "hp p3005" for "LaserJet P3005 printer");
                      every earlier code kind drew its codes from model fields of one code (kinds_common.code_like),
                      so about 1 product in 3 (a loose count: 6,794 of 19,406 have a name model holding a code-like word) was never asked
                      for by its code; relevant: the brand's products whose title or model field holds the code as a
                      word (at most 10; codes in more than 8 products catalogue-wide, and cable / unit words, skipped)
  search_syntax       brand + code or a title prefix with a power user's search-box syntax ("+hp +cf280a", "hp
                      AND cf280a", "brand:hp cf280a", "title:\"laserjet pro m402dn\"", "cf280a*", "hp cf280a~")
Every kind has a control in control/: the same query without what the kind adds (the number as the title
writes it, the spec as the title writes it, no usage, the line name in full, the English colour, the English
"<type> for <brand> <device>", the code cut before the wildcard, the values the relevant titles name instead of
the range (only where they are at most three), the full prefix, "XL" glued as the title writes it, no syntax),
same relevance; code_in_name_model's control is brand + the whole model field (which the ranking reads as a name).
Usage: python3 data/known-item/eighth-kinds/gen.py [seed]   (default seed 70; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc  # the catalogue, the train part, the per-kind streams and rows of every generator
from kinds_common import alnum, clean, norm_words, title_type

SEED = kc.seed_arg(70)
N = 120
OUT = os.path.dirname(os.path.abspath(__file__))

K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, byid, groups, gkey, bybrand = K.ps, K.byid, K.groups, K.gkey, K.bybrand
all_train, group_of = K.all_train, K.group_of
rng, emit, emit_pair, nq, pool, coded_pool = K.rng, K.emit, K.emit_pair, K.nq, K.pool, K.coded_pool
respell, brand_as_typed, code_or_prefix = K.respell, K.brand_as_typed, K.code_or_prefix
ids = kc.ids


def coded():
    """One train product per (brand, code) group whose title carries the code, in pool order."""
    seen = set()
    for p in coded_pool():
        k = gkey[p["id"]]
        if k in seen or not all_train(group_of(p)) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-./#+]*", p["model"]):
            continue
        seen.add(k)
        yield p


def join(*parts):
    return " ".join(x for x in parts if x)


def has_word(title, rx):
    return re.search(rx, title.lower()) is not None


def lower_maybe(*qs, share=0.6):
    if rng.random() < share:
        return tuple(q.lower() for q in qs)
    return qs


def prefix(p, kmin=3, kmax=6):
    """K.shopper_prefix without quotes, primes or a one-letter last word ("1200 x")."""
    w = K.shopper_prefix(p, kmin, kmax)
    while w and len(w[-1]) == 1:
        w = w[:-1]
    while w and (re.fullmatch(r"[\d.,\-/]+|\W+", w[-1]) or w[-1].lower() in kc.STOP):
        w = w[:-1]
    if not w or len(w) < 2 or re.search(r"[\"'’‘“”]", " ".join(w)):
        return None
    return w


# ------------------------------------------------------------------ 1. a number with a thousands separator
BIG = re.compile(r"(?<!x )(?<![\w.,'])(\d{4,6})(\s?)(mAh|VA|W|GB|ANSI lumens|pages|Mbit/s)(?![\w/])")


def qnorm(s):
    """Title words with number and unit glued (for judging only)."""
    s = re.sub(r"(\d)\s+(mah|va|w|gb|pages|ansi|mbit|dpi)\b", r"\1\2", s.lower())
    return norm_words(s)


def thousands(n, unit):
    """n written as shoppers group it: a thousands separator or thousands ("k", for mAh, VA, W and pages)."""
    s = str(n)
    head, tail = s[:-3], s[-3:]
    forms = [f"{head},{tail}", f"{head},{tail}", f"{head}.{tail}", f"{head}.{tail}", f"{head} {tail}", f"{head}'{tail}"]
    if n % 100 == 0 and unit.lower() in ("mah", "va", "w", "pages"):
        k = n / 1000
        ks = ("%g" % k)
        forms += [f"{ks}k", f"{ks}k"]
    return rng.choice(forms)


def gen_thousands_written():
    seen = set()
    for p in pool():
        t = clean(p["title"])
        m = BIG.search(t)
        if not m or not t.lower().startswith(p["brand"].lower()):
            continue
        before = t[:m.start()].split()
        if not (2 <= len(before) <= 7) or "(" in " ".join(before) or ")" in " ".join(before):
            continue
        num, sp, unit = int(m.group(1)), m.group(2), m.group(3)
        pw = qnorm(t[:m.end()])
        key = tuple(pw)
        if key in seen:
            continue
        seen.add(key)
        rel = K.family(p["brand"], pw, qnorm)
        if not rel:
            continue
        written = thousands(num, unit)
        u = unit.lower() if rng.random() < 0.6 else unit
        glue = "" if (rng.random() < 0.5 and " " not in u) else " "
        q = join(" ".join(before), written + glue + u)
        base = join(" ".join(before), m.group(1) + sp + unit)
        q, base = lower_maybe(q, base, share=0.5)
        emit_pair("thousands_written", q, base, rel)
        if nq("thousands_written") >= N:
            return


# ------------------------------------------------------------------ 2. a performance spec abbreviated and glued
SPECS = [  # (regex on the title: number, unit as written; typed forms; unit key for judging)
    (re.compile(r"(?<![\w.,])(\d+)\s?ANSI lumens\b"), ["{n}lm", "{n} lm", "{n}lumen", "{n}lumens", "{n} ansi"], "lumen"),
    (re.compile(r"(?<![\w.,])(\d+)\s?Mbit/s"), ["{n}mbps", "{n} mbps", "{n}mb/s", "{n}mbit", "{n}mbit/s"], "mbit"),
    (re.compile(r"(?<![\w.,])(?:\d+ x )?(\d+)\s?DPI\b"), ["{n}dpi", "{n} dpi", "{n}dpi resolution"], "dpi"),
    (re.compile(r"(?<![\w.,])(\d+)\s?ppm\b"), ["{n}ppm", "{n}ppm", "{n} pages/min", "{n}ppm"], "ppm"),
    (re.compile(r"(?<![\w.,])(\d+)\s(?:RPM|rpm)\b"), ["{n}rpm", "{n}rpm", "{n}k rpm"], "rpm"),
    (re.compile(r"(?<![\w.,@])(\d+)\s?Hz\b"), ["{n}hz", "{n}hz", "{n} hz"], "hz"),
]
SPEC_TYPES = ["data projector", "projector", "networking card", "network switch", "wireless router", "router",
              "access point", "powerline network adapter", "network transceiver module", "mouse", "scanner",
              "laser printer", "inkjet printer", "printer", "multifunctional", "internal hard drive", "hard disk drive",
              "hard drive", "monitor", "cable", "adapter", "video cable adapter"]


def spec_values(title, unit_key):
    out = set()
    for rx, _, uk in SPECS:
        if uk == unit_key:
            out |= {int(m.group(1)) for m in rx.finditer(clean(title))}
    return out


def gen_unit_glued_spec():
    seen = set()
    for p in pool():
        t = clean(p["title"])
        if not t.lower().startswith(p["brand"].lower()):
            continue
        hits = [(rx.search(t), forms, uk) for rx, forms, uk in SPECS]
        hits = [h for h in hits if h[0]]
        if not hits:
            continue
        m, forms, uk = rng.choice(hits)
        n = int(m.group(1))
        form = rng.choice(forms)
        if form == "{n}k rpm":
            if n % 1000 or n < 1000:
                continue
            typed = f"{n // 1000}k rpm"  # "7.2k" is rarer; whole thousands only ("10k rpm")
        else:
            typed = form.format(n=n)
        written = m.group(0).strip()
        if alnum(typed) == alnum(written) and " " not in written:
            continue  # the title glues it already
        tl = t.lower()
        typ = next((x for x in SPEC_TYPES if re.search(r"\b" + re.escape(x) + r"\b", tl)), None)
        if rng.random() < 0.5 or not typ:
            before = t[:m.start()].split()
            if not (2 <= len(before) <= 6) or "(" in " ".join(before):
                continue
            bw = norm_words(" ".join(before))
            key = ("p", tuple(bw), uk, n)
            rel = [x for x in bybrand[p["brand"]] if norm_words(x["title"])[:len(bw)] == bw and n in spec_values(x["title"], uk)]
            head = " ".join(before)
        else:
            key = ("t", p["brand"], typ, uk, n)
            rel = [x for x in bybrand[p["brand"]] if re.search(r"\b" + re.escape(typ) + r"\b", x["title"].lower())
                   and n in spec_values(x["title"], uk)]
            b = brand_as_typed(p["brand"])
            head = join(b, typ)
        if key in seen or not (1 <= len(rel) <= 12) or not all_train(rel):
            continue
        seen.add(key)
        q, base = join(head, typed), join(head, written)
        q, base = lower_maybe(q, base)
        emit_pair("unit_glued_spec", q, base, rel)
        if nq("unit_glued_spec") >= N:
            return


# ------------------------------------------------------------------ 3. what the device is for
USAGE = [
    (r"\b(notebook|laptop|chromebook|ultrabook)\b", ["students", "college", "gaming", "office work", "business",
                                                      "video editing", "programming", "home use", "travel", "school"]),
    (r"\b(monitor|display)\b", ["gaming", "office", "photo editing", "home office", "programming", "console gaming"]),
    (r"\b(mouse|mice)\b", ["gaming", "office", "travel", "home office", "work", "cad"]),
    (r"\bkeyboard\b", ["gaming", "office", "programmers", "typing", "home office"]),
    (r"\b(headset|headphones|earphones)\b", ["gaming", "zoom calls", "office", "call center", "running", "working from home"]),
    (r"\b(printer|multifunctional|all-in-one)\b", ["home office", "small business", "office", "students", "photos"]),
    (r"\bprojector\b(?! lamp)", ["home cinema", "classroom", "presentations", "home theater", "office"]),
    (r"\b(router|access point|switch)\b", ["home", "small office", "gaming", "streaming", "small business"]),
    (r"\b(smartphone|mobile phone|tablet)\b", ["kids", "seniors", "business", "students"]),
    (r"\b(desktop pc|workstation|all-in-one pc|mini pc)\b", ["office", "gaming", "cad", "video editing", "home"]),
    (r"\b(uninterruptible power supply|ups)\b", ["home office", "server room", "gaming pc", "nas", "small office"]),
    (r"\b(webcam|speaker|speakers|scanner|camera)\b", ["home office", "streaming", "office", "travel"]),
]
NOT_DEVICE = r"\b(case|bag|backpack|sleeve|cover|pouch|mount|stand|holder|strap|lock|bracket|rack|filter|protector|" \
             r"cable|battery|lamp|kit|spare|module|card|adapter|toner|ink|cartridge|drum|ribbon|tray|feeder|fuser|label|labels|" \
             r"paper|media|part|parts|replacement|motherboard|board|panel|screen|software|licen[cs]e|warranty|" \
             r"roller|belt|unit|upgrade|memory|mainboard|wrist|rest|pad|mat)\b"


def gen_usage_for():
    for p in pool():
        tl = p["title"].lower()
        if has_word(tl, NOT_DEVICE):
            continue
        uses = next((u for rx, u in USAGE if re.search(rx, tl)), None)
        if not uses:
            continue
        r = code_or_prefix(p)
        if not r:
            continue
        base, rel = r
        use = rng.choice([u for u in uses if not set(u.split()) & set(norm_words(tl))] or [None])
        if not use:
            continue
        form = rng.random()
        if form < 0.7:
            q = f"{base} for {use}"
        elif form < 0.85:
            q = f"best {base} for {use}"
        else:
            q = f"{base} ideal for {use}"
        emit_pair("usage_for", q, base, rel)
        if nq("usage_for") >= N:
            return


# ------------------------------------------------------------------ 4. the product line abbreviated
LINE_AB = [("Color LaserJet", ["clj", "color lj"]), ("LaserJet", ["lj"]), ("OfficeJet", ["oj"]), ("DeskJet", ["dj"]),
           ("ThinkPad", ["tp"]), ("ThinkCentre", ["tc"]), ("PowerEdge", ["pe"]), ("WorkCentre", ["wc"]),
           ("imageRUNNER", ["ir"]), ("Inspiron", ["insp"]), ("ProLiant", ["pl"]), ("Designjet", ["dsj"]),
           ("PageWide", ["pw"]), ("ThinkStation", ["ts"]), ("ThinkVision", ["tv"])]


def gen_line_abbrev():
    for p in pool():
        t = clean(p["title"])
        hit = next(((ln, ab) for ln, ab in LINE_AB if re.search(r"\b" + ln + r"\b", t, re.I)), None)
        if not hit:
            continue
        w = prefix(p, 3, 6)
        if not w:
            continue
        full = " ".join(w)
        ln, ab = hit
        if not re.search(r"\b" + ln + r"\b", full, re.I) or len(ln.split()) + 1 >= len(w):
            continue  # the line and something after it: a line alone names no product
        rel = K.prefix_rel(p, w)
        if not rel:
            continue
        q = re.sub(r"\b" + ln + r"\b", rng.choice(ab), full, count=1, flags=re.I)
        q, base = lower_maybe(q, full, share=0.7)
        emit_pair("line_abbrev", q, base, rel)
        if nq("line_abbrev") >= N:
            return


# ------------------------------------------------------------------ 5. the colour in another language
FOUR = {"black", "cyan", "magenta", "yellow"}
FOREIGN_COLOUR = {  # language: (black, cyan, magenta, yellow, ink / cartridge words)
    "de": (["schwarz", "sw"], ["cyan", "blau"], ["magenta", "rot"], ["gelb"], ["tinte", "patrone", "druckerpatrone"]),
    "fr": (["noir"], ["cyan", "bleu"], ["magenta", "rouge"], ["jaune"], ["encre", "cartouche"]),
    "es": (["negro"], ["cian", "azul"], ["magenta", "rojo"], ["amarillo"], ["tinta", "cartucho"]),
    "it": (["nero"], ["ciano", "blu"], ["magenta", "rosso"], ["giallo"], ["cartuccia", "inchiostro"]),
    "nl": (["zwart"], ["cyaan", "blauw"], ["magenta", "rood"], ["geel"], ["inkt", "cartridge"]),
    "pl": (["czarny"], ["błękitny", "niebieski"], ["purpurowy", "czerwony"], ["żółty", "zolty"], ["tusz", "wkład"]),
}
COLOUR_INDEX = {"black": 0, "cyan": 1, "magenta": 2, "yellow": 3}


def gen_colour_foreign():
    for p in pool():
        if not p["brand"]:
            continue
        m = re.match(re.escape(p["brand"]) + r" (\S+)(?: (.*?))? Original (Black|Cyan|Magenta|Yellow)(?: \d+ pc\(s\))?$",
                     p["title"]) or re.match(re.escape(p["brand"]) + r" (\S+) (Black|Cyan|Magenta|Yellow) Original(?: \d+ pc\(s\))?$",
                                             p["title"])
        if not m:
            continue
        num = m.group(1)
        col = m.group(m.lastindex).lower()
        mid = m.group(2) if m.lastindex == 3 else ""
        a = alnum(num)
        tail = re.sub(r".*\d", "", a)
        if not re.search(r"\d", a) or re.search(r"[bcmyk]", tail) or "," in num:
            continue
        head = (p["brand"] + " " + num + " ").lower()
        rel = [x for x in bybrand[p["brand"]] if x["title"].lower().startswith(head)
               and col in norm_words(x["title"]) and not (FOUR - {col}) & set(norm_words(x["title"]))]
        if not (1 <= len(rel) <= 10) or not all_train(rel):
            continue
        others = [x for x in bybrand[p["brand"]] if x["title"].lower().startswith(head) and x not in rel]
        if not others:
            continue  # no sibling of another colour: the colour would tell nothing apart
        typ = ""
        mw = (mid or "").lower().split()
        if mw and rng.random() < 0.4:
            typ = " " + " ".join(mw[:2])
        lang = FOREIGN_COLOUR[rng.choice(sorted(FOREIGN_COLOUR))]
        if not typ and rng.random() < 0.3 and not re.search(r"toner", p["title"].lower()):
            typ = " " + rng.choice(lang[4])
        fc = rng.choice([c for c in lang[COLOUR_INDEX[col]] if c != col] or lang[COLOUR_INDEX[col]])
        if fc == col:
            continue
        br = brand_as_typed(p["brand"]) + " " if rng.random() < 0.85 else ""
        n = num.lower() if rng.random() < 0.5 else num
        first = rng.random() < 0.7
        q = f"{br}{n}{typ} {fc}" if first else f"{br}{n} {fc}{typ}"
        base = f"{br}{n}{typ} {col}" if first else f"{br}{n} {col}{typ}"
        emit_pair("colour_foreign", q, base, rel)
        if nq("colour_foreign") >= N:
            return


# ------------------------------------------------------------------ 6. "für" / "pour" / "para" + a device
ACC = [  # as more-kinds / sixth-kinds, with the type in other languages
    (r"\btoner\b", ["toner", "toner cartridge"], ["toner", "tonerkartusche", "cartouche de toner", "tóner", "toner", "toner"]),
    (r"\b(drum|imaging unit|photoconductor)\b", ["drum", "drum unit"], ["trommel", "bildtrommel", "tambour", "tambor", "tamburo", "drum"]),
    (r"\bprojector lamp\b", ["lamp", "projector lamp"], ["beamerlampe", "ersatzlampe", "lampe", "lámpara", "lampada", "lamp"]),
    (r"\bribbon\b", ["ribbon"], ["farbband", "ruban", "cinta", "nastro", "lint", "taśma"]),
    (r"\bink\b|\bink cartridge\b", ["ink", "ink cartridge"], ["tintenpatrone", "tinte", "cartouche d'encre", "cartucho de tinta", "cartuccia", "inktcartridge"]),
    (r"\bfuser\b", ["fuser"], ["fixiereinheit", "unité de fusion", "fusor", "fusore", "fuser"]),
    (r"\bmemory module\b|\bmemory\b", ["memory", "memory upgrade"], ["arbeitsspeicher", "speicher", "mémoire", "memoria", "geheugen", "pamięć"]),
    (r"\b(paper tray|tray/feeder|sheet feeder)\b", ["paper tray"], ["papierfach", "bac papier", "bandeja", "cassetto carta", "papierlade"]),
    (r"\blens hood\b", ["lens hood"], ["gegenlichtblende", "pare-soleil", "parasol", "paraluce", "zonnekap"]),
    (r"\bmaintenance kit\b", ["maintenance kit"], ["wartungskit", "kit de maintenance", "kit de mantenimiento", "kit di manutenzione"]),
    (r"\bprint head\b|\bprinthead\b", ["print head"], ["druckkopf", "tête d'impression", "cabezal", "testina", "printkop"]),
    (r"\bbattery\b", ["battery"], ["akku", "batterie", "batería", "batteria", "accu", "bateria"]),
]
FOR = re.compile(r"\b(?:for|fits|compatible with)\s+((?:[A-Z][\w\-]*|\d[\w\-]*)(?:\s+(?:[A-Z][\w\-]*|\d[\w\-]*)){0,3})")
PREP = ["für", "passend für", "pour", "compatible avec", "para", "per", "voor", "do", "für", "pour", "para"]
brand_alnums = {alnum(b) for b in bybrand if b}


def desc(x):
    return re.sub(r"<[^>]+>", " ", x["short_description"] or "")


def text_words(x):
    return {alnum(w) for w in re.split(r"[\s/,;()]+", x["title"] + " " + desc(x)) if w}


def acc_type(x):
    t = x["title"].lower()
    for a in ACC:
        if re.search(a[0], t):
            return a
    return None


def gen_foreign_fits():
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
            continue  # another brand's device: compatible_for_code's
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
        en = rng.choice(at[1])
        typ = rng.choice(at[2]) if rng.random() < 0.6 else en
        b = brand_as_typed(p["brand"])
        prep = rng.choice(PREP)
        q = f"{typ} {prep} {b} {device}"
        base = f"{en} for {b} {device}"
        q, base = lower_maybe(q, base)
        emit_pair("foreign_fits", q, base, rel)
        if nq("foreign_fits") >= N:
            return


# ------------------------------------------------------------------ 7. a code series with a wildcard
def gen_code_wildcard():
    codes_by_brand = collections.defaultdict(dict)  # brand -> alnum code -> group
    for (b, c), g in groups.items():
        codes_by_brand[g[0]["brand"]][c] = g
    for p in coded():
        model = p["model"]
        runs = [m for m in re.finditer(r"\d{3,}", model)]
        if not runs:
            continue
        r = runs[-1]
        k = rng.choice([1, 1, 2])
        if k >= len(r.group(0)):
            continue
        wild = rng.choice(["x" * k, "X" * k, "*", "?" * k])
        pat = model[:r.end() - k] + wild + model[r.end():]
        rx = re.compile(re.escape(alnum(model[:r.end() - k])) + r"[0-9]{%d}" % k + re.escape(alnum(model[r.end():])) + "$")
        if alnum(pat) in codes_by_brand[p["brand"]]:
            continue  # "x" would spell another code of the brand
        gs = [g for c, g in sorted(codes_by_brand[p["brand"]].items()) if rx.match(c)]
        rel = [x for g in gs for x in g]
        if len(gs) < 2 or len(rel) > 12 or not all_train(rel):
            continue
        br = brand_as_typed(p["brand"]) if rng.random() < 0.8 else ""
        typ = title_type(p) if rng.random() < 0.4 else None
        cut = model[:r.end() - k]
        pat_typed, cut_typed = (pat.lower(), cut.lower()) if rng.random() < 0.6 else (pat, cut)
        q, base = join(br, pat_typed, typ), join(br, cut_typed, typ)
        emit_pair("code_wildcard", q, base, rel)
        if nq("code_wildcard") >= N:
            return


# ------------------------------------------------------------------ 8. a range or a bound of one spec
RANGE_FAMILIES = [  # (type regex on the title, shopper's type words, value regex, unit as typed, brackets)
    (r"uninterruptible power supply|\bups\b", ["ups", "ups", "battery backup"], re.compile(r"(?<![\w.,])(\d{3,5})\s?VA\b"),
     ["va", " va", "VA"], [(500, 1000), (700, 1000), (1000, 1500), (1000, 2000), (1500, 2200), (2000, 3000), (3000, 5000),
                          (5000, 10000)]),
    (r"\bmemory module\b", ["memory", "memory module", "ram"], re.compile(r"(?<![\w.,])(\d{1,3})\s?GB\b"),
     ["gb", " gb", "GB"], [(2, 4), (4, 8), (8, 16), (16, 32), (32, 64)]),
    (r"\b(printer|multifunctional)\b", ["printer", "printer", "multifunction printer"], re.compile(r"(?<![\w.,])(\d{1,3}) ppm\b"),
     [" ppm", "ppm"], [(10, 20), (15, 25), (20, 30), (25, 35), (30, 40), (35, 50), (40, 60)]),
    (r"\b(notebook|laptop)\b", ["notebook", "laptop"], re.compile(r'\((\d\d(?:\.\d)?)"\)'),
     [" inch", '"', "in", " inch"], [(11, 13.3), (12, 14), (13, 14), (13.3, 14), (14, 15.6), (15, 16), (15.6, 17.3), (17, 18)]),
    (r"\bmonitor\b|\bdisplay\b", ["monitor"], re.compile(r'\((\d\d(?:\.\d)?)"\)'),
     [" inch", '"', " inch"], [(19, 22), (21, 24), (22, 24), (23, 25), (24, 27), (27, 32), (32, 43)]),
    (r"\bprojector\b(?! lamp)", ["projector", "data projector"], re.compile(r"(?<![\w.,])(\d{3,5}) ANSI lumens"),
     [" lumens", "lm", " ansi lumens"], [(2000, 3000), (2500, 3500), (3000, 4000), (3500, 5000), (4000, 6000)]),
]


RANGE_NOT = r"\b(case|bag|backpack|sleeve|cover|pouch|mount|stand|holder|strap|lock|bracket|filter|protector|cable|" \
            r"lamp|kit|spare|module|card|adapter|toner|ink|cartridge|drum|tray|feeder|fuser|battery|batteries|cooling|" \
            r"dock|docking|arm|desk|privacy|replacement|part|parts|keyboard|charger)\b"


def fmtn(x):
    return ("%g" % x)


def range_text(lo, hi, u, bound):
    if bound == "min":
        return rng.choice([f"at least {fmtn(lo)}{u}", f"{fmtn(lo)}{u}+", f"min {fmtn(lo)}{u}", f"{fmtn(lo)}{u} or more",
                           f"from {fmtn(lo)}{u}"])
    if bound == "max":
        return rng.choice([f"up to {fmtn(hi)}{u}", f"max {fmtn(hi)}{u}", f"{fmtn(hi)}{u} max", f"{fmtn(hi)}{u} or less"])
    return rng.choice([f"{fmtn(lo)}-{fmtn(hi)}{u}", f"{fmtn(lo)}{u}-{fmtn(hi)}{u}", f"{fmtn(lo)} to {fmtn(hi)}{u}",
                       f"between {fmtn(lo)} and {fmtn(hi)}{u}", f"{fmtn(lo)} - {fmtn(hi)}{u}", f"{fmtn(lo)}–{fmtn(hi)}{u}"])


def gen_spec_range():
    seen = set()
    for p in pool():
        tl = p["title"].lower()
        fam = next((f for f in RANGE_FAMILIES if re.search(f[0], tl)), None)
        if not fam or not p["brand"]:
            continue
        trx, typs, vrx, units, brackets = fam
        m = vrx.search(clean(p["title"]))
        if not m:
            continue
        v = float(m.group(1))
        bs = [b for b in brackets if b[0] <= v <= b[1]]
        if not bs:
            continue
        lo, hi = rng.choice(bs)
        bound = rng.choice(["range", "range", "range", "min", "max"])
        if bound == "min":
            hi = float("inf")
        elif bound == "max":
            lo = 0
        typ = rng.choice(typs)
        key = (p["brand"], trx, typ, lo, hi, bound)
        if key in seen:
            continue
        seen.add(key)

        def val(x):
            mm = vrx.search(clean(x["title"]))
            return float(mm.group(1)) if mm else None

        cand = [x for x in bybrand[p["brand"]] if re.search(trx, x["title"].lower())
                and (trx == r"\bmemory module\b" or not has_word(x["title"], RANGE_NOT))]
        if p not in cand:
            continue
        rel = [x for x in cand if val(x) is not None and lo <= val(x) <= hi
               and (bound != "max" or val(x) < hi or True)]
        if bound == "max" and any(rt for rt in [0]):
            pass
        if not (1 <= len(rel) <= 15) or not all_train(rel):
            continue
        u = rng.choice(units)
        b = brand_as_typed(p["brand"])
        rt = range_text(lo, hi, u if not u.startswith(" ") or True else u, bound)
        q = join(b, typ, rt) if rng.random() < 0.75 else join(rt, b, typ)
        vals = sorted({val(x) for x in rel})
        if not emit("spec_range", q, ids(rel)):
            continue
        if len(vals) <= 3:
            base = join(b, typ, " ".join(f"{fmtn(x)}{u}" for x in vals))
            emit("spec_range_control", base, ids(rel))
        if nq("spec_range") >= N:
            return


# ------------------------------------------------------------------ 9. an inner word left out of a title prefix
def gen_prefix_word_dropped():
    for p in pool():
        w = prefix(p, 4, 7)
        if not w or len(w) < 4:
            continue
        inner = [i for i in range(1, len(w) - 1) if re.fullmatch(r"[A-Za-z][A-Za-z\-]{2,}", w[i]) and w[i].lower() not in kc.STOP]
        if not inner:
            continue
        i = rng.choice(inner)
        qw = w[:i] + w[i + 1:]
        full = K.prefix_rel(p, w)
        if not full:
            continue
        nq_ = norm_words(" ".join(qw))
        L = len(nq_)
        extra = []
        for x in bybrand[p["brand"]]:
            tw = norm_words(x["title"])
            if tw[:L] == nq_ or any(tw[:j] + tw[j + 1:L + 1] == nq_ for j in range(1, L + 1)):
                extra.append(x)
        rel = list({x["id"]: x for x in full + extra}.values())
        if len(rel) > 10 or not all_train(rel):
            continue
        q, base = lower_maybe(" ".join(qw), " ".join(w))
        emit_pair("prefix_word_dropped", q, base, rel)
        if nq("prefix_word_dropped") >= N:
            return


# ------------------------------------------------------------------ 10. "XL" said in words
YIELD = ["high yield", "high capacity", "high-yield", "high cap", "extra large", "large", "hy", "xl high yield"]


def gen_yield_words():
    seen = set()
    for p in pool():
        b = p["brand"]
        m = re.match(re.escape(b) + r" (\S*\d)(XL|xl|XXL|X)\b(.*)$", p["title"]) if b else None
        if not m or not re.search(r"\b(original|ink|cartridge|toner)\b", p["title"].lower()):
            continue
        if m.group(2) == "X" and not re.search(r"\boriginal\b|\btoner\b", p["title"].lower()):
            continue
        num, xl, rest = m.group(1), m.group(2), m.group(3)
        cols = [c for c in ["black", "cyan", "magenta", "yellow", "photo black", "tri-colour", "colour", "color"]
                if re.search(r"\b" + c + r"\b", rest.lower())]
        single = [c for c in cols if c in FOUR]
        col = single[0] if len(single) == 1 and rng.random() < 0.8 else None
        head = f"{b} {num}{xl}".lower()
        rel = [x for x in bybrand[b] if re.match(re.escape(head) + r"\b", x["title"].lower())
               and (not col or (col in norm_words(x["title"]) and not (FOUR - {col}) & set(norm_words(x["title"]))))]
        key = (b, num, xl, col)
        if key in seen or not (1 <= len(rel) <= 10) or not all_train(rel):
            continue
        seen.add(key)
        y = rng.choice(YIELD if xl.upper() in ("XL", "X") else ["extra high yield", "extra high capacity", "xxl"])
        if xl == "X" and y in ("extra large", "large", "xl high yield"):
            y = "high yield"
        br = brand_as_typed(b)
        n = num.lower()
        typ = rng.choice(["", "", "toner", "toner cartridge"] if xl == "X" or "toner" in p["title"].lower()
                         else ["", "", "ink", "ink cartridge", "cartridge"])
        if rng.random() < 0.7:
            q, base = join(br, n, y, col, typ), join(br, n + xl.lower(), col, typ)
        else:
            q, base = join(br, n, col, y, typ), join(br, n + xl.lower(), col, typ)
        emit_pair("yield_words", q, base, rel)
        if nq("yield_words") >= N:
            return


# ------------------------------------------------------------------ 11. search-box syntax
def gen_search_syntax():
    for p in pool():
        coded_ = p["id"] in gkey and p["model"] in p["title"] and rng.random() < 0.6
        if coded_:
            b, c = brand_as_typed(p["brand"]), respell(p["model"])
            rel = group_of(p)
            if not all_train(rel):
                continue
            base = join(b, c)
            form = rng.choice(["+{b} +{c}", "{b} AND {c}", "{b} && {c}", "brand:{b} {c}", "brand:\"{b}\" model:{c}",
                               "{b} {c}*", "{b} {c}~", "mpn:{c} brand:{b}", "\"{b} {c}\"", "{b} +{c}", "model:{c}",
                               "({b} {c})", "{b} OR {c}"])
            q = form.format(b=b, c=c)
            if form == "model:{c}":
                base = c
        else:
            w = prefix(p)
            if not w:
                continue
            rel = K.prefix_rel(p, w)
            if not rel:
                continue
            base = " ".join(w)
            if rng.random() < 0.6:
                base = base.lower()
            ws = base.split()
            form = rng.random()
            if form < 0.25:
                q = " AND ".join(ws)
            elif form < 0.45:
                q = " ".join("+" + x for x in ws)
            elif form < 0.65:
                q = f"title:\"{base}\""
            elif form < 0.8:
                q = f"brand:{ws[0]} {' '.join(ws[1:])}"
            else:
                q = base + "*"
        emit_pair("search_syntax", q, base, rel)
        if nq("search_syntax") >= N:
            return


# ------------------------------------------------------------------ 12. the code inside a model field that is a name
UNITISH = re.compile(r"(?i)[\d.,]+-?(gb|mb|tb|kb|m|cm|mm|ft|in|w|wh|kw|v|va|kva|mah|ah|mhz|ghz|hz|pin|port|ports|th|nd|rd|st|x|"
                     r"pk|pc|pcs|cell|bit|p|k|u|g|kg|lb|lbs|oz|ml|l|fps|dpi|ppm|ms|yr|yrs|y|m2|gsm|ohm|gbps|mbps|kbps|rpm|a|ma)")
GENERIC = {"cat5e", "cat5", "cat6", "cat6a", "cat7", "cat8", "rj45", "rj11", "rj12", "usb2", "usb3", "ddr2", "ddr3", "ddr4",
           "ddr5", "pc2", "pc3", "pc4", "ps2", "db9", "db15", "db25", "hd15", "dvi", "mp3", "mp4", "h264", "h265", "ipv6",
           "a4", "a3", "a5", "802.11"}


def gen_code_in_name_model():
    word_count = collections.Counter()
    for x in ps:
        for w in set(alnum(w) for w in re.split(r"[\s,;()\[\]]+", x["title"] + " " + x["model"]) if w):
            word_count[w] += 1
    seen = set()
    for p in pool():
        m = clean(p["model"]).strip()
        if not p["brand"] or len(m.split()) <= 2 or kc.code_like(m):
            continue  # a model of one code is every earlier code kind's
        mw = m.split()
        cw = []
        for i, w in enumerate(mw):
            w = w.strip(",.;:()[]")
            prev = mw[i - 1].lower().strip(",.;:()") if i else ""
            if prev in ("to", "with", "for", "of", "fits", "replaces") or alnum(prev) in brand_alnums:
                continue  # another product's code ("Equivalent to Brother TN5500", "for HP 1020")
            if not re.fullmatch(r"[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)*", w) or not 5 <= len(alnum(w)) <= 16:
                continue
            segs = re.split(r"[-/.]", w)
            if any(re.fullmatch(r"[A-Za-z]{4,}", x) for x in segs) or re.search(r"\dx\d", w.lower()):
                continue  # "ddr2-ram", "paper-1524", "48.5x25.4"
            if not any(re.search(r"\d", x) and re.search(r"[A-Za-z]", x) for x in segs) and \
                    not re.fullmatch(r"[A-Za-z]{1,4}-\d{3,}[A-Za-z]*", w):
                continue  # a letter and a digit in one piece ("PET9422/37", "LV-LP17"), or "TN-200"-like
            if UNITISH.fullmatch(w) or alnum(w) in GENERIC or \
                    any(UNITISH.fullmatch(x) or x.lower() in GENERIC or x.lower() == "ram" for x in segs):
                continue
            cw.append(w)
        if not cw:
            continue
        code = cw[0]
        c = alnum(code)
        if c in seen or word_count[c] > 8 or UNITISH.fullmatch(code):
            continue
        rel = [x for x in bybrand[p["brand"]]
               if c in {alnum(w) for w in re.split(r"[\s,;()\[\]]+", x["title"] + " " + x["model"]) if w}]
        if not (1 <= len(rel) <= 10) or not all_train(rel) or p not in rel:
            continue
        seen.add(c)
        br = brand_as_typed(p["brand"]) if rng.random() < 0.85 else ""
        typed = code if rng.random() < 0.5 else (code.lower() if rng.random() < 0.7 else alnum(code))
        typ = None
        rest = [w for w in m.split() if w.strip(",.;:()") != code and re.fullmatch(r"[A-Za-z][A-Za-z\-]+", w)]
        if rest and rng.random() < 0.35:
            typ = " ".join(rest[:2]).lower()
        q = join(br, typed, typ)
        base = join(br, m)
        if rng.random() < 0.5:
            base = base.lower()
        emit_pair("code_in_name_model", q, base, rel)
        if nq("code_in_name_model") >= N:
            return


KINDS = [("thousands_written", gen_thousands_written), ("unit_glued_spec", gen_unit_glued_spec),
         ("usage_for", gen_usage_for), ("line_abbrev", gen_line_abbrev), ("colour_foreign", gen_colour_foreign),
         ("foreign_fits", gen_foreign_fits), ("code_wildcard", gen_code_wildcard), ("spec_range", gen_spec_range),
         ("prefix_word_dropped", gen_prefix_word_dropped), ("yield_words", gen_yield_words),
         ("search_syntax", gen_search_syntax), ("code_in_name_model", gen_code_in_name_model)]
K.run(KINDS)
# a kind's control (control/): the same queries without what the kind adds, same relevance
K.write(controls=True)
