#!/usr/bin/env python3
"""Controls for alias_line and brand_typo_line: the same queries with the catalogue's own brand
(relevance unchanged), to tell the brand's spelling from the code-less line words as the cause of
a loss. Writes control/<kind>_control.csv. Run after gen.py. Queries whose line words could not be
re-found behind the brand in the title are left out."""
import csv
import gzip
import json
import os

OUT = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(OUT, "..", "..", ".."))
byid = {}
for line in gzip.open(ROOT + "/data/icecat/products_core.jsonl.gz", "rt"):
    p = json.loads(line)
    byid[p["id"]] = p
os.makedirs(OUT + "/control", exist_ok=True)
for kind in ["alias_line", "brand_typo_line"]:
    rows = list(csv.DictReader(open(f"{OUT}/{kind}.csv")))
    first = {}
    for r in rows:
        first.setdefault(r["query"], r["docid"])
    with open(f"{OUT}/control/{kind}_control.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["query", "docid", "rating", "type"])
        for r in rows:
            q = r["query"]
            p = byid[first[q]]
            b = p["brand"]
            rest = p["title"][len(b) + 1:].lower().replace("®", "").replace("™", "")
            ws = q.split()
            tail = next((" ".join(ws[i:]) for i in range(1, len(ws)) if rest.startswith(" ".join(ws[i:]).lower())), None)
            if tail is None:
                continue
            w.writerow([(b.lower() if q == q.lower() else b) + " " + tail, r["docid"], 1, kind + "_control"])
