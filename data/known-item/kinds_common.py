"""Scaffolding shared by the known-item kind generators.

Used by reviewed-kinds/gen_kinds.py and more-, third-, fourth-, fifth- and sixth-kinds/gen.py. Every one
of them loads the Icecat catalogue, reads the known-item train/test split (data/known-item/*.csv), groups
products by (brand, code), keeps to the train part, draws each kind from its own seeded stream, collects
(query, docid, rating, type) rows and writes them as <kind>.csv. That is here; the kinds themselves, and
every helper that behaves differently from one generator to the next, stay in the generators.

Train part: products of (brand, code) groups named in a *-train.csv or in no known-item file; a group
holding a product of a *-test.csv is excluded (train_product).

A generator imports it from its parent directory:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # data/known-item
    import kinds_common as kc
Python 3 standard library only; nothing here draws a random number but through KindSet.rng.
"""
import collections
import csv
import glob
import gzip
import json
import os
import random
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def seed_arg(default):
    """The seed: the first command-line argument, else the generator's default."""
    return int(sys.argv[1]) if len(sys.argv) > 1 else default


# ------------------------------------------------------------------ words and codes
def alnum(s):
    return re.sub(r"[^0-9a-z]", "", s.lower())


def code_like(model):
    m = alnum(model)
    return 4 <= len(m) <= 20 and re.search(r"\d", m) and len(model.split()) <= 2


def clean(t):
    return t.replace("®", "").replace("™", "")


def norm_words(s):
    """The words of s, lower case, "®"/"™" dropped (reviewed- and more-kinds keep their own, without)."""
    return re.findall(r"[0-9a-z]+(?:[.,][0-9]+)?", clean(s).lower())


def contains_seq(words, seq):
    L = len(seq)
    return any(words[i:i + L] == seq for i in range(len(words) - L + 1))


def plural(w):
    if re.search(r"(ch|sh|x|ss)$", w):
        return w + "es"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ies"
    if w.endswith("s"):
        return w
    return w + "s"


def split_digits(s):
    """Digits split from the letters after them ("4port" -> "4 port"), for judging only."""
    return re.sub(r"(?<=\d)(?=[a-z])", " ", s.lower())


def ids(rel):
    return [x["id"] for x in rel]


# ------------------------------------------------------------------ the type words and colour of a title
def title_type(p):
    """Icecat titles read 'Brand Code type words Attributes': the lower-case run after the code
    (more-kinds keeps its own, which also maps capitalised types)."""
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
    if not c or len(c) > 4:
        return None
    return " ".join(c)


COLOURS = ["black", "cyan", "magenta", "yellow", "white", "blue", "red", "green", "grey", "gray", "silver"]


def title_colour(p):
    ws = [w.lower() for w in p["title"].split()]
    for c in COLOURS:
        if c in ws:
            return c
    return None


STOP = {"for", "to", "with", "and", "of", "in", "on", "the", "a", "&", "+", "-", "/", "w/", "incl", "from"}
SIZE_MODEL = re.compile(r"(?i)[\d.,]+\s?(gb|mb|tb|kb|m|cm|mm|ft|w|v|va|mah|mhz|ghz)")


# ------------------------------------------------------------------ the catalogue and its train part
class Catalogue:
    """The Icecat products, the known-item split and the (brand, code) groups."""

    def __init__(self):
        self.ps = [json.loads(l) for l in gzip.open(ROOT + "/data/icecat/products_core.jsonl.gz", "rt")]
        self.byid = {p["id"]: p for p in self.ps}
        self.test_ids, self.train_ids = set(), set()
        for f in glob.glob(ROOT + "/data/known-item/*.csv"):
            for r in csv.DictReader(open(f)):
                (self.test_ids if "-test" in f else self.train_ids).add(r["docid"])
        self.groups = collections.defaultdict(list)  # (brand, code) -> products
        for p in self.ps:
            if p["brand"] and code_like(p["model"]):
                self.groups[(alnum(p["brand"]), alnum(p["model"]))].append(p)
        self.gkey = {p["id"]: k for k, g in self.groups.items() for p in g}
        self.bad_groups = {self.gkey[i] for i in self.test_ids if i in self.gkey}
        self.bybrand = collections.defaultdict(list)
        for p in self.ps:
            self.bybrand[p["brand"]].append(p)

    def train_product(self, p):
        return p["id"] not in self.test_ids and (self.gkey.get(p["id"]) is None or self.gkey[p["id"]] not in self.bad_groups)

    def all_train(self, items):
        return all(self.train_product(x) for x in items)

    def group_of(self, p):
        return self.groups[self.gkey[p["id"]]]

    def seq_family(self, brand, seq, limit=10):
        """The brand's products whose title holds the word sequence; None when too many or not all train."""
        rel = [x for x in self.bybrand[brand] if contains_seq(norm_words(x["title"]), seq)]
        if not (1 <= len(rel) <= limit) or not self.all_train(rel):
            return None
        return rel

    def prefix_family(self, brand, pw, limit=10):
        rel = [x for x in self.bybrand[brand] if norm_words(x["title"])[:len(pw)] == pw]
        if not (1 <= len(rel) <= limit) or not self.all_train(rel):
            return None
        return rel

    def family(self, brand, qwords, normf, limit=10):
        """The brand's products whose normalised title begins with qwords; None when too many or not all train."""
        rel = [x for x in self.bybrand[brand] if normf(x["title"])[:len(qwords)] == qwords]
        if not (1 <= len(rel) <= limit) or not self.all_train(rel):
            return None
        return rel

    def prefix_rel(self, p, words, normf=norm_words):
        """Relevant for a title-prefix query: the brand's titles that begin with it, plus the product's group
        when the words hold its code."""
        rel = self.family(p["brand"], normf(" ".join(words)), normf) or []
        if p["id"] in self.gkey and p["model"] in words:
            rel = rel + self.group_of(p)
        if not rel or not self.all_train(rel):
            return None
        return list({x["id"]: x for x in rel}.values())


# ------------------------------------------------------------------ one generator's run: streams and rows
class KindSet(Catalogue):
    """The catalogue plus one generator's random stream and rows.

    rng is one random.Random for the whole run; reseed(kind) seeds it in place (the same stream as a new
    random.Random(f"{seed}-{kind}")), so a generator may bind rng = K.rng once.
    dedupe: None, every emit writes its rows; "exact", a query (spaces collapsed) is written once per
    kind; "lower", the same compared in lower case. strict: emit also asserts every docid is train part
    (not only outside the test files)."""

    def __init__(self, seed, out, dedupe=None, strict=True):
        super().__init__()
        assert dedupe in (None, "exact", "lower")
        self.seed, self.out, self.dedupe, self.strict = seed, out, dedupe, strict
        self.rng = random.Random(seed)
        self.rows = collections.defaultdict(list)
        self.seen_q = collections.defaultdict(set)
        self._coded = None

    def reseed(self, kind):
        """Each kind draws from its own stream: changing one leaves the others' queries as they were."""
        self.rng.seed(f"{self.seed}-{kind}")

    def run(self, kinds):
        """Each (name, fn) of kinds in turn, fn drawing from the stream reseeded for name."""
        for name, fn in kinds:
            self.reseed(name)
            fn()

    def emit_rated(self, kind, query, rated):
        """Rows for query, rated {docid: rating}; False when dedupe drops the query."""
        if self.dedupe:
            query = re.sub(r"\s+", " ", query).strip()
            key = query.lower() if self.dedupe == "lower" else query
            if key in self.seen_q[kind]:
                return False
            self.seen_q[kind].add(key)
        for i in sorted(rated):
            assert i not in self.test_ids and (not self.strict or self.train_product(self.byid[i])), (kind, query, i)
            self.rows[kind].append((query, i, rated[i], kind))
        return True

    def emit(self, kind, query, ids):
        """Rows for query, rating 1 for every docid of ids."""
        return self.emit_rated(kind, query, {i: 1 for i in ids})

    def emit_pair(self, kind, q, base, rel):
        """The query and, when it is new, its control (base, same relevance) as kind_control."""
        if self.emit(kind, q, ids(rel)):
            self.emit(kind + "_control", base, ids(rel))

    def nq(self, kind):
        return len({r[0] for r in self.rows[kind]})

    def write(self, controls=False):
        """<kind>.csv beside the generator for every kind (with controls, *_control kinds in control/)."""
        os.makedirs(f"{self.out}/control" if controls else self.out, exist_ok=True)
        for kind, rs in sorted(self.rows.items()):
            path = f"{self.out}/control/{kind}.csv" if controls and kind.endswith("_control") else f"{self.out}/{kind}.csv"
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["query", "docid", "rating", "type"])
                for r in rs:
                    w.writerow(r)
            print(kind, self.nq(kind), "queries", len(rs), "rows")

    # -------------------------------------------------------------- drawing products and spellings
    def pool(self):
        xs = [p for p in self.ps if self.train_product(p)]
        self.rng.shuffle(xs)
        return xs

    def coded_pool(self, drop_size_models=True):
        """Train products with a code-like model field that their title carries (by default not a bare
        size such as "8GB"; third-kinds keeps those)."""
        return [p for p in self.pool() if p["id"] in self.gkey and p["model"] in p["title"] and p["brand"]
                and not (drop_size_models and SIZE_MODEL.fullmatch(p["model"].strip()))]

    def respell(self, model):
        c = self.rng.random()
        if c < 0.4:
            return model
        if c < 0.7:
            return model.lower()
        return model.upper()

    def brand_as_typed(self, b):
        if b.endswith(".com") and self.rng.random() < 0.5:
            b = b[:-4]
        if b == "Kingston Technology" and self.rng.random() < 0.7:
            b = "Kingston"
        return b.lower() if self.rng.random() < 0.5 else b

    def shopper_prefix(self, p, kmin=3, kmax=6):
        """A title prefix a shopper types (it stops at a word, not a bare number), starting with the brand."""
        t = clean(p["title"]).split()
        if not t or t[0].lower() != p["brand"].split()[0].lower():
            return None
        k = self.rng.randint(kmin, kmax)
        if len(t) < k:
            return None
        w = t[:k]
        while w and (re.fullmatch(r"[\d.,\-/]+|\W+", w[-1]) or w[-1].lower() in STOP):
            w = w[:-1]
        if len(w) < 2 or "(" in " ".join(w) or ")" in " ".join(w):
            return None
        return w

    def code_or_prefix(self, p):
        """Brand + code (its group) or a title prefix (its title family), as a shopper types it."""
        if p["id"] in self.gkey and p["model"] in p["title"] and self.rng.random() < 0.5:
            return f"{self.brand_as_typed(p['brand'])} {self.respell(p['model'])}", self.group_of(p)
        w = self.shopper_prefix(p)
        if not w:
            return None
        rel = self.prefix_rel(p, w)
        if not rel:
            return None
        x = " ".join(w)
        return (x.lower() if self.rng.random() < 0.6 else x), rel

    def coded_by_brand(self):
        """Train products with a code their title carries and a type word, by brand (one per group)."""
        if self._coded is None:
            self._coded = collections.defaultdict(dict)
            for p in sorted(self.coded_pool(), key=lambda x: x["id"]):
                if title_type(p):
                    self._coded[p["brand"]].setdefault(self.gkey[p["id"]], p)
        return self._coded

    def sibling(self, p):
        """A sibling of p: same brand, same title type, another group whose code has p's first two
        characters and about its length."""
        a = alnum(p["model"])
        sibs = [x for k, x in sorted(self.coded_by_brand()[p["brand"]].items()) if k != self.gkey[p["id"]]
                and title_type(x) == title_type(p) and alnum(x["model"])[:2] == a[:2]
                and abs(len(alnum(x["model"])) - len(a)) <= 1]
        return self.rng.choice(sibs) if sibs else None
