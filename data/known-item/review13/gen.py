#!/usr/bin/env python3
"""Review 13: query kinds aimed at ranking revision 13 (02bbcde6, 74bab422, 652ccf02):
  - quantity_conflict converts data sizes between kb / mb / gb / tb (binary multiples, 10% tolerance), but
    only against a title's size within 16x of the query's (RankingFeatures.SAME_PART_DATA_RATIO);
  - colours written in other European languages are read (ColourWords, colour-words.txt), "blu" before
    "ray" is none, and a query's blue / red / pink / purple is no conflict with a cyan / magenta title;
  - a model field that is a product name carries a code of two digits behind three letters or more
    (RankingFeatures.nameCode: "Epson ERC38B Ribbon Cartridge for ...", not "DB25F", "HD15F").
Built from the train part of the known-item split only (kinds_common.KindSet asserts it in emit_rated).

Kinds (query,docid,rating,type); every kind has a control in control/ with the same relevance:
  size_other_unit     brand + words of a title + the title's one data size written in another unit, as
                      shops and shoppers write it ("kingston valueram 2048mb ddr2" for "2GB", "hp 512mb
                      quadro fx 580" for "0.5 GB", "0.5gb" / ".5gb" / "0,5 gb" for "512MB", "2tb" for "2000
                      GB", "1000gb" for "1TB", "512kb l2" for a processor's "0.512 MB L2"); the brand's
                      titles holding the same words and another size exist (the distractors). Relevant (1):
                      the brand's titles holding the query's words whose largest data size is the query's
                      (converted, 10%). Control: the size as the title writes it.
  size_two_parts      brand + line / model + two or more sizes of different parts: memory and storage
                      ("lenovo ideapad s340 8gb 512gb ssd"), storage in TB for "1000 GB", memory in MB
                      as the product's description writes it ("hp elitebook 2530p 2048mb 120gb"), a
                      drive / storage size the title does not state ("dell poweredge r640 16gb 480gb
                      ssd"), a graphics card's memory ("quadro fx 2700m 512mb", "rtx 2070 8gb") or the
                      CPU cache ("12mb cache", "512kb l2") from the description. Relevant (1): the
                      brand's titles holding the model word(s) and naming the memory (and the storage,
                      where the title names one) of the query. Control: the model and the title's
                      memory and storage as the title writes them, no other part.
  colour_foreign_forms a cartridge's number and its colour in forms the eighth kinds did not write:
                      Portuguese, Swedish, Danish, Norwegian, Finnish, Czech, Hungarian; German / Dutch
                      inflected ("schwarze", "gelber", "zwarte", "gele"), Spanish / Italian / French /
                      Polish feminine and plural ("negra", "amarillos", "nera", "gialli", "noire",
                      "jaunes", "czarna", "żółta"); colour before the code ("gelb hp 88xl"), upper case
                      ("HP 88XL GELB"). Relevant (1): as eighth-kinds' colour_foreign (titles beginning
                      with brand + number naming that colour only). Control: the English colour.
  colour_blue_red_for_cm shoppers' "blue" / "red" / "pink" / "purple" (and "blau", "azul", "rot", "rojo",
                      "rosa") for the cyan / magenta cartridge of a number whose siblings have no blue or
                      red one ("hp 88 blue", "hp 940xl red ink"). Relevant: the number's titles naming
                      cyan (magenta) only: 2 when plain, 1 light / photo. Control: "cyan" / "magenta".
  colour_real_blue_red a number (or code base) with real Blue / Red cartridges beside its Cyan / Magenta
                      ones (HP 70, Canon PFI-701 / PFI-101 / PFI-301 / BCI-6 / CLI-8 / PGI-9, Epson
                      T087x, HP 73), queried with cyan / magenta / blue / red (English or foreign) and
                      "Brother LC-800C" (titled Blue) and "Canon CLC700" (Blue / Cyan) by their cyan.
                      Relevant: the titles naming the query's colour: the cartridges 2, light / photo /
                      printheads 1; the blue / red when cyan / magenta is asked (and the other way) 0.
                      Control: brand + the code as the title writes it + the colour as the title does.
  bluray_colour       Blu-ray players / recorders / discs by code (+ colour when the title names one)
                      with "blu-ray" as shoppers write it: "blu ray", "bluray", "blu-rays", "blue ray",
                      "blue-ray", "blu-ray-player", "lecteur blu-ray noir", "reproductor blu-ray negro".
                      Relevant (1): the product's (brand, code) group. Control: "blu-ray" as the title
                      writes it, the English colour.
  name_code_two_digit brand (or none) + the code of two digits behind three letters or more in a model
                      field that is a product name ("epson elplp54", "elplp16 lamp", "epson erc38b
                      ribbon", "erc 38b", "canon gpr24 toner", "toshiba tlplmt10"), as written, lower
                      case, hyphen dropped or added; relevant (1): the brand's titles or model fields
                      holding the code as a word. Control: brand + the whole model field.
  connector_code      connector / standard codes as cable shoppers write them ("startech 3ft db25 to db9
                      serial modem cable", "db25 to cen36 printer cable 10ft", "dms59 to dual vga cable",
                      "hddb15", "hpdb68", "vhdci68 to hd68"), none of them a product's code; relevant (1):
                      the (named brand's) titles naming every connector of the query (DMS-59 = LFH-59,
                      Cen36 = Centronics 36), the type word and the length (converted, 10%); at most 10.
                      Control: the connectors as the title writes them ("RJ-45", "Centronics 36").
Usage: python3 data/known-item/review13/gen.py [seed]   (default seed 1313; deterministic)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc
from kinds_common import alnum, clean, norm_words, contains_seq

SEED = kc.seed_arg(1313)
OUT = os.path.dirname(os.path.abspath(__file__))
K = kc.KindSet(SEED, OUT, dedupe="lower")
ps, byid, bybrand = K.ps, K.byid, K.bybrand
N = 120


def pair(kind, q, base, rated):
    """The query and, when it is new, its control (same relevance) as <kind>_control."""
    if K.emit_rated(kind, q, rated):
        K.emit_rated(kind + "_control", base, rated)
        return True
    return False


def desc(p):
    return re.sub(r"<[^>]+>", " ", p["short_description"] or "")


def brand_typed(p):
    b = p["brand"]
    if b == "Kingston Technology":
        b = "Kingston"
    return K.brand_as_typed(b)


# ------------------------------------------------------------------ data sizes
SIZE = re.compile(r"(?i)(?<![\w.,])(\d+(?:[.,]\d+)?)\s?(kb|mb|gb|tb)(?![\w/])")
TO_MB = {"kb": 1 / 1024, "mb": 1.0, "gb": 1024.0, "tb": 1024.0 * 1024}
NOT_DATA = re.compile(r"(?i)fib(?:er|re)|ethernet|gigabit|switch|sfp|gb/s|gbit|mbps|duplex|multimode|\d+gb\s?(?:fc|fibre)")
# Icecat writes 128 MB as "0.12 GB", 512 KB as "0.512 MB"; the values shops write instead
GB_AS_MB = {0.03125: 32, 0.0625: 64, 0.12: 128, 0.125: 128, 0.25: 256, 0.5: 512, 0.75: 768, 1: 1024, 1.5: 1536,
            2: 2048, 3: 3072, 4: 4096}
MB_AS_GB = {128: "0.125", 256: "0.25", 512: "0.5", 768: "0.75", 1024: "1", 1536: "1.5", 2048: "2", 3072: "3",
            4096: "4", 8192: "8", 1000: "1", 2000: "2"}


def sizes(text):
    return [(float(m.group(1).replace(",", ".")), m.group(2).lower(), m.span()) for m in SIZE.finditer(text)]


def in_mb(v, u):
    return v * TO_MB[u]


def same_size(a, b):
    return abs(a - b) <= 0.1 * max(a, b)


def max_size(p):
    s = [in_mb(v, u) for v, u, _ in sizes(p["title"])]
    return max(s) if s else None


def has_size(p, mbv):
    return any(same_size(in_mb(v, u), mbv) for v, u, _ in sizes(p["title"]))


def fmt(num, unit, rng, decimal_ok=True):
    """A size as shops write it: glued / spaced, lower / upper case, "0,5" or ".5" sometimes."""
    s = num
    if decimal_ok and s.startswith("0.") and rng.random() < 0.3:
        s = s[1:] if rng.random() < 0.5 else s.replace(".", ",")
    r = rng.random()
    if r < 0.5:
        return f"{s}{unit}"
    if r < 0.7:
        return f"{s} {unit}"
    return f"{s}{unit.upper()}"


def gnum(x):
    return f"{x:g}"


def other_unit(v, u, cat, rng):
    """The title's size in another unit as shops write it, or None when no shop would."""
    if u == "gb":
        if v in GB_AS_MB and cat in ("memory", "graphics", "flash", "printer", "player"):
            return fmt(str(GB_AS_MB[v]), "mb", rng)
        if v >= 500 and (v % 500 == 0 or v in (1024, 2048)) and cat in ("drive", "storage", "other"):
            tb = {1024: 1, 2048: 2}.get(v, v / 1000)
            return fmt(gnum(tb), "tb", rng)
        return None
    if u == "tb":
        if cat in ("drive", "storage", "other") and v <= 8:
            return fmt(gnum(v * 1000), "gb", rng)
        return None
    if u == "mb":
        if cat == "cpu":
            if v < 1:
                return fmt(gnum(round(v * 1000)), "kb", rng)
            if v in (1, 2) and rng.random() < 0.5:
                return fmt(gnum(v * 1024), "kb", rng)
            return None
        if int(v) == v and int(v) in MB_AS_GB and v >= 128:
            return fmt(MB_AS_GB[int(v)], "gb", rng)
        return None
    return None


def category(t):
    t = t.lower()
    if "processor" in t:
        return "cpu"
    if re.search(r"graphics|quadro|radeon|geforce|firepro|firegl|video card", t):
        return "graphics"
    if re.search(r"printer memory|phaser|designjet|laserjet|\bflash card\b", t):
        return "printer"
    if re.search(r"memory card|\bsd\b|sdhc|sdxc|microsd|memory stick|compactflash|flash drive|usb-stick", t):
        return "flash"
    if re.search(r"ddr|dimm|sdram|memory module|\bmemory\b|\bram\b", t):
        return "memory"
    if re.search(r"hard drive|hdd|ssd|solid state|serial ata|\bsata\b|\bsas\b|scsi|\bhd kit\b|\bhd\b", t):
        return "drive"
    if re.search(r"nas|storage server|linkstation|terastation|store 'n' go|disk array|tape|lto", t):
        return "storage"
    if re.search(r"mp3|audio player|gogear", t):
        return "player"
    return "other"


GENERIC = {"technology", "system", "specific", "memory", "module", "pc", "s", "x", "original", "gb", "mb", "tb",
           "kb", "the", "and", "with", "for", "to", "of", "w", "in", "mhz", "ghz", "pcs", "pk", "box", "kit", "m"}


def desc_words(p):
    """The title's words after the brand, as written (punctuation trimmed), with their spans."""
    t = clean(p["title"])
    b = p["brand"]
    start = len(b) if t.lower().startswith(b.lower()) else 0
    out = []
    for m in re.finditer(r"\S+", t[start:]):
        w = m.group(0).strip(",;()[]")
        if not w:
            continue
        out.append((w, m.start() + start, m.end() + start))
    return out


def usable(w):
    nw = norm_words(w)
    if not nw or any(x in GENERIC for x in nw) and len(nw) == 1:
        return False
    if re.fullmatch(r"[\d.,]+", w) and not re.fullmatch(r"\d{3,4}", w):
        return False  # a bare number, but "667" (ddr2 667), "3200"
    if SIZE.fullmatch(w) or re.fullmatch(r"(?i)(kb|mb|gb|tb)", w):
        return False
    return len(w) >= 2 and not re.search(r"[\"'®™*]", w)


def holds_words(p, words):
    tw = norm_words(p["title"])
    return all(contains_seq(tw, norm_words(w)) for w in words)


def gen_size_other_unit():
    rng = K.rng
    caps = {"cpu": 26, "memory": 36, "drive": 22, "flash": 12, "graphics": 12, "printer": 10, "storage": 10,
            "player": 6, "other": 8}
    count = collections.Counter()
    for p in K.pool():
        if not p["brand"] or NOT_DATA.search(p["title"]):
            continue
        ss = sizes(p["title"])
        if not ss or len({(v, u) for v, u, _ in ss}) != 1:
            continue  # one size, in one unit: nothing but its other unit to write
        v, u, span = ss[0]
        cat = category(p["title"])
        if count[cat] >= caps[cat]:
            continue
        q_size = other_unit(v, u, cat, rng)
        if not q_size:
            continue
        base_size = clean(p["title"])[span[0]:span[1]].lower().replace(" ", "") if rng.random() < 0.7 else \
            clean(p["title"])[span[0]:span[1]]
        mbv = in_mb(v, u)
        words = [w for w, s, e in desc_words(p) if usable(w) and not (s <= span[0] < e)][:9]
        if len(words) < 1:
            continue
        windows, scattered = [], []
        for k in (1, 2, 3):
            windows += [tuple(words[i:i + k]) for i in range(len(words) - k + 1)]
            for _ in range(4):
                if len(words) >= k:
                    scattered.append(tuple(words[i] for i in sorted(rng.sample(range(len(words)), k))))
        rng.shuffle(windows)
        rng.shuffle(scattered)
        windows.sort(key=lambda c: abs(len(c) - 2))
        scattered.sort(key=lambda c: abs(len(c) - 2))
        cands = windows + scattered  # words as the title runs them first (a shopper copies a run)
        branded = rng.random() < 0.85
        chosen = None
        for c in cands:
            fam = [x for x in (bybrand[p["brand"]] if branded else ps) if holds_words(x, c)]
            rel = [x for x in fam if max_size(x) is not None and same_size(max_size(x), mbv)]
            dis = [x for x in fam if max_size(x) is not None and not same_size(max_size(x), mbv)]
            if p in rel and 1 <= len(rel) <= 10 and dis and K.all_train(rel):
                chosen = (c, rel)
                break
        if not chosen:
            continue
        c, rel = chosen
        ws = [w.lower() if rng.random() < 0.7 else w for w in c]
        pos = rng.choice([0, len(ws)] + ([1] if len(ws) > 1 else []))
        br = brand_typed(p) if branded else ""
        q = " ".join(x for x in [br] + ws[:pos] + [q_size] + ws[pos:] if x)
        b = " ".join(x for x in [br] + ws[:pos] + [base_size] + ws[pos:] if x)
        if pair("size_other_unit", q, b, {x["id"]: 1 for x in rel}):
            count[cat] += 1
        if K.nq("size_other_unit") >= N:
            return


COMPUTER = re.compile(r"(?i)notebook|netbook|\bpc\b|workstation|server|chromebook|hybrid \(2-in-1\)|thin client|"
                      r"all-in-one|mini pc|\d cm \(\d[\d.]*\"\) \d+ gb \d+ gb")
GPU_MEM = re.compile(r"(?i)((?:NVIDIA\s+|ATI\s+|AMD\s+)?(?:GeForce|Quadro|Radeon|FirePro|NVS)\s+[\w\- ]{1,22}?)\s*\(?(\d+)\s?(MB|GB)\b")
CACHE = re.compile(r"(?i)\b(\d+(?:\.\d+)?)\s?(MB|KB|M)\s?(L2|L3|Cache|Smart Cache)?\b")
DESC_RAM = re.compile(r"(?i)(?:\d\s?x\s?)?(\d{3,5})\s?MB\s+(?:DDR\d?|SDRAM|RAM)")
DESC_STORE = re.compile(r"(?i)\b(\d+)\s?(GB|TB)\s+(SSD|HDD|SATA|eMMC|Flash)")


def model_words(p):
    """The words naming the product: the line word before the code (when a word) and the code."""
    t = clean(p["title"]).split()
    m = p["model"].strip()
    if " " in m:  # a model field that is a name: its first code-like word the title holds ("8730w")
        m = next((w for w in m.split() if re.search(r"\d", w) and len(w) >= 3 and w in t and not SIZE.fullmatch(w)), "")
    if not m or m not in t:
        return None
    i = t.index(m)
    ws = [m]
    if i >= 2 and re.fullmatch(r"[A-Za-z][A-Za-z]+", t[i - 1]) and t[i - 1].lower() not in ("notebook", "pc"):
        ws = [t[i - 1], m]
    return ws


def gpu_in_mb(p):
    g = GPU_MEM.search(desc(p))
    return bool(g and g.group(3).upper() == "MB")


def gen_size_two_parts():
    rng = K.rng
    pool = K.pool()
    pool.sort(key=lambda x: not gpu_in_mb(x))  # the few with a graphics card's memory in MB first (stable)
    for p in pool:
        if not p["brand"] or not COMPUTER.search(p["title"]) or NOT_DATA.search(p["title"]) and "gigabit" not in p["title"].lower():
            continue
        ss = [(v, u) for v, u, _ in sizes(p["title"])]
        gbs = [(v, u) for v, u in ss if u in ("gb", "tb")]
        if not gbs:
            continue
        mw = model_words(p)
        if not mw:
            continue
        d = desc(p)
        ram = gbs[0]
        store = gbs[1] if len(gbs) > 1 else None
        store_word = ""
        m = re.search(r"(?i)\b(SSD|HDD|eMMC|Flash)\b", p["title"][p["title"].find(" GB", p["title"].find(" GB") + 1):]) if store else None
        if m:
            store_word = m.group(1).lower()
        extra_store = None
        if not store:
            ds = DESC_STORE.search(d)
            if ds:
                extra_store = (float(ds.group(1)), ds.group(2).lower(), ds.group(3).lower())
        extras = []
        g = GPU_MEM.search(d)
        if g:
            name = re.sub(r"(?i)^(nvidia|ati|amd)\s+", "", g.group(1)).strip().lower()
            extras.append(f"{name} {g.group(2)}{g.group(3).lower()}")
        c = re.search(r"(?i)\((?:[^()]*?,\s*)?(\d+(?:\.\d+)?)\s?(MB|KB|M)\s?(L2|L3|Cache)?\s*[,)]", d)
        if c and c.group(2).lower() != "m":
            extras.append(f"{c.group(1)}{c.group(2).lower()}" + (f" {c.group(3).lower()}" if c.group(3) else ""))
        dram = DESC_RAM.search(d)
        # what the query writes
        forms = []
        if dram and ram[1] == "gb" and same_size(float(dram.group(1)), in_mb(*ram)):
            forms.append("ram_mb")
        if store and store[1] == "gb" and store[0] >= 1000 and store[0] % 1000 == 0:
            forms.append("store_tb")
        if extras:
            forms.append("extra")
        if extra_store:
            forms += ["desc_store", "desc_store_only"]
        if not forms:
            if rng.random() < 0.7:
                continue
            forms = ["plain"]
        form = rng.choice(forms)
        gpu_mb = [e for e in extras if e.endswith("mb") and not re.search(r"l2|l3|cache|^\d", e)]
        if gpu_mb:
            form = "extra"  # a graphics card's memory in MB beside a title's GB: the case the 16x rule reads
            extras = gpu_mb
        # relevance: the brand's titles holding the model word(s) and naming the memory (and storage)
        fam = [x for x in bybrand[p["brand"]] if holds_words(x, mw)]
        rel = [x for x in fam if has_size(x, in_mb(*ram)) and (not store or has_size(x, in_mb(*store)))]
        if not (1 <= len(rel) <= 10) or not K.all_train(rel) or p not in rel:
            continue
        mws = [w.lower() if rng.random() < 0.7 else w for w in mw]
        br = brand_typed(p)
        ram_t = f"{gnum(ram[0])}{ram[1]}"
        store_t = f"{gnum(store[0])}{store[1]}" if store else ""
        base = " ".join(x for x in [br] + mws + [ram_t, store_t] if x)
        q_ram = ram_t + (" ram" if rng.random() < 0.4 else "")
        q_store = store_t + (f" {store_word}" if store_word and rng.random() < 0.6 else "")
        tail = []
        if form == "ram_mb":
            q_ram = f"{int(float(dram.group(1)))}mb" + (" ddr2" if "DDR2" in d and rng.random() < 0.5 else "")
        elif form == "store_tb":
            q_store = f"{gnum(store[0] / 1000)}tb" + (f" {store_word}" if store_word else "")
        elif form == "extra":
            tail = [rng.choice(extras)]
        elif form in ("desc_store", "desc_store_only"):
            q_store = f"{gnum(extra_store[0])}{extra_store[1]} {extra_store[2]}"
            if form == "desc_store_only":
                q_ram = ""  # the storage only, which the title does not state ("dell poweredge r640 480gb ssd")
        parts = [x for x in [q_ram, q_store] if x] + tail
        if rng.random() < 0.3:
            parts = [x for x in [q_store, q_ram] if x] + tail
        q = " ".join(x for x in [br] + mws + parts if x)
        pair("size_two_parts", q, base, {x["id"]: 1 for x in rel})
        if K.nq("size_two_parts") >= N:
            return


# ------------------------------------------------------------------ colours
FOUR = ["black", "cyan", "magenta", "yellow"]
CM = {"cyan", "magenta"}
# language: (black, cyan, magenta, yellow, cartridge words); forms the eighth kinds did not write
FORMS = {
    "pt": (["preto", "preta", "pretos"], ["ciano", "azul"], ["magenta", "vermelho"], ["amarelo", "amarela", "amarelos"],
           ["tinteiro", "cartucho", "toner"]),
    "sv": (["svart", "svarta"], ["cyan", "blå"], ["magenta", "röd"], ["gul", "gula"], ["bläckpatron", "patron", "toner"]),
    "da": (["sort", "sorte"], ["cyan", "blå"], ["magenta", "rød"], ["gul", "gule"], ["blækpatron", "patron", "toner"]),
    "no": (["svart"], ["cyan", "blå"], ["magenta", "rød"], ["gul"], ["blekkpatron", "patron"]),
    "fi": (["musta"], ["syaani"], ["magenta"], ["keltainen"], ["mustekasetti", "värikasetti"]),
    "cs": (["černá", "cerna"], ["azurová", "azurova"], ["purpurová", "purpurova"], ["žlutá", "zluta"], ["náplň", "inkoust", "toner"]),
    "hu": (["fekete"], ["cián", "cian"], ["bíbor", "magenta"], ["sárga", "sarga"], ["tintapatron", "toner"]),
    "de": (["schwarze", "schwarzer", "schwarzes"], ["blaue", "cyanfarben"], ["rote", "magentafarben"], ["gelbe", "gelber"],
           ["tinte", "patrone", "toner"]),
    "nl": (["zwarte"], ["blauwe", "cyaan"], ["rode"], ["gele"], ["inkt", "cartridge"]),
    "es": (["negra", "negros"], ["cian", "azules"], ["roja"], ["amarilla", "amarillos"], ["tinta", "cartucho"]),
    "it": (["nera", "neri"], ["ciano"], ["rossa"], ["gialla", "gialli"], ["cartuccia", "inchiostro"]),
    "fr": (["noire", "noirs"], ["cyan", "bleue"], ["magenta", "rouges"], ["jaunes"], ["cartouche", "encre"]),
    "pl": (["czarna", "czarne"], ["błękitna", "niebieska"], ["purpurowa"], ["żółta", "zolta"], ["tusz", "wkład"]),
}
IDX = {c: i for i, c in enumerate(FOUR)}
CART = re.compile(r"^(\S+) (\S+)(?: (.*?))? Original (Black|Cyan|Magenta|Yellow)(?: \d+ pc\(s\))?$")
CART2 = re.compile(r"^(\S+) (\S+) (Black|Cyan|Magenta|Yellow) Original(?: \d+ pc\(s\))?$")


def cartridge(p):
    """(number, colour, type words) of a cartridge titled "<Brand> <number> [type] Original <Colour>"."""
    if not p["brand"] or not p["title"].startswith(p["brand"] + " "):
        return None
    t = p["title"][len(p["brand"]) - len(p["brand"].split()[0]):] if " " in p["brand"] else p["title"]
    m = CART.match(t) or CART2.match(t)
    if not m:
        return None
    num = m.group(2)
    col = m.group(m.lastindex).lower()
    mid = m.group(3) if m.re is CART else ""
    a = alnum(num)
    tail = re.sub(r".*\d", "", a)
    if not re.search(r"\d", a) or re.search(r"[bcmyk]", tail) or "," in num:
        return None
    return num, col, mid or ""


def number_family(p, num, branded=True):
    """The brand's titles beginning with brand + number; without the brand, every brand's."""
    if branded:
        head = (p["brand"] + " " + num + " ").lower()
        return [x for x in bybrand[p["brand"]] if x["title"].lower().startswith(head)]
    return [x for x in ps if x["brand"] and x["title"].lower().startswith((x["brand"] + " " + num + " ").lower())]


def colour_words(x):
    return set(norm_words(x["title"])) & set(FOUR + ["blue", "red", "green", "gray", "grey", "light", "photo"])


def gen_colour_foreign_forms():
    rng = K.rng
    for p in K.pool():
        c = cartridge(p)
        if not c:
            continue
        num, col, mid = c
        branded = rng.random() < 0.85
        fam = number_family(p, num, branded)
        rel = [x for x in fam if col in norm_words(x["title"]) and not (set(FOUR) - {col}) & set(norm_words(x["title"]))]
        if not (1 <= len(rel) <= 10) or not K.all_train(rel) or len(rel) == len(fam):
            continue
        lang = rng.choice(sorted(FORMS))
        forms = [w for w in FORMS[lang][IDX[col]] if w != col]
        if not forms:
            continue
        fc = rng.choice(forms)
        typ = rng.choice(FORMS[lang][4]) if rng.random() < 0.35 else ""
        br = brand_typed(p) if branded else ""
        n = num.lower() if rng.random() < 0.5 else num
        style = rng.random()
        if style < 0.3:  # colour (and type) before the code: "tinta negra hp 940", "gelb hp 88xl"
            q = " ".join(x for x in [typ, fc, br, n] if x)
            b = " ".join(x for x in [typ, col, br, n] if x)
        else:
            q = " ".join(x for x in [br, n, typ, fc] if x)
            b = " ".join(x for x in [br, n, typ, col] if x)
        if rng.random() < 0.15:
            q, b = q.upper(), b.upper()
        pair("colour_foreign_forms", q, b, {x["id"]: 1 for x in rel})
        if K.nq("colour_foreign_forms") >= N:
            return


SHOPPER_CM = {"cyan": [("blue", 6), ("blau", 1), ("azul", 1), ("bleu", 1), ("light blue", 1)],
              "magenta": [("red", 4), ("pink", 3), ("purple", 1), ("rot", 1), ("rojo", 1), ("rosa", 1)]}
REAL_BR = re.compile(r"\b(Blue|Red)\b")


def weighted(rng, opts):
    tot = sum(w for _, w in opts)
    r = rng.random() * tot
    for o, w in opts:
        r -= w
        if r < 0:
            return o
    return opts[-1][0]


def gen_colour_blue_red_for_cm():
    rng = K.rng
    for p in K.pool():
        c = cartridge(p)
        if not c or c[1] not in CM:
            continue
        num, col, mid = c
        branded = rng.random() < 0.9
        fam = number_family(p, num, branded)
        if any(REAL_BR.search(x["title"]) for x in fam):
            continue  # a real blue / red sibling: colour_real_blue_red
        rated = {}
        for x in fam:
            w = set(norm_words(x["title"]))
            if col in w and not (set(FOUR) - {col}) & w:
                rated[x["id"]] = 1 if w & {"light", "photo", "printhead"} else 2
        if not rated or len(rated) > 10 or not K.all_train([byid[i] for i in rated]) or len(rated) == len(fam):
            continue
        sc = weighted(rng, SHOPPER_CM[col])
        br = brand_typed(p) if branded else ""
        n = num.lower() if rng.random() < 0.5 else num
        typ = rng.choice(["", "", "ink", "ink cartridge", "toner", "cartridge"])
        if typ in ("ink", "ink cartridge") and "toner" in p["title"].lower() or typ == "toner" and "toner" not in p["title"].lower():
            typ = ""
        first = rng.random() < 0.75
        q = " ".join(x for x in ([br, n, sc, typ] if first else [br, n, typ, sc]) if x)
        b = " ".join(x for x in ([br, n, col, typ] if first else [br, n, typ, col]) if x)
        pair("colour_blue_red_for_cm", q, b, rated)
        if K.nq("colour_blue_red_for_cm") >= N:
            return


REAL_FAMILIES = [  # (brand, regex on the title after the brand, code base as shoppers type it)
    ("HP", r"^70 ", "70"), ("HP", r"^73 ", "73"), ("Canon", r"^PFI-701", "PFI-701"), ("Canon", r"^PFI-101", "PFI-101"),
    ("Canon", r"^PFI-301", "PFI-301"), ("Canon", r"^BCI-6", "BCI-6"), ("Canon", r"^CLI-8", "CLI-8"),
    ("Canon", r"^PGI-9", "PGI-9"), ("Canon", r"^CLC700 ", "CLC700"),
    ("Brother", r"^LC-800", "LC-800"),
]
ASK = {"cyan": ["cyan", "cian", "ciano", "cyaan"], "magenta": ["magenta", "purpurowy"],
       "blue": ["blue", "blau", "azul", "bleu", "blu"], "red": ["red", "rot", "rojo", "rouge", "rosso"]}


def gen_colour_real_blue_red():
    rng = K.rng
    for brand, pat, base in REAL_FAMILIES:
        fam = [x for x in bybrand[brand] if re.search(pat, x["title"][len(brand) + 1:])]
        if not fam:
            continue
        for ask in ("cyan", "magenta", "blue", "red"):
            rated = {}
            for x in fam:
                w = set(norm_words(x["title"]))
                cart = "printhead" not in w
                hit = ask in w or (ask == "red" and "chromatic" in w and "red" in w)
                if ask == "cyan" and brand == "Brother" and "blue" in w:
                    hit = True  # "Brother LC-800C ... Original Blue" is the cyan cartridge LC-800C
                if not hit:
                    continue
                plain = not (w & {"light", "photo", "pigment", "chromatic"}) and cart
                rated[x["id"]] = 2 if plain else 1
            if 2 not in rated.values() or not K.all_train([byid[i] for i in rated]):
                continue  # no cartridge of that colour ("PFI-301GY Pigment Blue" is a grey)
            model_of = {byid[i]["model"] for i, r in rated.items() if r == 2} or {byid[i]["model"] for i in rated}
            code = sorted(model_of)[0].split()[0]
            title_col = next((c for c in ["Light cyan", "Light magenta", "Cyan", "Magenta", "Blue", "Red", "Chromatic red"]
                              if any(c.lower() in byid[i]["title"].lower() for i, r in rated.items() if r == 2)), ask)
            for _ in range(3 if brand in ("HP", "Canon") else 2):
                word = rng.choice(ASK[ask]) if rng.random() < 0.35 else ask
                br = brand.lower() if rng.random() < 0.6 else brand
                b_code = base.lower() if rng.random() < 0.5 else base
                if brand == "Brother" and rng.random() < 0.5:
                    b_code = "lc800c"
                typ = rng.choice(["", "", "ink", "ink cartridge", "original"]) if brand != "Canon" or "CLC" not in base else "toner"
                q = " ".join(x for x in [br, b_code, word, typ] if x)
                bq = f"{brand} {code} {title_col}"
                pair("colour_real_blue_red", q, bq, rated)


BLURAY = re.compile(r"(?i)blu-?\s?ray|\bBD-R")
BR_PLAYER = ["blu ray player", "bluray player", "blue ray player", "blue-ray player", "blu-ray player", "blu-ray-player",
             "bluray-player", "blu-rayplayer", "blu ray"]
BR_DISC = ["blu ray disc", "bluray", "blu-rays", "blue ray disc", "blu-ray discs", "blue-ray", "blurays"]
FOREIGN_BR = {"black": [("lecteur blu-ray", "noir"), ("reproductor blu-ray", "negro"), ("lettore blu-ray", "nero"),
                        ("blu-ray player", "schwarz"), ("blu-ray speler", "zwart"), ("odtwarzacz blu-ray", "czarny")],
              "silver": [("lecteur blu-ray", "argent"), ("reproductor blu-ray", "plata"), ("blu-ray player", "silber"),
                         ("lettore blu-ray", "argento"), ("blu-ray speler", "zilver")]}


def gen_bluray_colour():
    """Three queries a product, each a different spelling of blu-ray (one in another language when the
    title names a colour)."""
    rng = K.rng
    prods = sorted([p for p in ps if BLURAY.search(p["title"]) and K.train_product(p) and p["brand"]], key=lambda x: x["id"])
    for p in prods:
        t = p["title"]
        colr = next((c for c in ["Black", "Silver", "White"] if re.search(r"\b%s\b" % c, t)), None)
        code = p["model"].split()[0] if p["model"] else ""
        if not code or not re.search(r"\d", code):
            continue
        if p["id"] in K.gkey and p["model"].strip() == code:
            rel = K.group_of(p)
        else:
            rel = [x for x in bybrand[p["brand"]] if contains_seq(norm_words(x["title"]), norm_words(code))]
        if not (1 <= len(rel) <= 10) or not K.all_train(rel):
            continue
        is_player = bool(re.search(r"(?i)player|recorder", t))
        title_br = re.search(r"(?i)blu-?\s?ray(?:\s(?:disc\s)?player|\sdisc)?", t)
        base_br = title_br.group(0).lower() if title_br else "blu-ray"
        forms = rng.sample(BR_PLAYER if is_player else BR_DISC, 3)
        if colr and colr.lower() in FOREIGN_BR and is_player:
            forms[0] = rng.choice(FOREIGN_BR[colr.lower()])
        size = re.search(r"(\d+)\s?GB", t) if "BD-R" in t else None
        for f in forms:
            br = brand_typed(p)
            c = code.lower() if rng.random() < 0.6 else code
            col = [colr.lower()] if colr else []
            sz = [size.group(1) + "gb"] if size and rng.random() < 0.5 else []
            if isinstance(f, tuple):
                q = " ".join([f[0], br, c, f[1]])
            else:
                q = " ".join([br, c, f] + col + sz)
            b = " ".join([br, c, base_br] + col + sz)
            pair("bluray_colour", q, b, {x["id"]: 1 for x in rel})


# ------------------------------------------------------------------ codes in product names
STANDARD_LETTERS = {"ddr", "pc", "rj", "rs", "ieee", "usb", "cat", "sata", "pci", "pcie", "lga", "db", "dvi", "vga", "hdmi",
                    "ide", "sas", "scsi"}
CONNECTOR_LETTERS = {"hddb", "hpdb", "vhd", "vhdci", "idc", "cen", "dms", "lfh", "telco", "atx", "tco", "dat", "hepa", "moq",
                     "eos", "mvx", "pro", "paper", "film", "pack", "hdx", "tohd"}
TWO = re.compile(r"^([a-z]{3,})(\d{2})([a-z]{0,3})$")


def name_model(p):
    m = p["model"].strip()
    return len(m.split()) >= 2 and re.search(r"[A-Za-z]{4,}", m)


def carries(x, a):
    """Whether a title or model field holds the code as a word, or as two words ("C-EXV 21")."""
    ws = [alnum(w) for w in re.split(r"[\s,;()/\[\]]+", x["title"] + " " + x["model"]) if w]
    return a in ws or a in {ws[i] + ws[i + 1] for i in range(len(ws) - 1)} or alnum(x["model"]) == a


def gen_name_code_two_digit():
    rng = K.rng
    seen = set()
    for p in K.pool():
        if not p["brand"] or not name_model(p):
            continue
        words = re.split(r"[\s,;()/\[\]]+", p["model"])[:8]
        code = None
        for w in words:
            if w.lower() in ("for", "f", "with", "replaces"):
                break
            a = alnum(w)
            m = TWO.match(a)
            if m and m.group(1) not in STANDARD_LETTERS and m.group(1) not in CONNECTOR_LETTERS and w.lower().strip("-") != a[:0]:
                code = w.strip("-:")
                break
        if not code or alnum(code) in seen:
            continue
        if re.search(r"[A-Za-z]-", code) and rng.random() < 0.6:
            continue  # hyphenated codes ("GPR-24", "LV-LP16") were read before revision 13: fewer of them
        a = alnum(code)
        if re.search(re.escape(code) + r"\s+series", p["model"], re.I):
            continue  # "SUA48 series packs": a line of packs, not one product
        branded = rng.random() < 0.6
        rel = [x for x in (bybrand[p["brand"]] if branded else ps) if carries(x, a)]
        if not (1 <= len(rel) <= 10) or not K.all_train(rel):
            continue
        seen.add(a)
        typ_m = re.search(r"(?i)\b(lamp|air filter|ribbon(?: cartridge)?|toner(?: cartridge)?|screen|ceiling mount|filter|adapter|cable|projector lamp)\b", p["model"] + " " + p["title"])
        typ = typ_m.group(1).lower() if typ_m else ""
        for _ in range(2):
            r = rng.random()
            if "-" in code and r < 0.35:
                c = code.replace("-", "").lower()
            elif "-" not in code and r < 0.2:
                m = TWO.match(a)
                c = f"{m.group(1)}-{m.group(2)}{m.group(3)}"  # a hyphen added: "erc-38b"
            elif r < 0.7:
                c = code.lower()
            else:
                c = code
            br = brand_typed(p) if branded else ""
            t = typ if rng.random() < 0.5 else ""
            q = " ".join(x for x in ([br, c, t] if rng.random() < 0.8 else [br, t, c]) if x)
            b = f"{p['brand']} {p['model']}"
            pair("name_code_two_digit", q, b, {x["id"]: 1 for x in rel})
        if K.nq("name_code_two_digit") >= N:
            return


CONN = re.compile(r"(?i)\b(db-?\d{1,2}|de-?9|hd-?15|hddb-?15|hpdb-?\d{2}|vhdci-?\d{0,2}|hd-?68|idc-?50|cen-?36|c36|"
                  r"centronics\s?36|dms-?\s?59|lfh-?\s?59|lfh-?60|rj-?\d{2}|telco-?50)\b")
SYN = {"lfh59": "dms59", "centronics36": "cen36", "c36": "cen36", "de9": "db9", "vhdci": "vhdci68"}
TYPES = ["null modem cable", "serial modem cable", "parallel printer cable", "printer cable", "modem cable",
         "gender changer", "splitter", "extension cable", "monitor cable", "vga cable", "serial cable", "coupler",
         "adapter", "patch cable", "cable"]
LEN = re.compile(r"(?i)(?<![\w.])(\d+(?:\.\d+)?)\s?-?(ft|m|in)\b\.?")


def conns(text):
    return {SYN.get(alnum(x), alnum(x)) for x in CONN.findall(text)}


def length_mm(text):
    out = []
    for v, u in LEN.findall(text):
        out.append(float(v) * {"ft": 304.8, "m": 1000, "in": 25.4}[u.lower()])
    return out


def gen_connector_code():
    rng = K.rng
    for p in K.pool():
        t = clean(p["title"])
        cs = [SYN.get(alnum(x), alnum(x)) for x in CONN.findall(t)]
        cs = list(dict.fromkeys(cs))
        if not cs or not p["brand"] or len(cs) > 2:
            continue
        if cs == ["rj45"] and rng.random() < 0.85:
            continue  # patch cables: a few only
        typ = next((ty for ty in TYPES if ty in t.lower()), None)
        if not typ:
            continue
        lens = length_mm(t)
        use_len = lens and rng.random() < 0.7
        branded = rng.random() < 0.55
        pool_ = bybrand[p["brand"]] if branded else ps
        tw = norm_words(typ)
        rel = [x for x in pool_ if set(cs) <= conns(x["title"] + " " + x["model"]) and contains_seq(norm_words(x["title"]), tw)
               and (not use_len or any(same_size(l, lens[0]) for l in length_mm(x["title"])))]
        if not (1 <= len(rel) <= 10) or p not in rel or not K.all_train(rel):
            continue
        as_title = list(dict.fromkeys(CONN.findall(t)))  # as the title writes them: "RJ-45", "Centronics 36"
        raw = [re.sub(r"\s", "", m).lower() for m in as_title]
        if rng.random() < 0.3:
            raw = [alnum(x) for x in raw]
        if "dms59" in cs and rng.random() < 0.5:
            raw = [x.replace("lfh", "dms") for x in raw]
        raw = list(dict.fromkeys(raw))
        cpart = " to ".join(raw) if len(raw) == 2 else raw[0]
        ctitle = " to ".join(as_title[:2]) if len(as_title) >= 2 else as_title[0]
        ln = ""
        if use_len:
            m = LEN.search(t)
            ln = f"{m.group(1)}{m.group(2).lower()}" if rng.random() < 0.7 else f"{m.group(1)} {m.group(2).lower()}"
        br = brand_typed(p) if branded else ""
        order = rng.random()
        if order < 0.5:
            q = " ".join(x for x in [br, ln, cpart, typ] if x)
            b = " ".join(x for x in [br, ln, ctitle, typ] if x)
        else:
            q = " ".join(x for x in [br, cpart, typ, ln] if x)
            b = " ".join(x for x in [br, ctitle, typ, ln] if x)
        pair("connector_code", q, b, {x["id"]: 1 for x in rel})
        if K.nq("connector_code") >= N:
            return


K.run([("size_other_unit", gen_size_other_unit), ("size_two_parts", gen_size_two_parts),
       ("colour_foreign_forms", gen_colour_foreign_forms), ("colour_blue_red_for_cm", gen_colour_blue_red_for_cm),
       ("colour_real_blue_red", gen_colour_real_blue_red), ("bluray_colour", gen_bluray_colour),
       ("name_code_two_digit", gen_name_code_two_digit), ("connector_code", gen_connector_code)])
K.write(controls=True)
