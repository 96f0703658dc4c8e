#!/usr/bin/env python3
"""Review 16: query kinds aimed at ranking revision 16's unasked-variant rule (RankingFeatures.lowerUnaskedVariants),
built from the train part of the known-item split only (kinds_common.KindSet, strict).

Catalogue reading (no ranking involved):
  spelled    a variant word that is part of a connector, form factor or build name, which shoppers glue or
             abbreviate: "Mini DisplayPort" (minidp, mdp), "Mini USB" / "USB Mini" (miniusb), "HDMI Mini"
             (minihdmi), "Ultra Thin" / "Ultra-Thin" (ultrathin), "Ultra Slim" / "Ultra-slim" (ultraslim),
             "Mini ITX" (miniitx, mitx), "Mini Tower" (minitower), "Mini PC" (minipc).
  glued      a sibling whose variant is glued to the name: "HP 351" / "351XL", "HP 57" / "57+", "Lexmark 100" /
             "100XL", "Tripp Lite ISOBAR6" / "ISOBAR6ULTRA", "DELL E2420H" / "E2420HS", "HP LaserJet 4345x" /
             "4345xs", "Canon A3" / "A3+" paper.
  line       a line name every member of which continues with a model word, some on the rule's list (Pro,
             Deluxe, Plus, XL, Slim, Ultra) and some not (Premium, SE, GT, Platinum, Advanced, ES, RT ...):
             "ASUS P7P55D-E" Pro / Deluxe / Premium, "Equip Cat.6A" Pro / Platinum.
  incidental a spec phrase holding a variant word after a word a query holds by chance: "Windows 10 Pro" after
             "10" ("10th gen"), "4K Ultra HD" after "4K".

Kinds (query,docid,rating,type); each has a control in control/ with the same relevance:
  variant_asked_spelled  a title prefix through the phrase, the phrase spelled glued or abbreviated: "startech 6 ft
             minidp to displayport 1.2 adapter cable", "intel boxd945gclf motherboard socket 945 miniitx".
             Relevant (1): the brand's titles beginning with the same words (phrase read as one). Control: the
             phrase as the title writes it.
  variant_unread_plain   brand + the plain name a glued sibling extends: "hp 351 ink", "lexmark 100 yellow
             ink", "tripp lite isobar6 surge protector", "dell e2420h monitor". Relevant (1): the brand's
             titles holding the plain name (not glued). Control: brand + the plain titles' model fields.
  variant_line_only      brand + a line every member of which carries a model word: "asus p7p55d-e
             motherboard", "equip cat.6a s/ftp patch cable". Relevant (1): every member. Control: the query
             with every sibling word asked ("asus p7p55d-e pro deluxe premium").
  variant_incidental     a computer's or a display's line + a spec sharing a term with the word before a
             variant word: "hp probook 440 g7 10th gen i5 notebook", "samsung q70t 75 inch 4k tv". Relevant
             (1): the brand's titles beginning with the line's words and holding the spec. Control: the spec
             spelled without the shared term ("tenth gen", "uhd").
Usage: python3 data/known-item/review16/gen.py [seed]   (default seed 1616; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc

SEED = kc.seed_arg(1616)
OUT = os.path.dirname(os.path.abspath(__file__))
K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, byid = K.ps, K.byid
LISTED = {"deluxe", "elite", "lite", "max", "mini", "plus", "pro", "slim", "ultra", "xl", "xxl"}


def typed(s, p=0.7):
    return s.lower() if K.rng.random() < p else s


def ok(rel, limit=10):
    return rel and len(rel) <= limit and K.all_train(rel)


def W(t):
    return [w.strip(",").lower() for w in kc.clean(t).split()]


def brand_typed(b):
    if b == "StarTech.com" and K.rng.random() < 0.5:
        return "StarTech"
    return b


# ------------------------------------------------------------------ the variant asked, spelled glued
PHRASES = [
    (r"(?i)\bMini DisplayPort\b", "minidp", ["minidp", "mdp", "minidisplayport"]),
    (r"(?i)\bMini USB\b|\bUSB Mini\b", "miniusb", ["miniusb"]),
    (r"(?i)\bMini HDMI\b|\bHDMI Mini\b", "minihdmi", ["minihdmi"]),
    (r"(?i)\bUltra[ -]Thin\b", "ultrathin", ["ultrathin"]),
    (r"(?i)\bUltra[ -]Slim\b", "ultraslim", ["ultraslim"]),
    (r"(?i)\bMini[ -]ITX\b", "miniitx", ["miniitx", "mitx"]),
    (r"(?i)\bMini Tower\b", "minitower", ["minitower"]),
    (r"(?i)\bMini PC\b", "minipc", ["minipc"]),
]


def canon(t):
    t = kc.clean(t)
    for rx, tok, _ in PHRASES:
        t = re.sub(rx, tok, t)
    return kc.norm_words(t)


def variant_asked_spelled():
    kind = "variant_asked_spelled"
    for p in ps:
        if not K.train_product(p):
            continue
        t = kc.clean(p["title"])
        for rx, tok, spellings in PHRASES:
            m = re.search(rx, t)
            if not m:
                continue
            head = t[:m.start()].split()
            tail = [w for w in t[m.end():].split()]
            if len(head) < 2:
                continue
            keep = []
            for w in tail[:K.rng.randint(1, 3)]:
                if re.search(r"[()\u2013\u2014]", w) or w in ("-", "–"):
                    break
                keep.append(w.strip(","))
            head = head[-5:] if len(head) > 5 else head
            if head[0].lower() != p["brand"].split()[0].lower() and not t.startswith(" ".join(head)):
                continue
            if not t.startswith(" ".join(head)):
                continue  # the prefix from the title's start only
            base = " ".join(head + [m.group(0)] + keep)
            fam = canon(base)
            rel = [x for x in K.bybrand[p["brand"]] if canon(x["title"])[:len(fam)] == fam]
            if not ok(rel, 8):
                continue
            sp = K.rng.choice(spellings)
            q = " ".join(head + [sp] + keep)
            b0 = head[0]
            bt = brand_typed(p["brand"]) if b0 == p["brand"] else b0
            q = bt + q[len(b0):]
            base = bt + base[len(b0):]
            q, base = (q.lower(), base.lower()) if K.rng.random() < 0.7 else (q, base)
            if K.emit(kind, q, kc.ids(rel)):
                K.emit(kind + "_control", base, kc.ids(rel))
            break


# ------------------------------------------------------------------ plain names a glued sibling extends
GLUED = re.compile(r"^([a-z]*\d+[a-z]*?)(pro|plus|lite|mini|max|xl|xxl|ultra|s|\+)$")
# (brand, the plain name as the titles write it, the word a shopper adds): the reviewer's list, read off a scan
# of glued siblings (bases that are a size or another product's number, "HP 21", "HP 10", were left out)
GLUED_FAMILIES = [
    ("HP", "351", "ink"), ("HP", "363", "ink"), ("HP", "364", "ink"), ("HP", "67", "ink"), ("HP", "74", "ink"),
    ("HP", "920", "ink"), ("HP", "57", "ink"), ("Lexmark", "100", "ink"), ("Tripp Lite", "ISOBAR6", "surge protector"),
    ("DELL", "E2420H", "monitor"), ("DELL", "E2720H", "monitor"), ("HP", "4345x", "printer"),
    ("HP", "M2727nf", "printer"), ("HP", "M5035x", "printer"), ("Canon", "A3", "paper"),
]


def variant_unread_plain():
    kind = "variant_unread_plain"
    for brand, base, tw in GLUED_FAMILIES:
        b = base.lower()
        plain = [x for x in K.bybrand[brand] if b in W(x["title"])[:4]]
        glued = [x for x in K.bybrand[brand] if any(GLUED.match(w) and GLUED.match(w).group(1) == b and w != b
                                                    for w in W(x["title"])[:4])]
        if not plain or not glued or not K.all_train(plain + glued):
            print("skip", brand, base, len(plain), len(glued), file=sys.stderr)
            continue
        # a colour a shopper names splits an ink family by colour
        groups = [(None, plain)]
        if tw == "ink" and len(plain) > 2:
            by = collections.defaultdict(list)
            for x in plain:
                c = kc.title_colour(x) or "colour"
                by["tri-color" if c in ("cyan",) and "magenta" in x["title"].lower() else c].append(x)
            groups = sorted(by.items())
        for colour, rel in groups:
            if not ok(rel, 6):
                continue
            bt = typed(brand, 0.6)
            # the three-colour cartridge ("Cyan,Magenta,Yellow") is asked as "color"
            words = [bt, K.respell(base)] + ([colour if colour != "colour" else "color"] if colour else []) + [tw]
            q = " ".join(words)
            models = [x["model"] for x in rel if x["model"]]
            control = " ".join([bt] + sorted(set(models))[:3])
            if K.emit(kind, q, kc.ids(rel)):
                K.emit(kind + "_control", control, kc.ids(rel))


# ------------------------------------------------------------------ a line every member of which carries a model word
OFFLIST = {"premium", "se", "gt", "platinum", "advanced", "es", "rt", "evo", "select", "standard", "classic", "sport",
           "active", "edge", "air", "neo", "go", "duo", "power", "lp", "compact", "express", "nano", "super", "turbo",
           "extreme", "cs", "sc", "xs", "smart", "personal", "groove", "urban", "e"}
TYPE_WORDS = ["motherboard", "backpack", "cable", "cooler", "adapter", "keyboard", "mouse", "lock", "footrest",
              "case", "printer", "scanner", "ups", "fan", "charger", "headset", "speaker", "monitor", "battery"]


def variant_line_only():
    kind = "variant_line_only"
    nxt = collections.defaultdict(lambda: collections.defaultdict(list))
    for p in ps:
        ws = W(p["title"])
        for k in (2, 3, 4):
            if len(ws) > k and ws[0] == p["brand"].split()[0].lower():
                nxt[(p["brand"], tuple(ws[:k]))][ws[k]].append(p)
    for (brand, pre), nx in sorted(nxt.items()):
        if re.fullmatch(r"[\d.,\"”]+|\(.*|-|cm|mm|m|gb|tb|w|ft|in|\d+(ft|in|m)", pre[-1]):
            continue
        words = set(nx)
        listed, off = words & LISTED, words & OFFLIST
        if not listed or not off or words - LISTED - OFFLIST:
            continue
        rel = [x for v in nx.values() for x in v]
        if not ok(rel, 10) or len(rel) < 2:
            continue
        t = kc.clean(rel[0]["title"]).lower()
        tw = next((w for w in TYPE_WORDS if re.search(rf"\b{w}\b", t)), None)
        q = " ".join(pre) + (f" {tw}" if tw and K.rng.random() < 0.7 else "")
        if q.startswith("startech.com") and K.rng.random() < 0.5:
            q = "startech" + q[len("startech.com"):]
        control = " ".join(pre) + " " + " ".join(sorted(words))
        if K.emit(kind, q, kc.ids(rel)):
            K.emit(kind + "_control", control, kc.ids(rel))


# ------------------------------------------------------------------ a spec sharing a term with the word before a variant word
STOP_AT = re.compile(r"(?i)^(notebook|laptop|pc/workstation|tv|[\d.,]+|\(.*|\d+th|amd|intel.*|led|lcd)$")


def line_words(t):
    ws = kc.clean(t).split()
    out = []
    for w in ws[:6]:
        if STOP_AT.match(w):
            break
        out.append(w)
    return out


def variant_incidental():
    kind = "variant_incidental"
    for p in ps:
        if not K.train_product(p):
            continue
        t = kc.clean(p["title"])
        lw = line_words(t)
        if len(lw) < 2 or lw[0] != p["brand"].split()[0]:
            continue
        fam = [x.lower() for x in lw]
        if re.search(r"\bWindows 10 (Pro|Home)\b", t) and "10th gen" in t:
            cpu = re.search(r"\b(i[3579])\b", t)
            typ = "notebook" if re.search(r"(?i)notebook|laptop", t) else "pc"
            spec, ctl = "10th gen", "tenth gen"
            extra = [cpu.group(1)] if cpu else []
            rel = [x for x in K.bybrand[p["brand"]] if W(x["title"])[:len(fam)] == fam and "10th gen" in x["title"]
                   and all(re.search(rf"\b{e}\b", x["title"]) for e in extra)
                   and re.search(rf"(?i){typ}", x["title"])]
        elif re.search(r"\b4K Ultra HD\b", t):
            inch = re.search(r"\((\d+(?:\.\d+)?)\"\)", t)
            typ = "tv" if " TV" in t else "monitor"
            spec, ctl = "4k", "uhd"
            extra = [f"{round(float(inch.group(1)))} inch"] if inch and K.rng.random() < 0.6 else []
            rel = [x for x in K.bybrand[p["brand"]] if W(x["title"])[:len(fam)] == fam and "4K" in x["title"]]
        else:
            continue
        if not ok(rel, 8):
            continue
        head = " ".join(lw)
        q = f"{head} {' '.join(extra)} {spec} {typ}"
        c = f"{head} {' '.join(extra)} {ctl} {typ}"
        q, c = re.sub(r"\s+", " ", q).strip(), re.sub(r"\s+", " ", c).strip()
        if K.rng.random() < 0.7:
            q, c = q.lower(), c.lower()
        if K.emit(kind, q, kc.ids(rel)):
            K.emit(kind + "_control", c, kc.ids(rel))


K.run([("variant_asked_spelled", variant_asked_spelled), ("variant_unread_plain", variant_unread_plain),
       ("variant_line_only", variant_line_only), ("variant_incidental", variant_incidental)])
K.write(controls=True)
