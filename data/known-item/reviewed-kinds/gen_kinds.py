#!/usr/bin/env python3
"""Adversarial known-item query kinds, built only from train-part products.

Train part: products of (brand, code) groups that appear in a data/known-item/*-train.csv file, plus
products appearing in no known-item file; any group (or title family) holding a product of a
*-test.csv file is excluded, so nothing of the test split is queried or judged.
Writes <kind>.csv beside this script (query,docid,rating,type). Seeded.
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc  # the catalogue, the train part, the stream and rows of every kind generator
from kinds_common import alnum, contains_seq

SEED = kc.seed_arg(23)
N = 150
OUT = os.path.dirname(os.path.abspath(__file__))

# one stream for all kinds (no reseeding); emit asserts only that no docid is of a *-test.csv
K = kc.KindSet(SEED, OUT, strict=False)
ps, byid, test_ids, train_ids, groups, gkey, bad_groups = K.ps, K.byid, K.test_ids, K.train_ids, K.groups, K.gkey, K.bad_groups
rng, rows, emit = K.rng, K.rows, K.emit


def train_group(k):
    return k not in bad_groups


train_groups = [k for k in groups if train_group(k)]
# groups named in the train files first (known train part), then the rest
in_train_file = {gkey[i] for i in train_ids if i in gkey}
print("groups", len(groups), "train-usable", len(train_groups), "in train files", len(in_train_file))


def ordered_groups():
    a = sorted(k for k in train_groups if k in in_train_file)
    b = sorted(k for k in train_groups if k not in in_train_file)
    rng.shuffle(a)
    rng.shuffle(b)
    return a + b


all_codes = collections.defaultdict(set)  # code -> brands
for (b, c) in groups:
    all_codes[c].add(b)
brand_of_code = collections.defaultdict(list)
for (b, c) in groups:
    brand_of_code[b].append(c)


def respell(model, r):
    """The code as a merchant might write it."""
    c = r.random()
    if c < 0.25:
        return model
    if c < 0.5:
        return alnum(model)
    if c < 0.75:
        return model.lower()
    return model.upper()


def group_ids(k):
    return [p["id"] for p in groups[k]]


# ---------------------------------------------------------------- 1. code + category words not in title
SYN = [
    ("networking cable", ["ethernet cable", "lan cable", "patch cord"]),
    ("toner cartridge", ["laser toner", "printer toner"]),
    ("memory module", ["ram", "ram memory"]),
    ("uninterruptible power supply", ["battery backup", "ups backup power"]),
    ("notebook case", ["laptop bag", "laptop sleeve"]),
    ("power distribution unit", ["power strip", "rack power bar"]),
    ("audio cable", ["aux lead", "sound cable"]),
    ("label-making tape", ["label maker tape", "labeller tape"]),
    ("fibre optic cable", ["fiber patch cord", "fiber cable"]),
    ("power adapter/inverter", ["charger", "ac adapter"]),
    ("printer drum", ["drum unit", "imaging drum"]),
    ("projector lamp", ["projector bulb", "replacement bulb"]),
    ("ink cartridge", ["printer ink", "inkjet refill"]),
    ("graphics card", ["video card", "gpu"]),
    ("power supply unit", ["psu"]),
    ("motherboard", ["mainboard"]),
    ("mobile phone", ["cell phone", "cellphone"]),
    ("smartphone", ["cell phone", "cellphone"]),
    ("network switch", ["ethernet switch"]),
    ("processor", ["cpu"]),
    ("print head", ["printhead"]),
    ("computer case", ["pc tower", "pc case"]),
    ("usb flash drive", ["usb stick", "thumb drive", "pen drive"]),
    ("server barebone", ["server chassis"]),
    ("surge protector", ["power strip"]),
    ("cable lock", ["laptop lock", "security lock"]),
    ("headphones", ["earphones"]),
    ("headset", ["earphones", "headphones"]),
    ("projection screen", ["projector screen"]),
    ("label printer", ["label maker"]),
    ("notebook", ["laptop"]),
    ("hard disk drive", ["hdd"]),
    ("internal hard drive", ["hdd"]),
    ("tablet", ["ipad style tab"]),
    ("webcam", ["web camera"]),
    ("printer ribbon", ["ribbon cartridge"]),
    ("photo paper", ["photographic paper"]),
    ("keyboard", ["keypad"]),
    ("computer monitor", ["lcd screen", "display"]),
    ("ups battery", ["ups replacement battery"]),
    ("kvm cable", ["kvm lead"]),
    ("vga cable", ["vga lead", "monitor lead"]),
    ("usb cable", ["usb cord", "usb lead"]),
]


def gen_code_category():
    n = 0
    for k in ordered_groups():
        p = groups[k][0]
        t = p["title"].lower()
        for phrase, syns in SYN:
            if phrase in t:
                syn = rng.choice(syns)
                if any(w in t.split() for w in syn.split()):
                    continue
                code = respell(p["model"], rng)
                q = f"{code} {syn}" if rng.random() < 0.6 else f"{p['brand'].lower()} {code} {syn}"
                emit("code_category", q, group_ids(k))
                n += 1
                break
        if n >= N:
            return


# ---------------------------------------------------------------- 2. partial code (prefix)
def gen_code_prefix():
    n = 0
    for k in ordered_groups():
        b, c = k
        if len(c) < 7 or len(groups[k][0]["model"].split()) > 1:
            continue
        cut = rng.randint(max(4, int(len(c) * 0.6)), len(c) - 2)
        pre = c[:cut]
        if not (re.search(r"\d", pre) and re.search(r"[a-z]", pre)):
            continue
        if pre in all_codes:
            continue
        rel = [kk for kk in groups if kk[0] == b and kk[1].startswith(pre)]
        if len(rel) > 4 or any(kk in bad_groups for kk in rel):
            continue
        model = groups[k][0]["model"]
        # cut the model as written at the same alnum position
        seen, out = 0, ""
        for ch in model:
            if ch.isalnum():
                if seen == cut:
                    break
                seen += 1
            out += ch
        out = out.rstrip("-./ ")
        q = out if rng.random() < 0.5 else f"{groups[k][0]['brand']} {out}"
        emit("code_prefix", q, [i for kk in rel for i in group_ids(kk)])
        n += 1
        if n >= N:
            return


# ---------------------------------------------------------------- 3. common suffix dropped (MW8014S -> MW8014)
SUFFIX = re.compile(r"^(.*?\d)([-/ ]?(?:[a-z]{1,2}|/\d\d|-\d\d|[a-z]{1,2}\d?))$", re.I)


def gen_suffix_dropped():
    n = 0
    for k in ordered_groups():
        b, c = k
        model = groups[k][0]["model"]
        m = SUFFIX.match(model.strip())
        if not m:
            continue
        base = m.group(1)
        nb = alnum(base)
        if len(nb) < 4 or not re.search(r"[a-z]", nb) and len(nb) < 5:
            continue
        if len(c) - len(nb) > 3 or nb == c:
            continue
        if nb in all_codes:  # the base is itself a product: the query would name it
            continue
        rel = [kk for kk in groups if kk[0] == b and kk[1].startswith(nb) and len(kk[1]) - len(nb) <= 3]
        if len(rel) > 4 or any(kk in bad_groups for kk in rel):
            continue
        q = base if rng.random() < 0.4 else f"{groups[k][0]['brand']} {base}"
        emit("code_suffix_dropped", q, [i for kk in rel for i in group_ids(kk)])
        n += 1
        if n >= N:
            return


# ---------------------------------------------------------------- 4. code with a wrong brand
big_brands = [b for b, n in collections.Counter(p["brand"] for p in ps).most_common(60)]
ALIAS = {"hp": ["Hewlett Packard", "HP Inc"], "dell": ["Dell EMC"], "lenovo": ["IBM"], "ibm": ["Lenovo"],
         "startechcom": ["StarTech"], "tplink": ["TP Link"], "samsung": ["Samsung Electronics"],
         "kingston": ["Kingston Technology"], "apc": ["Schneider Electric"], "c2g": ["Cables To Go"],
         "tripplite": ["Eaton"], "xerox": ["Fuji Xerox"], "oki": ["Okidata"], "canon": ["Canon Inc"]}


def gen_wrong_brand():
    n = 0
    for k in ordered_groups():
        p = groups[k][0]
        if rng.random() < 0.5 and k[0] in ALIAS:
            brand = rng.choice(ALIAS[k[0]])
            kind = "code_brand_alias"
        else:
            brand = rng.choice([x for x in big_brands if alnum(x) != k[0]])
            kind = "code_wrong_brand"
        code = respell(p["model"], rng)
        q = f"{brand} {code}" if rng.random() < 0.7 else f"{code} {brand}"
        if len(rows[kind]) and len({r[0] for r in rows[kind]}) >= N // 2 + 25:
            continue
        emit(kind, q, group_ids(k))
        n += 1
        if n >= N + 50:
            return


# ---------------------------------------------------------------- 5. brand + product line + number
def norm_words(s):
    return re.findall(r"[0-9a-z]+(?:[.,][0-9]+)?", s.lower())


test_titles_words = [norm_words(byid[i]["title"]) for i in test_ids if i in byid]


def gen_line_name():
    n = 0
    seen = set()
    pool = [p for p in ps if p["id"] not in test_ids and (gkey.get(p["id"]) is None or train_group(gkey[p["id"]]))]
    rng.shuffle(pool)
    bybrand = collections.defaultdict(list)
    for p in ps:
        bybrand[alnum(p["brand"])].append(p)
    for p in pool:
        t = p["title"]
        if not t.lower().startswith(p["brand"].lower() + " "):
            continue
        words = t[len(p["brand"]) + 1:].split()
        mcode = alnum(p["model"])
        mid = []
        for w in words[:5]:
            if alnum(w) == mcode or not (w[0].isupper() or w[0].isdigit()) or QTY.fullmatch(w) or "(" in w:
                break
            mid.append(w)
        last = max([j for j, w in enumerate(mid) if re.search(r"\d", w)], default=-1)
        if last < 0:
            continue
        if last + 1 < len(mid) and re.fullmatch(r"[A-Z][a-z]+", mid[last + 1]) and len(mid[last + 1]) <= 5:
            last += 1
        mid = mid[:last + 1]
        if not (2 <= len(mid) <= 4):
            continue
        if not any(re.fullmatch(r"[A-Za-z]{3,}", w) for w in mid):
            continue
        if any(alnum(w) == mcode or (len(alnum(w)) >= 5 and re.search(r"\d", w)) for w in mid):
            continue  # a part-number-like word: that is the code kind, not a line name
        seq = norm_words(" ".join(mid))
        key = (alnum(p["brand"]), tuple(seq))
        if key in seen:
            continue
        seen.add(key)
        bw = norm_words(p["brand"])
        rel = [x for x in bybrand[alnum(p["brand"])] if contains_seq(norm_words(x["title"]), seq)]
        if len(rel) > 10 or any(x["id"] in test_ids for x in rel):
            continue
        # not a family a test product belongs to
        if any(contains_seq(w, bw + seq) for w in test_titles_words):
            continue
        q = p["brand"] + " " + " ".join(mid)
        if rng.random() < 0.5:
            q = q.lower()
        emit("line_name_number", q, [x["id"] for x in rel])
        n += 1
        if n >= N:
            return


# ---------------------------------------------------------------- 6. marketing noise
NOISE_PRE = ["new", "NEW", "brand new", "genuine", "original", "Genuine OEM", "100% original", "authentic", "official"]
NOISE_POST = ["free shipping", "fast delivery", "uk stock", "sealed", "best price", "oem", "in stock", "genuine",
              "new in box", "warranty", "sale", "2024"]


def gen_noise():
    n = 0
    for k in ordered_groups():
        p = groups[k][0]
        code = respell(p["model"], rng)
        parts = [rng.choice(NOISE_PRE)]
        if rng.random() < 0.7:
            parts.append(p["brand"])
        parts.append(code)
        if rng.random() < 0.5:
            # a category word of the title
            rest = p["title"].split(p["model"], 1)
            if len(rest) == 2 and rest[1].split():
                parts.append(" ".join(rest[1].split()[:2]))
        parts.append(rng.choice(NOISE_POST))
        if rng.random() < 0.4:
            parts.append(rng.choice(NOISE_POST))
        emit("marketing_noise", " ".join(parts), group_ids(k))
        n += 1
        if n >= N:
            return


# ---------------------------------------------------------------- 7. quantity in another unit / format
def fmt(x):
    s = ("%.2f" % x).rstrip("0").rstrip(".")
    return s


TAPE = {"6": "1/4 inch", "9": "3/8 inch", "12": "1/2 inch", "18": "3/4 inch", "24": "1 inch", "36": "1.5 inch"}


def convert(value, unit, r):
    v = float(value.replace(",", "."))
    u = unit.lower()
    if u == "tb":
        return fmt(v * 1000) + r.choice(["gb", " GB"])
    if u == "gb":
        if v >= 250:
            return fmt(v / 1000) + r.choice(["tb", " TB"])
        if v < 1:
            if v * 1024 not in (128, 256, 512):
                return None
            return fmt(v * 1024) + r.choice(["mb", " MB"])
        if v <= 4:
            return fmt(v * 1024) + r.choice(["mb", " MB"])
        return None
    if u == "mb":
        if v >= 1024 and v % 1024 == 0:
            return fmt(v / 1024) + r.choice(["gb", " GB"])
        if v in (128, 256, 512):
            return fmt(v / 1024).lstrip("0") + r.choice(["gb", " GB"]) if r.random() < 0.3 else fmt(v / 1024) + " GB"
        return None
    if u == "ft":
        m = v * 0.3048
        return fmt(round(m * 10) / 10) + r.choice(["m", " m", " meter"])
    if u == "m":
        ft = v / 0.3048
        return str(int(round(ft))) + r.choice(["ft", " ft", " feet", "'"])
    if u == "mm":
        if value in TAPE and r.random() < 0.6:
            return TAPE[value]
        return fmt(v / 10) + r.choice(["cm", " cm"])
    if u == "cm":
        return fmt(round(v / 2.54)) + r.choice([" inch", "in", '"'])
    if u in ('"', "inch", "in"):
        return fmt(v) + r.choice([" inch", " in", "-inch", " inches"])
    if u in ("pc(s)", "pcs", "pc"):
        return r.choice([f"{int(v)} pack", f"pack of {int(v)}", f"{int(v)}-pack", f"x{int(v)}"])
    if u == "ghz":
        return fmt(v * 1000) + r.choice(["mhz", " MHz"])
    if u == "w":
        return fmt(v) + r.choice([" watt", " watts", "watt"])
    if u == "mah":
        return fmt(v / 1000) + r.choice(["ah", " Ah"])
    return None


QTY = re.compile(r'(?<![\w.,])(\d+(?:[.,]\d+)?)\s?(tb|gb|mb|ft|mm|cm|m|"|pc\(s\)|pcs|ghz|w|mah)(?![\w])', re.I)


def qnorm(s):
    s = s.lower()
    s = re.sub(r"(\d)\s+(tb|gb|mb|ft|mm|cm|m|pc|ghz|w|mah)\b", r"\1\2", s)
    return norm_words(s)


def family_rel(p, prefix_words, exclude_codes=False):
    """Products of p's brand whose title (codes dropped if asked) begins with prefix_words."""
    out = []
    for x in ps:
        if x["brand"] != p["brand"]:
            continue
        w = qnorm(x["title"])
        if exclude_codes:
            w = [t for t in w if not (re.search(r"\d", t) and re.search(r"[a-z]", t) and not QTY.fullmatch(t))]
        if w[:len(prefix_words)] == prefix_words:
            out.append(x)
    return out


def gen_unit_format():
    n = 0
    pool = [p for p in ps if p["id"] not in test_ids and (gkey.get(p["id"]) is None or train_group(gkey[p["id"]]))]
    rng.shuffle(pool)
    seen = set()
    for p in pool:
        t = p["title"]
        m = QTY.search(t)
        if not m:
            continue
        words_before = t[:m.start()].split()
        if len(words_before) < 2 or len(words_before) > 9:
            continue
        if m.group(2).lower().startswith("pc") and rng.random() < 0.8:
            continue
        new = convert(m.group(1), m.group(2), rng)
        if not new:
            continue
        orig_prefix = t[:m.end()]
        pw = qnorm(orig_prefix)
        key = tuple(pw)
        if key in seen:
            continue
        seen.add(key)
        rel = family_rel(p, pw)
        if not rel or len(rel) > 10 or any(x["id"] in test_ids for x in rel):
            continue
        if any(w[:len(pw)] == pw for w in (qnorm(byid[i]["title"]) for i in test_ids if i in byid)):
            continue
        # up to 3 more title words after the quantity, as shoppers add the product kind
        after = t[m.end():].split()[: rng.randint(0, 3)]
        q = " ".join(words_before + [new] + after)
        if rng.random() < 0.5:
            q = q.lower()
        emit("unit_format", q, [x["id"] for x in rel])
        n += 1
        if n >= N:
            return


# ---------------------------------------------------------------- 8. two attributes: colour + size
COLOURS = ["black", "white", "grey", "gray", "silver", "red", "blue", "green", "yellow", "orange", "purple", "pink",
           "beige", "cyan", "magenta"]


def gen_two_attributes():
    n = 0
    pool = [p for p in ps if p["id"] not in test_ids and (gkey.get(p["id"]) is None or train_group(gkey[p["id"]]))]
    rng.shuffle(pool)
    bybrand = collections.defaultdict(list)
    for p in ps:
        bybrand[p["brand"]].append(p)
    seen = set()
    for p in pool:
        t = p["title"]
        w = qnorm(t)
        cols = [c for c in COLOURS if c in w]
        m = QTY.search(t)
        if len(cols) != 1 or not m:
            continue
        qty = qnorm(m.group(0))
        # the product kind: 1-2 alphabetic title words that are neither brand, colour nor unit
        bw = set(norm_words(p["brand"]))
        kindw = [x for x in w if re.fullmatch(r"[a-z]{3,}", x) and x not in bw and x not in COLOURS
                 and x not in ("with", "for", "and", "the", "pcs", "original")]
        if len(kindw) < 2:
            continue
        kw = kindw[-2:] if rng.random() < 0.5 else kindw[:2]
        need = set(qty + [cols[0]] + kw)
        key = (p["brand"], tuple(sorted(need)))
        if key in seen:
            continue
        seen.add(key)
        rel = [x for x in bybrand[p["brand"]] if need <= set(qnorm(x["title"]))]
        if not rel or len(rel) > 10 or any(x["id"] in test_ids for x in rel):
            continue
        parts = [p["brand"], " ".join(kw)]
        attrs = [m.group(0), cols[0]]
        rng.shuffle(attrs)
        q = " ".join(parts + attrs) if rng.random() < 0.5 else " ".join([attrs[0], p["brand"], " ".join(kw), attrs[1]])
        emit("colour_size", q.lower() if rng.random() < 0.5 else q, [x["id"] for x in rel])
        n += 1
        if n >= N:
            return


# ---------------------------------------------------------------- 9. long pasted titles (20+ words)
def gen_long_pasted():
    n = 0
    for k in ordered_groups():
        p = groups[k][0]
        words = p["title"].split()
        desc = re.sub(r"<[^>]+>", " ", p["short_description"] or "").split()
        extra = desc
        full = words + ["-"] + extra
        if len(full) < 21:
            continue
        q = " ".join(full[: rng.randint(20, 30)])
        emit("long_pasted", q, group_ids(k))
        n += 1
        if n >= N:
            return


# ---------------------------------------------------------------- 10. code with one mistyped character
def gen_code_typo():
    n = 0
    for k in ordered_groups():
        b, c = k
        model = groups[k][0]["model"]
        if len(c) < 6:
            continue
        idx = [i for i, ch in enumerate(model) if ch.isalnum()]
        i = rng.choice(idx[1:])
        ch = model[i]
        op = rng.random()
        if op < 0.5 and i + 1 < len(model) and model[i + 1].isalnum() and model[i + 1] != ch:
            typo = model[:i] + model[i + 1] + ch + model[i + 2:]  # swap
        elif op < 0.75:
            typo = model[:i] + model[i + 1:]  # drop
        else:
            rep = rng.choice("0123456789") if ch.isdigit() else rng.choice("abcdefghijklmnopqrstuvwxyz")
            if rep == ch.lower():
                continue
            typo = model[:i] + (rep.upper() if ch.isupper() else rep) + model[i + 1:]
        if alnum(typo) in all_codes:
            continue
        q = typo if rng.random() < 0.4 else f"{groups[k][0]['brand']} {typo}"
        emit("code_typo", q, group_ids(k))
        n += 1
        if n >= N:
            return



# ---------------------------------------------------------------- 11. a merchant's / region suffix added to the code
REGION = ["#ABA", "#ABB", "#B19", "-UK", "/EU", "-EU", "EU", "UK", "XXU", "TXXU", "/00", "-AA", "BK", "-B", "ZG"]


def gen_suffix_added():
    n = 0
    for k in ordered_groups():
        b, c = k
        model = groups[k][0]["model"]
        if " " in model.strip():
            continue
        suf = rng.choice(REGION)
        q0 = model + suf
        if alnum(q0) in all_codes:
            continue
        kind = "code_suffix_glued" if suf[0].isalnum() else "code_suffix_separated"
        q = q0 if rng.random() < 0.4 else f"{groups[k][0]['brand']} {q0}"
        emit(kind, q, group_ids(k))
        n += 1
        if n >= 2 * N:
            return


# ---------------------------------------------------------------- 12. code + a compatible device's code from the description
def gen_code_compatible():
    n = 0
    for k in ordered_groups():
        p = groups[k][0]
        desc = p["short_description"] or ""
        cands = [w.strip(",.;()") for w in desc.split()]
        cands = [w for w in cands if re.fullmatch(r"[A-Za-z]{1,5}-?\d{2,5}[A-Za-z]{0,3}", w) and len(alnum(w)) >= 4
                 and not re.match(r"(?i)(ddr|gddr|pc\d|usb|cat|ieee|sata|hdmi|dvi|pci|lga|am\d|sn\d)", w)
                 and alnum(w) not in k[1] and k[1] not in alnum(w) and not QTY.fullmatch(w)]
        if not cands:
            continue
        dev = rng.choice(cands)
        code = respell(p["model"], rng)
        form = rng.random()
        if form < 0.4:
            q = f"{p['brand']} {code} {dev}"
        elif form < 0.7:
            q = f"{code} for {p['brand']} {dev}"
        else:
            q = f"{p['brand']} {dev} {code}"
        emit("code_compatible", q, group_ids(k))
        n += 1
        if n >= N:
            return


# ---------------------------------------------------------------- 13. brand glued to the code ("HPCE285A")
def gen_brand_glued():
    n = 0
    for k in ordered_groups():
        p = groups[k][0]
        b = alnum(p["brand"])
        if not (2 <= len(b) <= 8):
            continue
        model = p["model"]
        c = rng.random()
        q = (b + alnum(model)) if c < 0.4 else (b.upper() + model.upper()) if c < 0.7 else (p["brand"].replace(" ", "") + "-" + model)
        emit("brand_glued_code", q, group_ids(k))
        n += 1
        if n >= N:
            return




# ---------------------------------------------------------------- 14. product line + number without the brand ("probook 4710s")
def gen_line_nobrand():
    src = {}
    for r in rows["line_name_number"]:
        src.setdefault(r[0], []).append(r[1])
    for q, ids in src.items():
        b = byid[ids[0]]["brand"]
        rest = q[len(b):].strip()
        if len(rest.split()) < 2:
            continue
        # relevant: every product (any brand) whose title holds the words in order
        seq = norm_words(rest)
        rel = [x["id"] for x in ps if contains_seq(norm_words(x["title"]), seq)]
        if not rel or len(rel) > 10 or any(i in test_ids for i in rel):
            continue
        if any(contains_seq(w, seq) for w in test_titles_words):
            continue
        emit("line_name_nobrand", rest, rel)


# ---------------------------------------------------------------- 15. ink/toner number + colour ("hp 88xl magenta")
def gen_ink_number():
    n = 0
    pool = [p for p in ps if p["id"] not in test_ids and (gkey.get(p["id"]) is None or train_group(gkey[p["id"]]))]
    rng.shuffle(pool)
    bybrand = collections.defaultdict(list)
    for p in ps:
        bybrand[p["brand"]].append(p)
    seen = set()
    for p in pool:
        m = re.match(re.escape(p["brand"]) + r" (\d{1,3}[A-Za-z]{0,2}) Original ([A-Za-z ]+?)(?: \d+ pc\(s\))?$", p["title"])
        if not m:
            continue
        num, col = m.group(1), m.group(2).lower()
        col = col.replace("light ", "light ").strip()
        key = (p["brand"], num.lower(), col)
        if key in seen:
            continue
        seen.add(key)
        need = norm_words(num) + norm_words(col)
        rel = [x["id"] for x in bybrand[p["brand"]]
               if re.match(re.escape(p["brand"]) + r" " + re.escape(num) + r" ", x["title"], re.I) and set(norm_words(col)) <= set(norm_words(x["title"]))
               and not (set(COLOURS) - set(norm_words(col))) & set(norm_words(x["title"]))]
        if not rel or len(rel) > 10 or any(i in test_ids for i in rel):
            continue
        extra = rng.choice(["", " ink", " ink cartridge", " cartridge", " toner"])
        q = f"{p['brand']} {num} {col}{extra}"
        emit("ink_number_colour", q.lower() if rng.random() < 0.6 else q, rel)
        n += 1
        if n >= N:
            return



gen_code_category()
gen_code_prefix()
gen_suffix_dropped()
gen_wrong_brand()
gen_line_name()
gen_noise()
gen_unit_format()
gen_two_attributes()
gen_long_pasted()
gen_code_typo()
gen_suffix_added()
gen_code_compatible()
gen_brand_glued()
gen_line_nobrand()
gen_ink_number()

K.write()
