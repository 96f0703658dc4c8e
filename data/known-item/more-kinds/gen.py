#!/usr/bin/env python3
"""New adversarial known-item / shopper query kinds, built only from train-part products.

Train part as in data/known-item/reviewed-kinds/gen_kinds.py: products of (brand, code) groups named
in a *-train.csv or in no known-item file; a group holding a product of a *-test.csv is excluded, and
every query whose relevant set holds a test product (or a product of an excluded group) is dropped
(asserted in emit).

Kinds (query,docid,rating,type; rating 1 for the intended product(s)):
  brand_type          brand + the product type Icecat's title names ("xerox toner cartridges",
                      "network switch d-link"); relevant: the brand's products whose title holds it
  brand_type_synonym  the same, the type in a shopper's word ("lenovo laptop", "kingston ram")
  brand_size_type     brand + one size/capacity + type, the size often a bare number
                      ("dell 24 monitor", "samsung 40 inch tv", "kingston 8gb memory module")
  spec_only           type + 2-3 specs, no code, brand only sometimes, words in shopper order
                      ("notebook 15.6 inch 8gb 256gb", "memory module ddr4 8gb 2666mhz")
  title_no_code       another shop's title: the Icecat title without the maker's code, symbols
                      dropped, sizes in inches, cut to 6-14 words
  generation          line + generation written otherwise ("hp probook 440 gen 7" for G7,
                      "thinkstation p330 tower gen2", "eos 1d x mk3")
  ean                 the product's EAN-13 / UPC-A as typed or scanned ("ean 0095205603217")
Usage: python3 data/known-item/more-kinds/gen.py [seed]   (default seed 50; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc  # the catalogue, the train part, the per-kind streams and rows of every generator
from kinds_common import alnum, code_like, contains_seq, plural

SEED = kc.seed_arg(50)
N = 150
OUT = os.path.dirname(os.path.abspath(__file__))

K = kc.KindSet(SEED, OUT)  # every emit writes its rows (no query dropped as a repeat)
ps, byid, gkey, bybrand = K.ps, K.byid, K.gkey, K.bybrand
rng, emit, nq, pool, all_train = K.rng, K.emit, K.nq, K.pool, K.all_train


def norm_words(s):
    """The words of s, lower case ("®"/"™" not dropped, unlike kinds_common.norm_words)."""
    return re.findall(r"[0-9a-z]+(?:[.,][0-9]+)?", s.lower())


# ------------------------------------------------------------------ product type of a title
CAP_TYPES = {"Notebook": "notebook", "Chromebook": "chromebook", "Netbook": "netbook", "PC": "pc",
             "Workstation": "workstation", "TV": "tv", "Tablet": "tablet"}


def title_type(p):
    """Icecat titles read 'Brand Code type words Attributes': the lower-case run after the code."""
    t, m = p["title"], p["model"]
    if not m or m not in t:
        return None
    rest = t[t.index(m) + len(m):].split()
    c = []
    for w in rest:
        if re.fullmatch(r"[a-z][a-z\-]*(?:/[a-z\-]+)?", w):
            c.append(w)
        else:
            break
    if not c and rest and rest[0] in CAP_TYPES:
        return CAP_TYPES[rest[0]]
    if not c:
        words = t.split()
        if "TV" in words:
            return "tv"
        return None
    s = " ".join(c)
    if s in ("power", "interface", "cable", "printer", "server") or len(c) > 4:
        return s if s in ("printer", "server") else None
    return s


def has_type(x, typ):
    if typ == "tv":
        return "tv" in norm_words(x["title"])
    if typ == "monitor":
        return is_monitor(x)
    return contains_seq(norm_words(x["title"]), norm_words(typ))


def is_monitor(x):
    t = x["title"]
    m = INCH.search(t)
    return (title_type(x) is None and " pixels" in t and m and float(m.group(2)) >= 15
            and "TV" not in t.split() and not re.search(r"(?i)notebook|chromebook|laptop|tablet|phone|GB", t))


def singular(w):
    if re.search(r"(ch|sh|x|ss)es$", w):
        return w[:-2]
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def brand_as_typed(b):
    c = rng.random()
    if len(b.split()) > 1 and b.split()[1] in ("Technology", "Inc", "Corp", "Electronics", "Inc."):
        b = b.split()[0] if c < 0.6 else b
    if b.endswith(".com") and rng.random() < 0.5:
        b = b[:-4]
    return b.lower() if rng.random() < 0.6 else b


# ------------------------------------------------------------------ 1+2. brand + type (+ synonym)
SYN = {
    "notebook": ["laptop", "laptops"],
    "memory module": ["ram", "ram memory", "memory stick"],
    "networking cable": ["ethernet cable", "lan cable", "network cable"],
    "toner cartridge": ["toner", "laser toner"],
    "ink cartridge": ["ink", "printer ink"],
    "uninterruptible power supply": ["ups", "battery backup"],
    "notebook case": ["laptop bag", "laptop case", "laptop sleeve"],
    "power distribution unit": ["pdu", "power strip"],
    "audio cable": ["aux cable", "audio lead"],
    "label-making tape": ["label tape", "labeller tape"],
    "fibre optic cable": ["fiber cable", "fiber patch cord"],
    "printer drum": ["drum unit", "drum"],
    "projector lamp": ["projector bulb", "replacement lamp"],
    "graphics card": ["video card", "gpu"],
    "power supply unit": ["psu", "power supply"],
    "motherboard": ["mainboard"],
    "mobile phone case": ["phone case", "phone cover"],
    "network switch": ["ethernet switch", "switch"],
    "processor": ["cpu"],
    "computer case": ["pc case", "tower case"],
    "usb flash drive": ["usb stick", "thumb drive", "pen drive"],
    "memory card": ["sd card"],
    "headphones": ["earphones"],
    "headset": ["headphones with mic"],
    "projection screen": ["projector screen"],
    "label printer": ["label maker"],
    "internal solid state drive": ["ssd", "internal ssd"],
    "internal hard drive": ["hdd", "hard disk"],
    "webcam": ["web camera"],
    "computer monitor": ["monitor", "display"],
    "mouse": ["mice"],
    "keyboard": ["keyboards"],
    "inkjet printer": ["ink jet printer"],
    "wireless router": ["wifi router"],
    "networking card": ["network card", "nic"],
    "optical disc drive": ["dvd drive", "cd drive"],
    "surge protector": ["surge strip"],
    "cable lock": ["laptop lock"],
    "smartphone": ["cell phone", "mobile"],
    "tablet": ["tab"],
    "smartwatch": ["smart watch"],
    "power adapter/inverter": ["charger", "ac adapter"],
    "fuser": ["fuser unit", "fuser kit"],
    "print head": ["printhead"],
    "photo paper": ["photographic paper"],
}


def gen_brand_type():
    fams = {}
    for p in pool():
        typ = title_type(p)
        if not typ or (p["brand"], typ) in fams:
            continue
        rel = [x for x in bybrand[p["brand"]] if has_type(x, typ)]
        fams[(p["brand"], typ)] = rel
    keys = list(fams)
    rng.shuffle(keys)
    for (b, typ) in keys:
        rel = fams[(b, typ)]
        if not (2 <= len(rel) <= 40) or not all_train(rel):
            continue
        # judged only when complete: no other product of the brand names the type's head noun
        # ("Targus LCD Monitor Privacy Filter" for "targus display privacy filters")
        head = singular(norm_words(typ)[-1])
        ids = {x["id"] for x in rel}
        if any(head in {singular(w) for w in norm_words(x["title"])} for x in bybrand[b] if x["id"] not in ids):
            continue
        if nq("brand_type") < N:
            t = typ
            if rng.random() < 0.3:
                w = t.split()
                t = " ".join(w[:-1] + [plural(w[-1])])
            bt = brand_as_typed(b)
            q = f"{bt} {t}" if rng.random() < 0.75 else f"{t} {bt}"
            emit("brand_type", q, [x["id"] for x in rel])
        if typ in SYN and nq("brand_type_synonym") < N:
            syn = rng.choice(SYN[typ])
            if set(syn.split()) & set(typ.split()) and syn not in ("mice", "keyboards", "laptops"):
                pass
            bt = brand_as_typed(b)
            q = f"{bt} {syn}" if rng.random() < 0.75 else f"{syn} {bt}"
            emit("brand_type_synonym", q, [x["id"] for x in rel])


# ------------------------------------------------------------------ 3. brand + size + type
INCH = re.compile(r'(\d+(?:\.\d+)?) cm \((\d+(?:\.\d+)?)"\)')
CAP = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?) ?(GB|TB)\b")
CAP_TYPES_OK = {"memory module", "memory card", "usb flash drive", "internal solid state drive",
                "internal hard drive", "external hard drive", "external solid state drive", "flash memory",
                "hdd enclosure", "mobile phone", "smartphone", "tablet", "notebook"}


def inch_of(x):
    m = INCH.search(x["title"])
    return m.group(2) if m else None


def gen_brand_size_type():
    seen = set()
    for p in pool():
        typ = title_type(p)
        if typ is None and is_monitor(p):
            typ = "monitor"
        if not typ:
            continue
        size = inch_of(p)
        c = CAP.search(p["title"])
        if size and (not c or rng.random() < 0.6):
            key = (p["brand"], typ, "in", size)
            if key in seen:
                continue
            seen.add(key)
            rel = [x for x in bybrand[p["brand"]] if has_type(x, typ) and inch_of(x) == size]
            r = rng.random()
            s = size if r < 0.4 else f"{size} inch" if r < 0.65 else f'{size}"' if r < 0.85 else f"{size}in"
        elif c and typ in CAP_TYPES_OK:
            val, unit = c.group(1), c.group(2).lower()
            key = (p["brand"], typ, unit, val)
            if key in seen:
                continue
            seen.add(key)
            rel = [x for x in bybrand[p["brand"]] if has_type(x, typ)
                   and any(m.group(1) == val and m.group(2).lower() == unit for m in CAP.finditer(x["title"]))]
            s = val + unit if rng.random() < 0.5 else f"{val} {unit}"
        else:
            continue
        if not (1 <= len(rel) <= 15) or not all_train(rel):
            continue
        bt = brand_as_typed(p["brand"])
        t = typ
        if typ in SYN and rng.random() < 0.3 and typ not in ("mouse", "keyboard"):
            t = SYN[typ][0]
        q = f"{bt} {s} {t}" if rng.random() < 0.7 else f"{bt} {t} {s}"
        emit("brand_size_type", q, [x["id"] for x in rel])
        if nq("brand_size_type") >= N:
            return


# ------------------------------------------------------------------ 4. specs only
SPEC = re.compile(r'(?<![\w.])(\d+(?:\.\d+)?) ?(GB|TB|MB|GHz|MHz|W|m|ft|mAh|ppm|VA)\b|\((\d+(?:\.\d+)?)"\)'
                  r"|\b(DDR\d(?:L)?|Cat ?\d[aAeE]?|Wi-Fi \d|USB \d\.\d|HDMI|SSD|HDD)\b")


def num(v):
    return ("%.3f" % float(v)).rstrip("0").rstrip(".")


def specs(t):
    out = []
    for m in SPEC.finditer(t):
        if m.group(1):
            out.append((num(m.group(1)), m.group(2).lower()))
        elif m.group(3):
            out.append((num(m.group(3)), "in"))
        else:
            out.append((m.group(4).lower().replace(" ", ""), "word"))
    return out


def spec_text(s):
    v, u = s
    if u == "word":
        return v
    if u == "in":
        return rng.choice([f"{v} inch", f'{v}"', f"{v}in", f"{v} in"])
    return rng.choice([v + u, f"{v} {u}"])


_spec_cache = {}


def specs_of(x):
    if x["id"] not in _spec_cache:
        _spec_cache[x["id"]] = set(specs(x["title"]))
    return _spec_cache[x["id"]]


bytype = collections.defaultdict(list)


def gen_spec_only():
    for x in ps:
        t = title_type(x)
        if t:
            bytype[t].append(x)
        elif is_monitor(x):
            bytype["monitor"].append(x)
    seen = set()
    for p in pool():
        typ = title_type(p) or ("monitor" if is_monitor(p) else None)
        if not typ:
            continue
        sp = list(dict.fromkeys(specs(p["title"])))
        if len(sp) < 2:
            continue
        byunit = {}
        for s_ in sp:
            byunit.setdefault(s_[1] if s_[1] not in ("m", "ft") else "len", []).append(s_)
        # a shopper types the round one of "25 ft" / "7.62 m"
        sp = [rng.choice([x for x in v if "." not in x[0]] or v) for u, v in sorted(byunit.items()) if u != "word"]
        sp += byunit.get("word", [])
        if len(sp) < 2:
            continue
        k = min(len(sp), rng.choice([2, 3, 3]))
        chosen = rng.sample(sp, k)
        withbrand = rng.random() < 0.35
        key = (typ, tuple(sorted(chosen)), p["brand"] if withbrand else None)
        if key in seen:
            continue
        seen.add(key)
        cands = bytype[typ] if not withbrand else [x for x in bybrand[p["brand"]] if x in bytype[typ]]
        rel = [x for x in cands if set(chosen) <= specs_of(x)]
        if not (1 <= len(rel) <= 30) or not all_train(rel):
            continue
        t = typ
        if typ in SYN and rng.random() < 0.3:
            t = SYN[typ][0]
        parts = [spec_text(s) for s in chosen]
        q = " ".join([t] + parts) if rng.random() < 0.6 else " ".join(parts + [t])
        if withbrand:
            q = brand_as_typed(p["brand"]) + " " + q
        emit("spec_only", q, [x["id"] for x in rel])
        if nq("spec_only") >= N:
            return


# ------------------------------------------------------------------ 5. another shop's title without the code
def strip_code(t, model):
    t = t.replace(model, " ")
    return re.sub(r"\s+", " ", t).strip()


def reformat(t):
    t = t.replace("®", "").replace("™", "")
    r = rng.random()

    def inch(m):
        v = m.group(2)
        return rng.choice([f'{v}"', f"{v} inch", f"{v}-inch", f'({v}")'])

    t = INCH.sub(inch, t)
    if r < 0.3:
        t = t.lower()
    return re.sub(r"\s+", " ", t).strip()


def gen_title_no_code():
    seen = set()
    for p in pool():
        m = p["model"]
        if not m or m not in p["title"] or not code_like(m) or p["id"] not in gkey:
            continue
        base = strip_code(p["title"], m)
        words = base.split()
        if len(words) < 6:
            continue
        L = rng.randint(6, min(14, len(words)))
        src = " ".join(words[:L])
        key = tuple(norm_words(src))
        if key in seen:
            continue
        seen.add(key)
        rel = [x for x in bybrand[p["brand"]] if x["model"] and x["model"] in x["title"]
               and norm_words(strip_code(x["title"], x["model"]))[:len(key)] == list(key)]
        if not (1 <= len(rel) <= 10) or not all_train(rel) or p not in rel:
            continue
        q = reformat(src)
        if rng.random() < 0.3 and len(q.split()) > 3:  # brand last, as some shops list it
            w = q.split()
            if w[0].lower() == p["brand"].split()[0].lower():
                q = " ".join(w[1:] + [w[0]])
        emit("title_no_code", q, [x["id"] for x in rel])
        if nq("title_no_code") >= N:
            return


# ------------------------------------------------------------------ 6. generation / version words
ROMAN = {"II": "2", "III": "3", "IV": "4"}
ORD = {"1": "1st", "2": "2nd", "3": "3rd"}


def ordinal(n):
    return ORD.get(n, n + "th")


GEN = re.compile(r"(?<![-/+(])\b(G(\d)|Gen ?(\d)|(?:Mark|Mk) ?(II|III|IV|\d)|(\d{1,2})(?:st|nd|rd|th) gen|(II|III|IV))\b(?![-/(])")


def gen_rewrite(m):
    if m.group(2):
        n = m.group(2)
        return rng.choice([f"gen {n}", f"gen{n}", f"{ordinal(n)} gen", f"g {n}", f"generation {n}"])
    if m.group(3):
        n = m.group(3)
        return rng.choice([f"g{n}", f"gen{n}", f"{ordinal(n)} gen", f"{ordinal(n)} generation"])
    if m.group(4):
        r = m.group(4)
        n = ROMAN.get(r, r)
        return rng.choice([f"mark {n}", f"mk{n}", f"mk {r.lower()}", f"mk{r.lower()}", f"m{r.lower()}"])
    if m.group(5):
        n = m.group(5)
        return rng.choice([f"gen {n}", f"{ordinal(n)} generation", f"gen{n}"])
    r = m.group(6)
    n = ROMAN[r]
    return rng.choice([n, f"mark {n}", f"mk{n}", f"mk {r.lower()}", f"mark {r.lower()}", r.lower()])


def gen_generation():
    seen = set()
    for p in pool():
        t = p["title"].replace("®", "").replace("™", "")
        m = GEN.search(t)
        if not m or (m.group(6) and re.search(r"(?i)(ata|uhs|porro|smart|sata)\W*$", t[:m.start()])):
            continue
        before = t[:m.start()].split()
        if not (1 <= len(before) <= 6):
            continue
        after = t[m.end():].split()
        # the shopper may add the type or one more word
        tail = []
        typ = title_type(p)
        if typ and rng.random() < 0.5 and typ.lower() not in " ".join(before).lower():
            tail = typ.split()
        elif after and rng.random() < 0.3 and re.fullmatch(r"[A-Za-z]+", after[0]):
            tail = [after[0]]
        prefix = t[:m.end()]
        pw = norm_words(prefix)
        key = tuple(pw)
        if key in seen:
            continue
        seen.add(key)
        rel = [x for x in bybrand[p["brand"]]
               if norm_words(x["title"].replace("®", "").replace("™", ""))[:len(pw)] == pw]
        if tail:
            rel = [x for x in rel if contains_seq(norm_words(x["title"]), norm_words(" ".join(tail)))]
        if not (1 <= len(rel) <= 15) or not all_train(rel):
            continue
        q = " ".join(before + [gen_rewrite(m)] + tail)
        if rng.random() < 0.5:
            q = q.lower()
        emit("generation", q, [x["id"] for x in rel])
        if nq("generation") >= N:
            return


# ------------------------------------------------------------------ 8. model line + number + configuration
CFG = re.compile(r"(?<![\w.])(\d+) GB\b|\bCore(?:™)? (i[3579])\b|\((\d+(?:\.\d)?)\"\)")
STOP_MODEL = re.compile(r"(?i)^(notebook|chromebook|pc|workstation|black|silver|white|gray|grey|blue|red|gold|"
                        r"\d+(?:\.\d+)?|tower|desktop|mini|sff|smartphone|tablet|all-in-one)$")


def model_words(p):
    """The title's words that name the model: up to the type, colour or first number with a unit,
    the maker's part number (a code of 5+ characters with a digit and a hyphen or 2+ letters
    glued to 3+ digits) dropped, as a shopper names a phone or laptop."""
    out = []
    for w in p["title"].replace("®", "").replace("™", "").split():
        if STOP_MODEL.match(w) or "(" in w or w.lower() in ("gb", "cm"):
            break
        a = alnum(w)
        if len(a) >= 6 and re.search(r"\d", a) and re.search(r"[a-z]", a) and ("-" in w or re.search(r"[a-z]{2}\d{3}", a)) \
                and len(out) >= 2:
            continue  # SM-A415F, 20L5000UUK: the part number
        out.append(w)
    return out


def cfg_of(p):
    out = set()
    for m in CFG.finditer(p["title"]):
        if m.group(1):
            out.add(("gb", m.group(1)))
        elif m.group(2):
            out.add(("cpu", m.group(2).lower()))
        else:
            out.add(("in", num(m.group(3))))
    return out


def cfg_text(c):
    k, v = c
    if k == "gb":
        return rng.choice([f"{v}gb", f"{v} gb", f"{v}GB"])
    if k == "cpu":
        return rng.choice([v, f"core {v}", f"intel {v}"])
    return rng.choice([f"{v} inch", f'{v}"', f"{v}in"])


def gen_model_config():
    seen = set()
    for p in pool():
        if not re.search(r"(?i)notebook|chromebook|\bpc\b|workstation|smartphone|galaxy|moto|tablet|\bGB\b", p["title"]):
            continue
        mw = model_words(p)
        if not (2 <= len(mw) <= 5):
            continue
        # a shopper's model name has a bare number or a short code (ProBook 440 G7, Galaxy A41, moto g8)
        if not any(re.fullmatch(r"\d{2,4}[a-z]?|[A-Za-z]{1,2}\d{1,3}[A-Za-z]?", w) for w in mw[1:]):
            continue
        cf = sorted(cfg_of(p))
        if not cf:
            continue
        chosen = rng.sample(cf, min(len(cf), rng.choice([1, 2, 2])))
        key = (tuple(norm_words(" ".join(mw))), tuple(sorted(chosen)))
        if key in seen:
            continue
        seen.add(key)
        mwn = norm_words(" ".join(mw))
        rel = [x for x in bybrand[p["brand"]] if norm_words(" ".join(model_words(x))) == mwn and set(chosen) <= cfg_of(x)]
        if not (1 <= len(rel) <= 15) or not all_train(rel) or p not in rel:
            continue
        name = " ".join(mw)
        if rng.random() < 0.2 and len(mw) > 2:
            name = " ".join(mw[1:])  # brand left out ("probook 440 g7 8gb")
        parts = [cfg_text(c) for c in chosen]
        q = f"{name} {' '.join(parts)}" if rng.random() < 0.75 else f"{' '.join(parts)} {name}"
        if rng.random() < 0.5:
            q = q.lower()
        emit("model_config", q, [x["id"] for x in rel])
        if nq("model_config") >= N:
            return


# ------------------------------------------------------------------ 9. model code + configuration
def title_code_words(p):
    """Code-like words of the title's model part: letters and digits, 4-8 of them ("6530b", "8540p", "P330")."""
    return [w for w in model_words(p)[1:] if re.fullmatch(r"[A-Za-z]{0,3}\d{2,5}[A-Za-z]{0,2}", w)
            and re.search(r"[A-Za-z]", w) and 4 <= len(w) <= 8]


def gen_code_config():
    seen = set()
    for p in pool():
        if not re.search(r"\bGB\b", p["title"]):
            continue
        cw = title_code_words(p)
        if not cw:
            continue
        w = cw[0]
        fam = [x for x in bybrand[p["brand"]] if w.lower() in [alnum(t) for t in x["title"].split()]]
        if len(fam) < 2:
            continue  # one product: the code alone names it, no configuration to pick
        cf = sorted(cfg_of(p))
        if not cf:
            continue
        chosen = rng.sample(cf, min(len(cf), rng.choice([1, 2, 2])))
        key = (p["brand"], w.lower(), tuple(sorted(chosen)))
        if key in seen:
            continue
        seen.add(key)
        rel = [x for x in fam if set(chosen) <= cfg_of(x)]
        if not (1 <= len(rel) < len(fam)) or not all_train(fam):
            continue  # the configuration must pick among the code's products
        mw = model_words(p)
        i = mw.index(w)
        name = " ".join(mw[:i + 1]) if rng.random() < 0.5 else (brand_as_typed(p["brand"]) + " " + w if rng.random() < 0.6 else w)
        parts = [cfg_text(c) for c in chosen]
        q = f"{name} {' '.join(parts)}" if rng.random() < 0.75 else f"{' '.join(parts)} {name}"
        if rng.random() < 0.5:
            q = q.lower()
        emit("code_config", q, [x["id"] for x in rel])
        if nq("code_config") >= N:
            return


# ------------------------------------------------------------------ 10. memory by specs
def mem_specs(x):
    t = x["title"]
    out = set()
    for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?) ?(MB|GB)\b", t):
        v = float(m.group(1)) * (1024 if m.group(2) == "GB" else 1)
        if v >= 64:
            out.add(("cap", int(round(v))))
    for m in re.finditer(r"\b(DDR\d?)(?:-?SDRAM)?\b|\bDDR (II|III)\b", t):
        out.add(("ddr", (m.group(1) or "DDR" + {"II": "2", "III": "3"}[m.group(2)]).lower()))
    for m in re.finditer(r"(?<![\w.])(\d{3,4}) ?MHz\b", t):
        out.add(("mhz", m.group(1)))
    for m in re.finditer(r"\bDDR(\d)-(\d{3,4})\b", t):
        out.add(("ddr", "ddr" + m.group(1)))
        out.add(("mhz", m.group(2)))
    return out


def mem_text(s):
    k, v = s
    if k == "cap":
        if v >= 1024 and v % 1024 == 0:
            return rng.choice([f"{v // 1024}gb", f"{v // 1024} gb", f"{v // 1024}GB"])
        return rng.choice([f"{v}mb", f"{v} mb", f"{v}MB"])
    if k == "ddr":
        return v if rng.random() < 0.7 else v.upper()
    return rng.choice([f"{v}mhz", f"{v} mhz", f"{v}MHz"])


def gen_memory_spec():
    mem = [x for x in ps if "memory module" in x["title"]]
    seen = set()
    for p in pool():
        if "memory module" not in p["title"]:
            continue
        sp = mem_specs(p)
        caps = [s for s in sp if s[0] == "cap"]
        others = [s for s in sp if s[0] != "cap"]
        if len(caps) != 1 or not others:
            continue
        chosen = caps + rng.sample(sorted(others), min(len(others), rng.choice([1, 2])))
        withbrand = rng.random() < 0.5
        key = (p["brand"] if withbrand else None, tuple(sorted(chosen)))
        if key in seen:
            continue
        seen.add(key)
        cands = [x for x in mem if not withbrand or x["brand"] == p["brand"]]
        rel = [x for x in cands if set(chosen) <= mem_specs(x)]
        if not (1 <= len(rel) <= 30) or not all_train(rel):
            continue
        parts = [mem_text(s) for s in chosen]
        rng.shuffle(parts)
        q = " ".join(parts) + " " + rng.choice(["ram", "memory", "memory module", "ram module", "dimm"])
        if withbrand:
            q = brand_as_typed(p["brand"]) + " " + q
        emit("memory_spec", q, [x["id"] for x in rel])
        if nq("memory_spec") >= N:
            return


# ------------------------------------------------------------------ 11. accessory named by the device it fits (no own code)
ACC = [  # (title words that make the type, what a shopper types)
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


def gen_accessory_for_device():
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
        # the device's code: the first word with a digit and a letter, 3+ characters ("C770", "LBP2000", "X342")
        codes_ = [w.rstrip(".,") for w in words if re.search(r"\d", w) and re.search(r"[A-Za-z]", w) and len(alnum(w)) >= 3]
        if not codes_:
            continue
        code = codes_[0]
        i = words.index(code) if code in words else len(words) - 1
        device = " ".join(words[:i + 1])
        if alnum(p["brand"]) in alnum(device) and device.lower().startswith(p["brand"].lower()):
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
        r = rng.random()
        q = f"{b} {device} {typ}" if r < 0.5 else f"{typ} for {b} {device}" if r < 0.8 else f"{device} {typ}"
        if rng.random() < 0.6:
            q = q.lower()
        emit("accessory_for_device", q, [x["id"] for x in rel])
        if nq("accessory_for_device") >= N:
            return


# ------------------------------------------------------------------ 7. EAN / UPC
def gen_ean():
    byean = collections.defaultdict(set)
    for x in ps:
        for e in x["ean"] or []:
            byean[e].add(x["id"])
    for p in pool():
        if not p["ean"]:
            continue
        e = rng.choice(p["ean"])
        rel = [byid[i] for i in byean[e]]
        if not all_train(rel):
            continue
        r = rng.random()
        if e.startswith("0") and len(e) == 13 and r < 0.3:
            q = e[1:]  # UPC-A as printed on US packaging
        elif r < 0.5:
            q = f"ean {e}"
        elif r < 0.6:
            q = f"{p['brand']} {e}"
        else:
            q = e
        emit("ean", q, [x["id"] for x in rel])
        if nq("ean") >= 100:
            return


KINDS = [("brand_type", gen_brand_type), ("brand_size_type", gen_brand_size_type),
         ("spec_only", gen_spec_only), ("title_no_code", gen_title_no_code),
         ("generation", gen_generation), ("ean", gen_ean), ("model_config", gen_model_config),
         ("code_config", gen_code_config), ("memory_spec", gen_memory_spec),
         ("accessory_for_device", gen_accessory_for_device)]
K.run(KINDS)
K.write()
