#!/usr/bin/env python3
"""A third set of adversarial known-item / shopper query kinds, built only from train-part products.

Train part as in data/known-item/reviewed-kinds/gen_kinds.py and more-kinds/gen.py: products of
(brand, code) groups named in a *-train.csv or in no known-item file; a group holding a product of a
*-test.csv is excluded, and every query whose relevant set holds a test product (or a product of an
excluded group) is dropped (asserted in emit). None of the kinds below is one of the 28 earlier ones.

Kinds (query,docid,rating,type; rating 1 for the intended product(s)):
  foreign_type        brand + code + the product type (and colour) in German / French / Spanish / Dutch
                      ("HP CF280A Tonerkartusche schwarz", "imprimante Epson C11CG29402")
  brand_typo_line     a misspelled brand + the product-line words, no code ("Lenvo ThinkPad T480",
                      "Kingstom ValueRAM 4GB"); relevant: the brand's products whose title holds the words
  size_eu_format      model name + a screen size written the European / shop way ('15,6"', "15,6 Zoll",
                      "39,6 cm", "15.6''", "15.6-inch"); relevant: the name's products of that size
  word_shuffle        the title's first 4-7 words in a random order ("toner original xerox 006r90321 cartridge")
  distributor_abbrev  a distributor's / ERP line: upper case, abbreviated words ("HP CF280A TNR CRTG BLK")
  code_ocr            the code with one look-alike character (O/0, I/1, S/5, B/8, Z/2, G/6) as read off a label
  code_resegmented    the code re-segmented: other separators (".", "/", "_", " "), digit groups
                      ("006 R90 321"), a hyphen at a random place ("CF2-80A")
  question_wrapper    a shopper's sentence around a title prefix ("where can i buy the hp laserjet pro m402dn")
  glued_line_number   a product line glued to its number ("thinkpadt480", "probook450 g7", "workcentre6400")
  line_split_compound a compound line name split ("laser jet pro m402dn", "think pad t480", "power edge r640")
  alias_line          a brand alias + the line words, no code ("hewlett packard probook 450 g7", "startech
                      usb 3.0 hub", "okidata microline 320")
  type_misspelled     brand + code or line + a misspelled product type ("hp cf280a tonner", "dell latitude labtop")
  unit_spelled        a title prefix with a capacity / length spelled out ("8 gig", "1 terabyte", "2 metre")
Usage: python3 data/known-item/third-kinds/gen.py [seed]   (default seed 71; deterministic)
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
import kinds_common as kc  # the catalogue, the train part, the per-kind streams and rows of every generator
from kinds_common import alnum, clean, contains_seq, norm_words, title_colour, title_type

SEED = kc.seed_arg(71)
N = 120
OUT = os.path.dirname(os.path.abspath(__file__))

K = kc.KindSet(SEED, OUT, dedupe="exact")
groups, gkey, bybrand = K.groups, K.gkey, K.bybrand
all_train, group_of, seq_family, prefix_family = K.all_train, K.group_of, K.seq_family, K.prefix_family
rng, emit, nq, pool = K.rng, K.emit, K.nq, K.pool
respell, brand_as_typed = K.respell, K.brand_as_typed
all_codes = {k[1] for k in groups}


def coded_pool():
    """Train products with a code-like model field that their title carries (sizes such as "8GB" too)."""
    return K.coded_pool(drop_size_models=False)


# ------------------------------------------------------------------ 1. foreign product type
FOREIGN = {
    "toner cartridge": ["Toner", "Tonerkartusche", "cartouche de toner", "cartucho de tóner", "tonercartridge"],
    "ink cartridge": ["Tintenpatrone", "Druckerpatrone", "cartouche d'encre", "cartucho de tinta", "inktcartridge"],
    "notebook": ["Laptop", "ordinateur portable", "portátil", "Notebook Computer"],
    "memory module": ["Arbeitsspeicher", "RAM Speicher", "barrette mémoire", "memoria RAM", "geheugenmodule"],
    "networking cable": ["Netzwerkkabel", "LAN-Kabel", "câble réseau", "cable de red", "netwerkkabel"],
    "printer drum": ["Trommel", "Bildtrommel", "tambour", "tambor"],
    "keyboard": ["Tastatur", "clavier", "teclado", "toetsenbord"],
    "mouse": ["Maus", "souris", "ratón", "muis"],
    "headset": ["Kopfhörer mit Mikrofon", "casque micro", "auriculares"],
    "power distribution unit": ["Steckdosenleiste", "multiprise", "regleta"],
    "notebook case": ["Laptoptasche", "sacoche ordinateur", "funda portátil"],
    "usb flash drive": ["USB-Stick", "clé USB", "memoria USB"],
    "internal hard drive": ["Festplatte", "disque dur", "disco duro"],
    "internal solid state drive": ["SSD Festplatte", "disque SSD"],
    "projector lamp": ["Beamerlampe", "Projektorlampe", "lampe vidéoprojecteur"],
    "label-making tape": ["Schriftband", "ruban étiqueteuse", "cinta rotuladora"],
    "uninterruptible power supply": ["USV", "onduleur", "SAI"],
    "surge protector": ["Überspannungsschutz", "parafoudre", "protector de sobretensión"],
    "fibre optic cable": ["Glasfaserkabel", "câble fibre optique"],
    "audio cable": ["Audiokabel", "câble audio"],
    "power supply unit": ["Netzteil", "bloc d'alimentation", "fuente de alimentación"],
    "printer": ["Drucker", "imprimante", "impresora"],
    "inkjet printer": ["Tintenstrahldrucker", "imprimante jet d'encre"],
    "laser printer": ["Laserdrucker", "imprimante laser"],
    "multifunction printer": ["Multifunktionsdrucker", "imprimante multifonction"],
    "fuser": ["Fixiereinheit", "unité de fusion"],
    "print head": ["Druckkopf", "tête d'impression"],
    "graphics card": ["Grafikkarte", "carte graphique", "tarjeta gráfica"],
    "motherboard": ["Mainboard", "carte mère", "placa base"],
    "processor": ["Prozessor", "processeur", "procesador"],
    "computer monitor": ["Bildschirm", "écran", "monitor"],
    "monitor mount / stand": ["Monitorhalterung", "support écran"],
    "flat panel desk mount": ["Monitorhalterung", "support écran"],
    "network switch": ["Netzwerk-Switch", "commutateur réseau"],
    "docking station": ["Dockingstation", "station d'accueil"],
    "cable lock": ["Kabelschloss", "câble antivol"],
    "webcam": ["Webkamera", "caméra web"],
    "battery": ["Akku", "batterie", "batería"],
    "rechargeable battery": ["Akku", "pile rechargeable"],
    "power adapter/inverter": ["Netzteil", "chargeur", "cargador"],
    "cable": ["Kabel", "câble"],
    "serial cable": ["serielles Kabel", "câble série"],
    "usb cable": ["USB-Kabel", "câble USB"],
    "hdmi cable": ["HDMI-Kabel", "câble HDMI"],
    "vga cable": ["VGA-Kabel", "câble VGA"],
    "kvm cable": ["KVM-Kabel", "câble KVM"],
    "photo paper": ["Fotopapier", "papier photo"],
    "printing paper": ["Druckerpapier", "papier imprimante"],
    "label": ["Etiketten", "étiquettes"],
    "printer label": ["Etiketten", "étiquettes"],
    "self-adhesive label": ["Etiketten selbstklebend", "étiquettes adhésives"],
    "smartphone": ["Handy", "téléphone portable", "móvil"],
    "mobile phone case": ["Handyhülle", "coque téléphone", "funda móvil"],
    "projector": ["Beamer", "vidéoprojecteur", "proyector"],
    "headphones": ["Kopfhörer", "écouteurs", "auriculares"],
    "camera lens": ["Objektiv", "objectif"],
    "rack": ["Serverschrank", "baie serveur"],
    "rack accessory": ["Rack-Zubehör", "accessoire rack"],
    "interface cards/adapter": ["Schnittstellenkarte", "carte d'interface"],
    "cable gender changer": ["Adapter", "adaptateur"],
    "kvm switch": ["KVM-Umschalter", "commutateur KVM"],
    "hdd enclosure": ["Festplattengehäuse", "boîtier disque dur"],
    "printer ribbon": ["Farbband", "ruban d'impression"],
    "printer kit": ["Wartungskit", "kit de maintenance"],
    "toner collector": ["Resttonerbehälter", "collecteur de toner"],
    "waste toner container": ["Resttonerbehälter", "bac de récupération toner"],
    "tripod": ["Stativ", "trépied"],
    "fan": ["Lüfter", "ventilateur"],
    "pc": ["Computer", "ordinateur"],
    "tablet": ["Tablet-PC", "tablette"],
    "toy": ["Spielzeug", "jouet"],
    "network card": ["Netzwerkkarte", "carte réseau"],
    "networking card": ["Netzwerkkarte", "carte réseau"],
    "wireless router": ["WLAN-Router", "routeur wifi"],
    "memory card": ["Speicherkarte", "carte mémoire", "tarjeta de memoria"],
    "optical disc drive": ["DVD-Laufwerk", "lecteur DVD"],
    "blank dvd": ["DVD-Rohlinge", "DVD vierge"],
    "blank cd": ["CD-Rohlinge", "CD vierge"],
}
COLOUR_FOREIGN = {"black": ["schwarz", "noir", "negro", "zwart"], "cyan": ["cyan", "cian"],
                  "magenta": ["magenta"], "yellow": ["gelb", "jaune", "amarillo", "geel"],
                  "white": ["weiß", "blanc", "blanco", "wit"], "blue": ["blau", "bleu", "azul"],
                  "red": ["rot", "rouge", "rojo"], "green": ["grün", "vert", "verde"],
                  "grey": ["grau", "gris"], "gray": ["grau", "gris"], "silver": ["silber", "argent", "plata"]}


def gen_foreign_type():
    for p in coded_pool():
        typ = title_type(p)
        if typ not in FOREIGN:
            continue
        ft = rng.choice(FOREIGN[typ])
        code = respell(p["model"])
        b = brand_as_typed(p["brand"])
        col = title_colour(p)
        extra = [rng.choice(COLOUR_FOREIGN[col])] if col and rng.random() < 0.5 else []
        r = rng.random()
        if r < 0.45:
            parts = [b, code, ft] + extra
        elif r < 0.75:
            parts = [ft, b, code] + extra
        else:
            parts = [code, ft] + extra
        emit("foreign_type", " ".join(parts), [x["id"] for x in group_of(p)])
        if nq("foreign_type") >= N:
            return


# ------------------------------------------------------------------ 2. misspelled brand + line words
BRAND_TYPOS = {"Lenovo": ["Lenvo", "Lenova", "Lenovoo"], "Samsung": ["Samsnug", "Samsumg", "Samung"],
               "Kingston Technology": ["Kingstom", "Kinston", "Kingstone"], "Lexmark": ["Lexmarc", "Lexmak"],
               "Epson": ["Epsom", "Espon"], "Brother": ["Brothers", "Bother"], "Philips": ["Phillips", "Philps"],
               "Xerox": ["Xerux", "Zerox"], "StarTech.com": ["Startec", "Star Tec", "startek"],
               "Logitech": ["Logitec", "Logitek"], "Kensington": ["Kensingston", "Kensigton"],
               "Verbatim": ["Verbatium", "Verbatin"], "Toshiba": ["Toshibe", "Tosiba"], "Canon": ["Cannon", "Canen"],
               "Tripp Lite": ["Trip Lite", "Tripp Light", "Trippe Lite"], "KYOCERA": ["Kyoscera", "Kyocerra"],
               "Fujitsu": ["Fujistu", "Fujitsi"], "Targus": ["Targis", "Tagus"], "Sandberg": ["Sandburg"],
               "Intel": ["Intell"], "Supermicro": ["Super Micro", "Supermicr"], "Netgear": ["Netgaer", "Netger"],
               "Acer": ["Accer"], "ASUS": ["Asuss", "Asis"], "Sony": ["Sonny"], "HERMA": ["Herme"],
               "Manhattan": ["Manhatten"], "Newstar": ["Newstarr", "Nwestar"], "Vertiv": ["Vertive"],
               "Leitz": ["Leits"], "Duracell": ["Duracel", "Duracelle"], "Varta": ["Vartha"],
               "Allied Telesis": ["Allied Telesys", "Allied Telesyn"], "Panasonic": ["Panasonik", "Panasonc"],
               "Equip": ["Equipp"], "CHERRY": ["Cherri", "Chery"], "Origin Storage": ["Orgin Storage"],
               "DYMO": ["Dimo", "Dymmo"], "Zyxel": ["Zixel", "Zyxell"], "Case Logic": ["Caselogic", "Case Logik"],
               "Matrox": ["Matrix"], "Spin Master": ["Spinmaster"], "Sylvanian Families": ["Sylvannian Families"],
               "Braun": ["Brawn"], "LevelOne": ["Level One", "Levelon"]}


def damerau(w):
    i = rng.randrange(1, len(w) - 1)
    op = rng.random()
    if op < 0.3:
        return w[:i] + w[i + 1:]
    if op < 0.6 and w[i] != w[i + 1]:
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    if op < 0.8:
        return w[:i] + w[i] + w[i:]
    return w[:i] + rng.choice("aeiou") + w[i + 1:]


def line_words(p, maxw=4):
    """The title's words after the brand that name the line, up to the code, a quantity or a lower-case word."""
    t = clean(p["title"])
    if not t.lower().startswith(p["brand"].lower() + " "):
        return None
    words = t[len(p["brand"]) + 1:].split()
    mcode = alnum(p["model"])
    mid = []
    for w in words[:maxw + 1]:
        if alnum(w) == mcode or not (w[0].isupper() or w[0].isdigit()) or "(" in w \
                or re.fullmatch(r"\d+(?:[.,]\d+)?(?:GB|TB|MB|m|cm|mm|ft|W|V|VA|\")", w):
            break
        if len(alnum(w)) >= 6 and re.search(r"\d", w) and re.search(r"[A-Za-z]", w):
            break  # a part number
        mid.append(w)
    mid = mid[:maxw]
    if not mid or not any(re.fullmatch(r"[A-Za-z][A-Za-z\-]{2,}", w) for w in mid):
        return None
    return mid


def gen_brand_typo_line():
    for p in pool():
        b = p["brand"]
        if b not in BRAND_TYPOS:
            continue
        mid = line_words(p)
        if not mid or not (1 <= len(mid) <= 4) or (len(mid) == 1 and not re.search(r"\d", mid[0])):
            continue
        rel = seq_family(b, norm_words(" ".join(mid)))
        if not rel:
            continue
        bt = rng.choice(BRAND_TYPOS[b]) if rng.random() < 0.7 else damerau(b if len(b.split()) == 1 else b.split()[0]) + \
            (" " + " ".join(b.split()[1:]) if len(b.split()) > 1 else "")
        q = bt + " " + " ".join(mid)
        if rng.random() < 0.5:
            q = q.lower()
        emit("brand_typo_line", q, [x["id"] for x in rel])
        if nq("brand_typo_line") >= N:
            return


# ------------------------------------------------------------------ 3. screen sizes the European / shop way
INCH = re.compile(r'(\d+(?:\.\d+)?) cm \((\d+(?:\.\d+)?)"\)')


def inch_of(x):
    m = INCH.search(x["title"])
    return (m.group(1), m.group(2)) if m else None


def gen_size_eu_format():
    seen = set()
    for p in pool():
        sz = inch_of(p)
        if not sz:
            continue
        cm, inch = sz
        t = clean(p["title"])
        m = INCH.search(t)
        before = t[:m.start()].split()
        # model name: the words before the size, the maker's part number dropped
        mcode = alnum(p["model"])
        name = [w for w in before if alnum(w) != mcode and not (len(alnum(w)) >= 7 and re.search(r"\d", w)
                                                               and re.search(r"[A-Za-z]", w) and len(before) > 3)]
        name = name[:5]
        if len(name) < 2:
            continue
        key = (tuple(norm_words(" ".join(name))), inch)
        if key in seen:
            continue
        seen.add(key)
        nw = norm_words(" ".join(name))
        rel = [x for x in bybrand[p["brand"]] if inch_of(x) and inch_of(x)[1] == inch
               and contains_seq(norm_words(x["title"]), nw)]
        if not (1 <= len(rel) <= 10) or not all_train(rel):
            continue
        ic = inch.replace(".", ",")
        cc = cm.replace(".", ",")
        forms = [f'{ic}"', f"{ic} Zoll", f"{ic} pouces", f"{cc} cm", f"{cc}cm", f"{inch}''", f"{inch}”",
                 f"{inch}-inch", f"{inch} in.", f"{ic} inch"]
        s = rng.choice(forms)
        q = " ".join(name) + " " + s if rng.random() < 0.8 else s + " " + " ".join(name)
        if rng.random() < 0.5:
            q = q.lower()
        emit("size_eu_format", q, [x["id"] for x in rel])
        if nq("size_eu_format") >= N:
            return


# ------------------------------------------------------------------ 4. words shuffled
def gen_word_shuffle():
    for p in coded_pool():
        t = clean(p["title"]).split()
        k = rng.randint(4, 7)
        if len(t) < k:
            continue
        w = t[:k]
        if p["model"] not in w and rng.random() < 0.5:
            continue
        s = w[:]
        for _ in range(5):
            rng.shuffle(s)
            if s != w:
                break
        if s == w:
            continue
        if p["model"] in w:
            rel = group_of(p)
        else:
            rel = prefix_family(p["brand"], norm_words(" ".join(w)))
            if not rel:
                continue
        q = " ".join(s)
        if rng.random() < 0.6:
            q = q.lower()
        emit("word_shuffle", q, [x["id"] for x in rel])
        if nq("word_shuffle") >= N:
            return


# ------------------------------------------------------------------ 5. distributor abbreviations
ABBR = {"toner": ["TNR"], "cartridge": ["CRTG", "CART", "CTG"], "black": ["BLK", "BK"], "cyan": ["CYN", "CY"],
        "magenta": ["MAG", "MG"], "yellow": ["YLW", "YEL", "YL"], "notebook": ["NB", "NTBK"], "monitor": ["MON"],
        "keyboard": ["KBD", "KB"], "wireless": ["WRLS", "WL"], "cable": ["CBL"], "adapter": ["ADPT", "ADPTR"],
        "battery": ["BATT", "BAT"], "memory": ["MEM"], "module": ["MOD"], "printer": ["PRNTR", "PRT"],
        "network": ["NTWK", "NW"], "networking": ["NTWK"], "replacement": ["REPL"], "original": ["ORIG", "OEM"],
        "standard": ["STD"], "capacity": ["CAP"], "high": ["HI"], "yield": ["YLD"], "drum": ["DRM"],
        "ink": ["INK"], "unit": ["UNT"], "power": ["PWR"], "supply": ["SUP"], "white": ["WHT", "WH"],
        "silver": ["SLV", "SLVR"], "grey": ["GRY"], "gray": ["GRY"], "blue": ["BLU"], "red": ["RD"],
        "green": ["GRN"], "label": ["LBL"], "labels": ["LBLS"], "paper": ["PPR"], "projector": ["PROJ"],
        "lamp": ["LMP"], "mouse": ["MSE"], "optical": ["OPT"], "laser": ["LSR"], "professional": ["PRO"],
        "extension": ["EXT"], "female": ["F"], "male": ["M"], "switch": ["SW"], "management": ["MGMT"],
        "software": ["SW"], "license": ["LIC"], "warranty": ["WTY"], "service": ["SVC"], "kit": ["KT"],
        "maintenance": ["MAINT"], "fuser": ["FSR"], "photo": ["PHT"], "glossy": ["GLSY"], "pack": ["PK"],
        "pc(s)": ["PK"], "case": ["CS"], "bag": ["BG"], "screen": ["SCRN"], "protector": ["PROT"],
        "headset": ["HDST"], "charger": ["CHGR"], "rack": ["RK"], "mount": ["MNT"], "shelf": ["SHLF"]}


def gen_distributor_abbrev():
    for p in coded_pool():
        t = clean(p["title"]).split()[:10]
        out, n = [], 0
        for w in t:
            lw = w.lower()
            if lw in ABBR and (rng.random() < 0.85):
                out.append(rng.choice(ABBR[lw]))
                n += 1
            elif re.fullmatch(r"\d+(?:\.\d+)?", w) or "(" in w or ")" in w or w in ("-", "/"):
                continue
            else:
                out.append(w.upper())
        if n < 2 or p["model"].upper() not in out:
            continue
        # distributors put the brand and code first, then the abbreviated kind and colour
        q = " ".join(out[:rng.randint(4, 8)]) if len(out) > 4 else " ".join(out)
        if p["model"].upper() not in q.split() or sum(1 for w in q.split() if w in sum(ABBR.values(), [])) < 1:
            continue
        emit("distributor_abbrev", q, [x["id"] for x in group_of(p)])
        if nq("distributor_abbrev") >= N:
            return


# ------------------------------------------------------------------ 6. look-alike characters in the code
OCR = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "2": "Z",
       "G": "6", "6": "G", "l": "1"}


def gen_code_ocr():
    for p in coded_pool():
        m = p["model"]
        if len(alnum(m)) < 5 or " " in m.strip():
            continue
        idx = [i for i, ch in enumerate(m) if ch.upper() in OCR or ch in OCR]
        if not idx:
            continue
        i = rng.choice(idx)
        ch = m[i]
        rep = OCR.get(ch) or OCR[ch.upper()]
        typo = m[:i] + rep + m[i + 1:]
        if alnum(typo) in all_codes:
            continue
        r = rng.random()
        q = typo if r < 0.35 else f"{brand_as_typed(p['brand'])} {typo}" if r < 0.8 else \
            f"{brand_as_typed(p['brand'])} {typo} {title_type(p) or ''}"
        if rng.random() < 0.3:
            q = q.lower()
        emit("code_ocr", q, [x["id"] for x in group_of(p)])
        if nq("code_ocr") >= N:
            return


# ------------------------------------------------------------------ 7. code re-segmented
def gen_code_resegmented():
    for p in coded_pool():
        m = p["model"]
        a = re.sub(r"[^0-9A-Za-z]", "", m)
        if len(a) < 6 or " " in m:
            continue
        r = rng.random()
        if re.search(r"[-/.]", m) and r < 0.4:
            q0 = re.sub(r"[-/.]", rng.choice([".", "/", "_", " "]), m)
        elif r < 0.7:
            g = rng.choice([3, 4])
            q0 = rng.choice([" ", "-"]).join(a[i:i + g] for i in range(0, len(a), g))
        else:
            j = rng.randrange(2, len(a) - 1)
            q0 = a[:j] + rng.choice(["-", " ", "."]) + a[j:]
        if q0 == m or alnum(q0) != alnum(m):
            continue
        r = rng.random()
        q = q0 if r < 0.3 else f"{brand_as_typed(p['brand'])} {q0}" if r < 0.75 else \
            f"{brand_as_typed(p['brand'])} {q0} {title_type(p) or ''}"
        if rng.random() < 0.3:
            q = q.lower()
        emit("code_resegmented", q, [x["id"] for x in group_of(p)])
        if nq("code_resegmented") >= N:
            return


# ------------------------------------------------------------------ 8. a shopper's sentence
WRAP = ["where can i buy {x}", "how much is the {x}", "{x} price", "price of {x}", "is the {x} in stock",
        "looking for {x}", "i need a {x}", "do you have the {x}", "{x} for sale", "cheapest {x}",
        "{x} near me", "i want to buy {x}", "{x} where to buy", "can i order {x} online", "{x} deals",
        "{x} how much", "buy {x} online", "what is the price of {x}", "searching for a {x}", "{x} available?"]


def gen_question_wrapper():
    for p in pool():
        t = clean(p["title"]).split()
        k = rng.randint(3, 6)
        if len(t) < k or not t[0].lower() == p["brand"].split()[0].lower():
            continue
        w = t[:k]
        while w and re.fullmatch(r"[\d.,\-/]+|\W+", w[-1]):
            w = w[:-1]  # a shopper stops at a word, not at a bare number
        if len(w) < 3 or "(" in " ".join(w):
            continue
        if p["id"] in gkey and p["model"] in w:
            rel = group_of(p)
        else:
            rel = prefix_family(p["brand"], norm_words(" ".join(w)))
            if not rel:
                continue
        x = " ".join(w)
        if rng.random() < 0.7:
            x = x.lower()
        emit("question_wrapper", rng.choice(WRAP).format(x=x), [y["id"] for y in rel])
        if nq("question_wrapper") >= N:
            return


# ------------------------------------------------------------------ 9 + 10. line glued to its number / compound split
def line_pairs(p):
    """(index, word) of title words that start a line name followed by a word with a digit."""
    t = clean(p["title"]).split()
    out = []
    for i in range(min(len(t) - 1, 6)):
        w, nx = t[i], t[i + 1]
        # a line name: right after the brand, or a compound (ThinkPad, ProBook); its number short (T480, 450, G7)
        if (i == len(p["brand"].split()) or re.fullmatch(r"[A-Z][a-z]+[A-Z][a-z]+", w)) \
                and re.fullmatch(r"[A-Z][A-Za-z]{2,}", w) and re.search(r"\d", nx) and re.fullmatch(r"[A-Za-z0-9\-]{1,6}", nx) \
                and not re.fullmatch(r"\d+(?:GB|TB|MB|m|W|V|VA|cm|mm|ft)", nx) and w.lower() != p["brand"].lower() \
                and w.lower() not in ("for", "with", "and", "pack", "cable", "black", "white", "cyan", "magenta",
                                      "yellow", "usb", "type", "cat", "series"):
            out.append((i, t))
    return out


def gen_glued_line_number():
    for p in pool():
        lp = line_pairs(p)
        if not lp:
            continue
        i, t = rng.choice(lp)
        glued = t[i] + t[i + 1]
        tail = []
        if i + 2 < len(t) and re.fullmatch(r"[A-Z]?\d{1,2}|G\d|Pro|Plus|Mini|Max|Lite", t[i + 2]):
            tail = [t[i + 2]]
        seq = norm_words(" ".join(t[i:i + 2] + tail))
        rel = seq_family(p["brand"], seq, 15)
        if not rel:
            continue
        parts = ([brand_as_typed(p["brand"])] if rng.random() < 0.6 else []) + [glued] + tail
        q = " ".join(parts)
        if rng.random() < 0.6:
            q = q.lower()
        emit("glued_line_number", q, [x["id"] for x in rel])
        if nq("glued_line_number") >= N:
            return


CAMEL = re.compile(r"^([A-Z][a-z]+)([A-Z][a-z]+)$")


def gen_line_split_compound():
    for p in pool():
        t = clean(p["title"]).split()
        idx = [i for i, w in enumerate(t[:6]) if CAMEL.match(w) and w.lower() != alnum(p["brand"])]
        if not idx:
            continue
        i = rng.choice(idx)
        k = 1
        while i + k < len(t) and k < 3 and not re.search(r"\d", t[i + k - 1]) and re.fullmatch(r"[A-Za-z0-9\-]+", t[i + k]):
            k += 1
        words = t[i:i + k]
        if len(words) < 2 or "(" in " ".join(words):
            continue
        seq = norm_words(" ".join(words))
        rel = seq_family(p["brand"], seq, 15)
        if not rel:
            continue
        m = CAMEL.match(t[i])
        split = m.group(1) + " " + m.group(2)
        parts = ([brand_as_typed(p["brand"])] if rng.random() < 0.6 else []) + [split] + words[1:]
        q = " ".join(parts)
        if rng.random() < 0.6:
            q = q.lower()
        emit("line_split_compound", q, [x["id"] for x in rel])
        if nq("line_split_compound") >= N:
            return


# ------------------------------------------------------------------ 11. brand alias + line words
ALIAS = {"HP": ["Hewlett Packard", "Hewlett-Packard", "HP Inc", "HPE"], "StarTech.com": ["Startech", "Star Tech"],
         "C2G": ["Cables to Go", "Cables2Go"], "Tripp Lite": ["TrippLite", "Tripp-Lite", "Eaton Tripp Lite"],
         "APC": ["Schneider Electric APC", "American Power Conversion", "APC by Schneider"],
         "Kingston Technology": ["Kingston"], "OKI": ["Okidata"], "Xerox": ["Fuji Xerox"],
         "KYOCERA": ["Kyocera Mita"], "Epson": ["Seiko Epson"], "TP-LINK": ["TPLink", "TP Link"],
         "D-Link": ["DLink", "D Link"], "Allied Telesis": ["Allied Telesyn"], "DELL": ["Dell Technologies", "Dell Inc"],
         "Samsung": ["Samsung Electronics"], "Lenovo": ["IBM Lenovo"], "HyperX": ["Kingston HyperX"],
         "Vertiv": ["Vertiv Avocent", "Emerson"], "Fujitsu": ["Fujitsu Siemens"], "Philips": ["Philips Electronics"],
         "Sony": ["Sony Electronics"], "Toshiba": ["Dynabook"], "Origin Storage": ["Origin"], "Logitech": ["Logi"],
         "Canon": ["Canon Inc"], "Brother": ["Brother Industries"], "Intel": ["Intel Corporation"],
         "Supermicro": ["Super Micro", "SuperMicro Computer"], "CHERRY": ["Cherry GmbH"], "DYMO": ["Dymo by Newell"]}


def gen_alias_line():
    for p in pool():
        b = p["brand"]
        if b not in ALIAS:
            continue
        mid = line_words(p)
        if not mid or not (1 <= len(mid) <= 4):
            continue
        rel = seq_family(b, norm_words(" ".join(mid)))
        if not rel:
            continue
        q = rng.choice(ALIAS[b]) + " " + " ".join(mid)
        if rng.random() < 0.5:
            q = q.lower()
        emit("alias_line", q, [x["id"] for x in rel])
        if nq("alias_line") >= N:
            return


# ------------------------------------------------------------------ 12. misspelled product type
MISSPELL = {"toner": ["tonner", "tonor", "toners"], "cartridge": ["cartrige", "catridge", "cartidge", "cartridges"],
            "keyboard": ["keybord", "keyboad", "keybaord"], "monitor": ["moniter", "monitr"],
            "notebook": ["labtop", "notbook", "noteboook", "laptop"], "printer": ["priner", "printter", "prnter"],
            "mouse": ["mause", "mous"], "headset": ["hedset", "head set"], "adapter": ["adaptor", "adpater"],
            "cable": ["cabel", "cables", "cabl"], "battery": ["battey", "batery", "batteries"],
            "memory": ["memmory", "memery"], "projector": ["projecter", "proyector"], "lamp": ["lamb", "lamps"],
            "drum": ["drumm", "drums"], "ink": ["inc", "inks"], "switch": ["swich", "switsh"],
            "processor": ["procesor", "proccessor"], "charger": ["charjer", "chager"], "label": ["lable", "labels"],
            "ribbon": ["ribon", "ribbons"], "tape": ["tap", "tapes"], "paper": ["papper"], "case": ["cse", "cases"],
            "tablet": ["tabet", "tablett"], "fuser": ["fusser", "fuzer"], "module": ["modul", "modules"],
            "headphones": ["headphone", "hedphones"], "speaker": ["speeker", "speakers"], "camera": ["camra", "camara"],
            "router": ["rooter", "routers"], "webcam": ["web cam", "webcamera"], "server": ["sever", "servers"]}


def gen_type_misspelled():
    for p in coded_pool():
        typ = title_type(p)
        if not typ:
            continue
        tw = typ.split()
        hits = [j for j, w in enumerate(tw) if w in MISSPELL]
        if not hits:
            continue
        j = rng.choice(hits)
        tw2 = tw[:]
        tw2[j] = rng.choice(MISSPELL[tw[j]])
        if rng.random() < 0.5 and len(tw2) > 1:
            tw2 = [tw2[j]] if rng.random() < 0.5 else tw2
        b = brand_as_typed(p["brand"])
        mid = line_words(p)
        if mid and rng.random() < 0.5 and len(mid) >= 1:
            # no code: the line words and the type
            rel = seq_family(p["brand"], norm_words(" ".join(mid)))
            if not rel:
                continue
            rel = [x for x in rel if typ in clean(x["title"]).lower()]
            if not rel:
                continue
            q = f"{b} {' '.join(mid)} {' '.join(tw2)}"
        else:
            rel = group_of(p)
            q = f"{b} {respell(p['model'])} {' '.join(tw2)}" if rng.random() < 0.7 else f"{' '.join(tw2)} {b} {respell(p['model'])}"
        if rng.random() < 0.5:
            q = q.lower()
        emit("type_misspelled", q, [x["id"] for x in rel])
        if nq("type_misspelled") >= N:
            return


# ------------------------------------------------------------------ 13. units spelled out
QTY = re.compile(r'(?<![\w.,])(\d+(?:\.\d+)?)\s?(TB|GB|MB|m|W|ft|mAh)(?![\w])')


def spelled(v, u):
    if u == "GB":
        return rng.choice([f"{v} gig", f"{v}gig", f"{v} gigabyte", f"{v} gigabytes", f"{v} gbyte", f"{v}g"])
    if u == "TB":
        return rng.choice([f"{v} terabyte", f"{v} tera", f"{v}tera", f"{v} terabytes", f"{v} tbyte"])
    if u == "MB":
        return rng.choice([f"{v} megabyte", f"{v} meg", f"{v}meg"])
    if u == "m":
        return rng.choice([f"{v} metre", f"{v} metres", f"{v} mtr", f"{v}mtr", f"{v} meters"])
    if u == "W":
        return rng.choice([f"{v} watts", f"{v}watt", f"{v} wattage"])
    if u == "ft":
        return rng.choice([f"{v} foot", f"{v}foot", f"{v} feet long"])
    if u == "mAh":
        return rng.choice([f"{v} mah", f"{v} milliamp"])
    return None


def qnorm(s):
    s = clean(s).lower()
    s = re.sub(r"(\d)\s+(tb|gb|mb|ft|m|w|mah)\b", r"\1\2", s)
    return norm_words(s)


def gen_unit_spelled():
    seen = set()
    for p in pool():
        t = clean(p["title"])
        m = QTY.search(t)
        if not m:
            continue
        before = t[:m.start()].split()
        if not (2 <= len(before) <= 7):
            continue
        pw = qnorm(t[:m.end()])
        if tuple(pw) in seen:
            continue
        seen.add(tuple(pw))
        rel = [x for x in bybrand[p["brand"]] if qnorm(x["title"])[:len(pw)] == pw]
        if not (1 <= len(rel) <= 10) or not all_train(rel):
            continue
        after = t[m.end():].split()[: rng.randint(0, 2)]
        after = [w for w in after if "(" not in w]
        q = " ".join(before + [spelled(m.group(1), m.group(2))] + after)
        if rng.random() < 0.5:
            q = q.lower()
        emit("unit_spelled", q, [x["id"] for x in rel])
        if nq("unit_spelled") >= N:
            return


KINDS = [("foreign_type", gen_foreign_type), ("brand_typo_line", gen_brand_typo_line),
         ("size_eu_format", gen_size_eu_format), ("word_shuffle", gen_word_shuffle),
         ("distributor_abbrev", gen_distributor_abbrev), ("code_ocr", gen_code_ocr),
         ("code_resegmented", gen_code_resegmented), ("question_wrapper", gen_question_wrapper),
         ("glued_line_number", gen_glued_line_number), ("line_split_compound", gen_line_split_compound),
         ("alias_line", gen_alias_line), ("type_misspelled", gen_type_misspelled),
         ("unit_spelled", gen_unit_spelled)]
K.run(KINDS)
K.write()
