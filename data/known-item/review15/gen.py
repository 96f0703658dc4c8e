#!/usr/bin/env python3
"""Review 15: query kinds away from printer supplies (processors, cables, phones, consoles, peripherals),
built from the train part of the known-item split only (kinds_common.KindSet asserts it).

Catalogue reading (no ranking involved):
  packaging  Intel sells a CPU boxed (title "... processor 2.5 GHz Box 12 MB L2") and as a tray / OEM part
             (the same title without "Box"), both under the same model field. 73 train models have both.
  gender     cable and adapter titles write the connector genders "M/M", "M/F", "F/M", "F/F" (742 titles;
             26 train families of identical titles differ only in it: "StarTech.com DVI to VGA Cable
             Adapter - F/M" beside "- M/F", "C2G 6ft DB25 F/F Null Modem Cable" beside "M/M").
  variant    a product line with a variant word that makes another product: "Logitech X52" / "X52 Pro",
             "Huawei P40" / "P40 lite" / "P40 lite E", "Motorola moto g8" / "g8 power" / "g8 power lite",
             "Sony PlayStation 4 Pro" / "Slim", "Kensington MicroSaver Duo" / "Duo Ultra". The families
             are the reviewer's list (FAMILIES) of title prefixes; the catalogue decides their members.

Kinds (query,docid,rating,type); each has a control in control/ with the same relevance:
  packaging_box_tray   "intel xeon e5420 box", "intel core q9000 boxed", "intel t5600 retail box",
             "intel xeon e5430 tray", "e6300 oem", "intel pentium e2180 tray processor". Relevant: Intel's
             titles of that model, 2 for the packaging asked for (Box / no Box), 1 for the other.
             Control: the query without the packaging words.
  gender_spelled       a cable / adapter title with its gender spelled as shoppers type it: "startech.com
             dvi to vga cable adapter female to male", "c2g 6ft db25 null modem cable male/male",
             "startech 10 ft db9 rs232 serial null modem cable f-f", "c2g 3m hd15 svga cable male to
             female". Relevant (1): the titles identical to it but for nothing (duplicates), that gender
             only ("female to male" is F/M, not M/F). Control: the gender as the title writes it.
  variant_word_plain   brand + the plain line name, a sibling of the line adds a variant word: "logitech
             x52", "huawei p40", "motorola moto g8", "kensington microsaver duo laptop lock". Relevant (1):
             the brand's titles beginning with the name and not followed by a variant word. Control:
             brand + the product's model field (or its first six title words).
  variant_word_named   brand + name + the variant word: "logitech x52 pro", "huawei p40 lite e", "sony
             playstation 4 slim", "motorola moto g8 power lite". Relevant (1): the brand's titles beginning
             with name + variant, not followed by a further variant word. Control: as above.
Usage: python3 data/known-item/review15/gen.py [seed]   (default seed 1515; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc
from kinds_common import alnum

SEED = kc.seed_arg(1515)
OUT = os.path.dirname(os.path.abspath(__file__))
K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, byid = K.ps, K.byid


def typed(s, p=0.7):
    return s.lower() if K.rng.random() < p else s


def ok(rel, limit=12):
    return rel and len(rel) <= limit and K.all_train(rel)


# ------------------------------------------------------------------ packaging: Intel box / tray
BOX_WORDS = [("box", 0), ("boxed", 0), ("retail box", 0), ("retail", 0), ("box version", 0), ("boxed", 1)]
TRAY_WORDS = [("tray", 0), ("oem", 0), ("tray version", 0), ("oem tray", 0), ("tray", 1), ("oem", 1)]


def packaging_box_tray():
    kind = "packaging_box_tray"
    procs = [p for p in ps if p["brand"] == "Intel" and re.search(r"\bprocessor\b", p["title"])]
    bym = collections.defaultdict(list)
    for p in procs:
        bym[alnum(p["model"])].append(p)
    for m in sorted(bym):
        xs = bym[m]
        box = [x for x in xs if re.search(r"\bBox\b", x["title"])]
        tray = [x for x in xs if not re.search(r"\bBox\b", x["title"])]
        if not box or not tray or not ok(xs) or ("intel", m) not in K.groups or not K.all_train(K.groups[("intel", m)]):
            continue
        code = xs[0]["model"]
        # the line word the titles put between "Intel" and the code ("Xeon", "Core", "Pentium")
        line = None
        for x in xs:
            ws = x["title"].split()
            if len(ws) > 2 and ws[2] == code and re.fullmatch(r"[A-Z][a-z]+", ws[1]):
                line = ws[1]
        for want, words in (("box", BOX_WORDS), ("tray", TRAY_WORDS)):
            rated = {x["id"]: 2 if (x in box) == (want == "box") else 1 for x in xs}
            w, front = K.rng.choice(words)
            lw = f"{line} " if line and K.rng.random() < 0.6 else ""
            brand = "intel " if K.rng.random() < 0.85 else ""
            base = f"{brand}{lw}{K.respell(code)}"
            if K.rng.random() < 0.25:
                base += " processor"
            base = typed(base, 0.8)
            q = f"{w} {base}" if front else f"{base} {w}"
            if K.emit_rated(kind, q, rated):
                K.emit_rated(kind + "_control", base, rated)


# ------------------------------------------------------------------ gender spelled
GENDER = re.compile(r"\b(M/M|M/F|F/F|F/M)\b")
SPELL = {"M": ["male", "m"], "F": ["female", "f"]}
JOIN_LONG = [" to ", "/", " - ", " ", "-"]
JOIN_SHORT = ["-", " to ", "/"]


def spelled(g):
    a, b = g.split("/")
    if K.rng.random() < 0.7:
        return SPELL[a][0] + K.rng.choice(JOIN_LONG) + SPELL[b][0]
    return SPELL[a][1] + K.rng.choice(JOIN_SHORT) + SPELL[b][1]


def gender_query_words(t, brand):
    """The title as a shopper types it: ® / ™ / "-" separators and a trailing Icecat type tail dropped,
    the brand as typed."""
    t = kc.clean(t)
    t = re.sub(r"\s+-\s+", " ", t)
    t = re.sub(r"\s+(networking cable|audio cable|VGA cable|DVI cable|USB cable|coaxial cable|serial cable)\b.*$", "", t)
    t = re.sub(r",", "", t)
    return t


def gender_spelled():
    kind = "gender_spelled"
    fam = collections.defaultdict(list)
    for p in ps:
        gs = GENDER.findall(p["title"])
        if len(gs) == 1:
            fam[(p["brand"], GENDER.sub("#", p["title"]))].append(p)
    keys = sorted(k for k, v in fam.items() if K.all_train(v))
    multi = [k for k in keys if len({GENDER.search(x["title"]).group(1) for x in fam[k]}) > 1]
    single = [k for k in keys if k not in multi]
    K.rng.shuffle(single)
    chosen = []
    for k in multi:  # every family whose genders differ: both (all) of its genders
        for g in sorted({GENDER.search(x["title"]).group(1) for x in fam[k]}):
            chosen.append((k, g))
    for k in single[:70]:
        chosen.append((k, GENDER.search(fam[k][0]["title"]).group(1)))
    for k, g in chosen:
        rel = [x for x in fam[k] if GENDER.search(x["title"]).group(1) == g]
        if not ok(rel):
            continue
        brand, masked = k
        t = gender_query_words(masked.replace("#", "\u0000"), brand)
        if "\u0000" not in t:
            continue
        if t.startswith("StarTech.com") and K.rng.random() < 0.5:
            t = "StarTech" + t[len("StarTech.com"):]
        t = typed(t, 0.75)
        sp = spelled(g)
        if K.rng.random() < 0.35:  # the gender moved to the end, where shoppers often put it
            head = re.sub(r"\s+", " ", t.replace("\u0000", " ")).strip()
            q, base = f"{head} {sp}", f"{head} {g.lower() if t.islower() else g}"
        else:
            q = re.sub(r"\s+", " ", t.replace("\u0000", sp)).strip()
            base = re.sub(r"\s+", " ", t.replace("\u0000", g.lower() if t.islower() else g)).strip()
        if K.emit(kind, q, kc.ids(rel)):
            K.emit(kind + "_control", base, kc.ids(rel))


# ------------------------------------------------------------------ variant words
VARIANTS = {"plus", "pro", "mini", "max", "lite", "slim", "xl", "ultra", "edge", "se", "+", "air", "deluxe",
            "premium", "e", "power", "gt", "lp"}
# (brand, plain name as the titles begin, the variant words of its siblings): the reviewer's list, read off
# the catalogue (a plain name a spec or a generic word would be, "HP 65W", "HP Premium", is left out).
FAMILIES = [
    ("Logitech", "Logitech X52", ["pro"]),
    ("Huawei", "Huawei P40", ["lite"]),
    ("Huawei", "Huawei P40 lite", ["e"]),
    ("Motorola", "Motorola g8", ["power"]),
    ("Motorola", "Motorola g8 power", ["lite"]),
    ("Motorola", "Motorola Edge", ["plus"]),
    ("Sony", "Sony PlayStation 4", ["pro", "slim"]),
    ("Samsung", "Samsung Galaxy Watch Active", ["2"]),
    ("HP", "HP SpacePilot", ["pro"]),
    ("HP", "HP Designjet 500", ["plus"]),
    ("ARCTIC", "ARCTIC Freezer 64", ["pro", "lp"]),
    ("ARCTIC", "ARCTIC Alpine 64", ["pro", "gt"]),
    ("Xerox", "Xerox Documate 3640", ["pro"]),
    ("Kensington", "Kensington SmartFit SoleMate", ["plus"]),
    ("Kensington", "Kensington MicroSaver Duo", ["ultra"]),
    ("Kensington", "Kensington MicroSaver DS", ["ultra"]),
    ("ASUS", "ASUS P5Q", ["pro", "se/r"]),
    ("Canon", "Canon PIXMA iP100", ["+"]),
    ("Brita", "Brita Marella", ["xl"]),
    ("Targus", "Targus Safire", ["plus"]),
    ("C2G", "C2G LANtest", ["pro"]),
    ("Canon", "Canon SG-201", ["plus"]),
    ("Verbatim", "Verbatim AA", ["premium"]),
    ("Verbatim", "Verbatim AAA", ["premium"]),
    ("Xerox", "Xerox High Volume Finisher", ["+"]),
    ("HERMA", "HERMA CD labels", ["mini"]),
    ("Fujitsu", "Fujitsu KBPC", ["e"]),
    ("StarTech.com", "StarTech.com 6 ft 3-in-1", ["ultra"]),
    ("StarTech.com", "StarTech.com 15 ft 2-in-1", ["ultra"]),
    ("StarTech.com", "StarTech.com 6 ft 2-in-1", ["ultra"]),
    ("StarTech.com", "StarTech.com 25 ft 3-in-1", ["ultra"]),
    ("Tripp Lite", "Tripp Lite Left-Angle Cat6 Gigabit Molded", ["slim"]),
    ("Tripp Lite", "Tripp Lite Down-Angle Cat6 Gigabit Molded", ["slim"]),
    ("Tripp Lite", "Tripp Lite Up-Angle Cat6 Gigabit Molded", ["slim"]),
    ("Tripp Lite", "Tripp Lite Right-Angle Cat6 Gigabit Molded", ["slim"]),
]


def words(t):
    """A title's words, lower case; Motorola's "moto g8", "Moto G moto g8", "Moto G 8" read as "g8"."""
    t = re.sub(r"(?i)^Motorola (?:moto g moto g8|moto g 8|moto g8)\b", "Motorola g8", kc.clean(t))
    return [w.strip(",").lower() for w in t.split()]


# brand-less forms only where the name is a product's own name, not a length or a connector
NOBRAND_OK = {"x52", "p40", "g8", "playstation", "lantest", "marella", "smartfit", "microsaver", "spacepilot",
              "documate", "freezer", "alpine", "galaxy", "safire", "designjet", "pixma", "p5q"}


def name_words(name):
    return [w.lower() for w in name.split()]


def glued_variant(ws, i):
    """The variant word at ws[i], "Active2" read as "active" + "2"."""
    return ws[i] if i < len(ws) else None


def members(brand, nw, exclude_next):
    """The brand's titles beginning with nw whose next word is not one of exclude_next (glued "active2"
    counts as "active" + "2")."""
    out = []
    for x in K.bybrand[brand]:
        ws = words(x["title"])
        # "Active2" / "Active 2": read a glued digit as its own word
        ws2 = []
        for w in ws:
            m = re.fullmatch(r"([a-z]+)(\d)", w)
            ws2 += [m.group(1), m.group(2)] if m and w.startswith(("active",)) else [w]
        ws = ws2
        if ws[:len(nw)] != nw:
            continue
        nxt = ws[len(nw)] if len(ws) > len(nw) else None
        if nxt in exclude_next:
            continue
        out.append(x)
    return out


def type_words(x, nw):
    """The lower-case words after the name that a shopper adds as the product type ("joystick",
    "smartphone", "cpu cooler", "laptop lock"), at most three; None when there are none."""
    ws = kc.clean(x["title"]).split()[len(nw):]
    out = []
    for w in ws:
        lw = w.lower().strip(",")
        if lw in VARIANTS or re.search(r"\d", lw) or lw in {"-", "–", "—"}:
            if out:
                break
            continue
        if lw in ("smartphone", "joystick", "keyboard", "footrest", "backpack", "mouse", "headset", "cooler",
                  "lock", "pitcher", "scanner", "printer", "console", "smartwatch", "finisher", "labels",
                  "cable", "batteries", "tester", "adapter", "changer", "paper"):
            out.append(lw)
            break
    return " ".join(out) or None


def control_of(x):
    m = x["model"] or ""
    if kc.code_like(m) and m in x["title"]:
        return f"{x['brand']} {m}"
    return " ".join(kc.clean(x["title"]).split()[:6])


def variant_queries(kind, brand, nw, rel):
    d = rel[0]
    forms = [" ".join(nw)]
    tw = type_words(d, nw)
    if tw:
        forms.append(" ".join(nw) + " " + tw)
    if brand.lower() != nw[0] and K.rng.random() < 0.5:
        forms.append(" ".join(nw))
    nobrand = " ".join(nw[1:]) if nw[0] == brand.split()[0].lower() and nw[1] in NOBRAND_OK else None
    if nobrand and K.rng.random() < 0.5:
        forms.append(nobrand)
    if nw[:2] == ["motorola", "g8"]:
        forms = [f.replace("motorola g8", K.rng.choice(["motorola moto g8", "moto g8"])) for f in forms]
        forms = [f.replace("g8 power lite", "g8 power lite") for f in forms]
    for f in forms:
        if f.startswith("startech.com") and K.rng.random() < 0.5:
            f = "startech" + f[len("startech.com"):]
        q = typed(f, 0.8) if f.islower() else f
        if K.emit(kind, q, kc.ids(rel)):
            K.emit(kind + "_control", typed(control_of(d), 0.6), kc.ids(rel))


def variant_words():
    for brand, name, vs in FAMILIES:
        nw = name_words(kc.clean(name))
        plain = members(brand, nw, set(vs) | VARIANTS)
        if ok(plain, 8):
            variant_queries("variant_word_plain", brand, nw, plain)
        else:
            print("no plain", name, len(plain), file=sys.stderr)
        for v in vs:
            vw = nw + v.split()
            var = members(brand, vw, VARIANTS)
            if ok(var, 8):
                if v == "+":  # "+ Battery", "+ Booklet Maker": asked as "with battery"
                    rest = kc.clean(var[0]["title"]).split()[len(vw):]
                    vw = nw + ["with"] + [w.lower() for w in rest[:1 if rest[0] == "Battery" else 2]]
                variant_queries("variant_word_named", brand, vw, var)
            else:
                print("no variant", name, v, len(var), file=sys.stderr)


# ------------------------------------------------------------------ UPS line + bare VA number
UPS_LINE = re.compile(r"(?i)(APC (?:\d+V )?(?:Smart[- ]UPS|Back[- ]UPS)(?: (?:Pro|RT|SC|XL|C|X|ES|RS|CS|On-Line|VT|SRT))?|"
                      r"Tripp Lite (?:SmartPro|SmartOnline|OmniSmart|OmniVS|Internet Office|AVR))\b")
CANON = {"smartpro": "SmartPro", "smartonline": "SmartOnline", "omnismart": "OmniSmart", "omnivs": "OmniVS",
         "internet office": "Internet Office", "avr": "AVR", "smart-ups": "Smart-UPS", "back-ups": "Back-UPS",
         "pro": "Pro", "on-line": "On-Line", "apc": "APC", "tripp lite": "Tripp Lite"}


def canon_line(m):
    """"APC SMART-UPS RT", "APC 230V Smart UPS RT" -> "APC Smart-UPS RT" (case and the voltage word aside)."""
    t = re.sub(r"(?i)^APC \d+V ", "APC ", m)
    t = re.sub(r"(?i)(smart|back)[- ]ups", lambda x: x.group(1) + "-ups", t).lower()
    out = t
    for k in sorted(CANON, key=len, reverse=True):
        out = re.sub(rf"\b{re.escape(k)}\b", CANON[k], out)
    return re.sub(r"\b(rt|sc|xl|c|x|es|rs|cs|vt|srt)\b", lambda x: x.group(1).upper(), out)
UPS_NOT = re.compile(r"(?i)battery|cable|card|kit|bracket|rail|software|warranty|pdu|accessory|transformer|frame|module")


def ups_va(t):
    va = re.search(r"(\d[\d.,]*) ?(k?VA)\b", t)
    if not va:
        return None
    return int(round(float(va.group(1).replace(",", "")) * (1000 if va.group(2).lower() == "kva" else 1)))


def line_as_typed(line):
    brand, rest = ("APC", line[4:]) if line.startswith("APC ") else ("Tripp Lite", line[len("Tripp Lite "):])
    r = K.rng.random()
    if "-UPS" in rest:
        rest = rest.replace("-UPS", K.rng.choice(["-UPS", " UPS", "-ups", "UPS"]))
    return brand, rest


def ups_bare_va():
    kind = "ups_bare_va"
    fam = collections.defaultdict(list)
    for p in ps:
        t = kc.clean(p["title"])
        if p["brand"] not in ("APC", "Tripp Lite") or UPS_NOT.search(t):
            continue
        if "uninterruptible power supply" not in t and " UPS" not in t:
            continue
        m = UPS_LINE.match(t)
        v = ups_va(t)
        if m and v:
            fam[(canon_line(m.group(1)), v)].append(p)
    for (line, v) in sorted(fam):
        # a line without a sub-series ("APC Smart-UPS") names every sub-series of that VA
        rel = [x for (l2, v2), xs in fam.items() if v2 == v and (l2 == line or (l2.startswith(line + " ") and
               line in ("APC Smart-UPS", "APC Back-UPS"))) for x in xs]
        if not ok(rel, 10):
            continue
        brand, rest = line_as_typed(line)
        b = brand if K.rng.random() < 0.8 else ""
        form = K.rng.random()
        if form < 0.5:
            q, base = f"{b} {rest} {v}", f"{b} {rest} {v}VA"
        elif form < 0.8 and "ups" not in rest.lower():
            q, base = f"{b} {rest} {v} ups", f"{b} {rest} {v}VA ups"
        elif form < 0.8:
            q, base = f"{v} {b} {rest}", f"{v}VA {b} {rest}"
        else:
            q, base = f"{b} {rest} {v} battery backup", f"{b} {rest} {v} VA battery backup"
        q, base = typed(q.strip(), 0.75), base.strip()
        if q.islower():
            base = base.lower()
        if K.emit(kind, q, kc.ids(rel)):
            K.emit(kind + "_control", base, kc.ids(rel))


K.run([("ups_bare_va", ups_bare_va), ("packaging_box_tray", packaging_box_tray), ("gender_spelled", gender_spelled),
       ("variant_words", variant_words)])
K.write(controls=True)
