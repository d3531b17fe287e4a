#!/usr/bin/env python3
"""Build the medication vocabulary of the safety screen from authoritative value sets.

    .venv/bin/python scripts/build_vocabulary.py [SHARED_DATA_DIR] [--non-opioids PATH]

SHARED_DATA_DIR defaults to ``../shared/data`` relative to the repository root and must hold
``opioid-valuesets/`` (CDC Opioid Prescribing Support IG value sets, CC0 1.0, from
cqframework/opioid-cds-r4; NLM VSAC copies, Apache-2.0, from smart-on-fhir/cumulus-library-opioid).
The input JSON files are read, never copied into the repository.

Writes, under ``src/ldnderm/data/safety/vocabulary/``:

- ``valuesets.yaml``: every RxNorm concept of the medication value sets (RxCUI -> display, parsed
  ingredients, bracketed brand names, the sets it is in), the role of each ingredient, and per
  input file its name, ValueSet url/version/date/expansion and SHA-256.
- ``non_opioids.yaml``: the known non-opioid names (lower-cased) and RxNorm codes. With
  ``--non-opioids PATH`` they are read from the research file (``non_opioids.json``: DrugBank open
  vocabulary, CC0, filtered to the DrugBank ids that drug-named-entity-recognition 2.0.9, MIT,
  links to a MedlinePlus or NHS page); without it the committed file is re-read and re-checked.

Parsing of the RxNorm displays (as first worked out in the research for this vocabulary):
components split on " / ", the strength ends an ingredient, salt words are stripped for the base
name, strengthless displays are resolved against names learnt from displays with strengths, and
brand-only concepts against the bracketed brands. Nothing is guessed: an unresolved concept keeps
no ingredient and is listed.

The build FAILS (exit 1) when a name or code would be both an opioid (or antagonist) and a known
non-opioid, when an opioid ingredient of the value sets has no class in ``opioids.yaml``, or when
an expected sentinel concept is missing. Output is sorted and has no timestamp, so it is
reproducible.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "src" / "ldnderm" / "data" / "safety" / "vocabulary"
OPIOIDS_YAML = REPO / "src" / "ldnderm" / "data" / "safety" / "opioids.yaml"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"

# Input files: (directory, file, registry source id, licence, upstream repository and commit).
CDC = ("cqframework-opioid-cds-r4", "CC0-1.0", "github.com/cqframework/opioid-cds-r4",
       "b29bdcbf6db6f3de26486dbc3820572ee9a78b89")
VSAC = ("cumulus-library-opioid", "Apache-2.0", "github.com/smart-on-fhir/cumulus-library-opioid",
        "134eccdc5d9a0294fa0df6ad8a0763722324450b")
INPUTS: list[tuple[tuple[str, str, str, str], str, str]] = [
    (CDC, "archive-opioid-analgesics-with-ambulatory-misuse-potential.json", "cdc-opioid-analgesics-misuse"),
    (CDC, "opioid-analgesics-with-ambulatory-misuse-potential.json", "cdc-opioid-analgesics-misuse"),
    (CDC, "buprenorphine-and-methadone-medications.json", "cdc-buprenorphine-methadone"),
    (CDC, "buprenorphine-medications.json", "cdc-buprenorphine-medications"),
    (CDC, "extended-release-opioid-with-ambulatory-misuse-potential.json", "cdc-extended-release-opioids"),
    (CDC, "fentanyl-type-medications.json", "cdc-fentanyl-type-medications"),
    (CDC, "methadone-medications.json", "cdc-methadone-medications"),
    (CDC, "naloxone-medications.json", "cdc-naloxone-medications"),
    (CDC, "non-synthetic-opioid-medications.json", "cdc-non-synthetic-opioids"),
    (CDC, "oxycodone-medications.json", "cdc-oxycodone-medications"),
    (CDC, "synthetic-opioid-medications.json", "cdc-synthetic-opioids"),
    (VSAC, "valueset_rx_opioid.json", "vsac-opioids"),
    (VSAC, "valueset_rx_buprenorphine.json", "vsac-buprenorphine"),
    (VSAC, "valueset_rx_naloxone.json", "vsac-naloxone"),
]
# Concepts that must be present after parsing (a refresh that loses them is a fault).
SENTINELS = {"1790528": "oxycodone", "1237052": "fentanyl", "836396": "tramadol"}

SALT_WORDS = {
    "hydrochloride", "hcl", "bitartrate", "phosphate", "sulfate", "sulphate", "citrate", "tartrate",
    "hydrobromide", "mesylate", "maleate", "napsylate", "polistirex", "tannate", "acetate", "bromide",
    "methylbromide", "methylnitrate", "dihydrate", "anhydrous", "liposomal", "base", "succinate",
    "pamoate", "camsylate", "terephthalate", "myristate", "palmitate", "sodium", "potassium",
    "calcium", "magnesium", "fumarate", "lactate", "gluconate", "monohydrate", "trihydrate",
    "hemihydrate", "pentahydrate", "chloride", "nitrate", "besylate", "salicylate",
}
LEAD_PREFIX = re.compile(
    r"^(?:(?:\d+(?:\.\d+)?\s+(?:HR|ML|ACTUAT|MG|MCG|G|L)|Abuse-Deterrent|Matrix Delivery)\s+)+", re.I
)
STRENGTH = re.compile(
    r"\s\d+(?:\.\d+)?\s*(?:MG|MCG|G|ML|UNT|MEQ|%|MG/ML|MCG/ML|MG/HR|MCG/HR|MG/ACTUAT|MCG/ACTUAT)\b",
    re.I,
)
BRACKET = re.compile(r"\[([^\[\]]+)\]")
BRAND_STRENGTH_TAIL = re.compile(r"\s+\d+(?:\.\d+)?\s*(?:MG|MCG|G|ML)(?:/\S+)?(?:\s.*)?$", re.I)
ANTAGONISTS = ("naltrexone", "naloxone", "nalmefene", "samidorphan")
# Hand-checked: an opioid that never appears alone in the sets (research report, task 1).
OPIOID_OVERRIDES = {"benzhydrocodone"}
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> tuple[str, ...]:
    """Same folding as ldnderm.safety.opioids.normalise (kept stdlib-only here)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return tuple(_WORD.findall(ascii_text.lower()))


def concepts_of(vs: dict[str, Any]) -> list[dict[str, str]]:
    contains = vs.get("expansion", {}).get("contains", [])
    if contains:
        return [
            {"rxcui": c["code"], "display": c.get("display", "")}
            for c in contains
            if c.get("system") == RXNORM
        ]
    return [
        {"rxcui": c["code"], "display": c.get("display", "")}
        for inc in vs.get("compose", {}).get("include", [])
        if inc.get("system") == RXNORM
        for c in inc.get("concept", [])
    ]


def base_name(raw: str) -> str:
    ws = raw.lower().split()
    while len(ws) > 1 and ws[-1] in SALT_WORDS:
        ws.pop()
    return " ".join(ws)


def brands_of(display: str) -> list[str]:
    out: list[str] = []
    for b in BRACKET.findall(display):
        b = b.strip()
        b2 = BRAND_STRENGTH_TAIL.sub("", b).strip()
        for name in (b, b2):
            if name and name not in out:
                out.append(name)
    return out


def strip_display(display: str) -> str:
    d = BRACKET.sub(" ", display).replace("{", " ").replace("}", " ")
    d = re.sub(r"\b\d+\s*\(", " ", d).replace(")", " ")
    d = re.sub(r"\bPack\b", " ", d)
    return re.sub(r"\s+", " ", d).strip()


def components_with_strength(text: str) -> list[str] | None:
    names = []
    for i, p in enumerate(x.strip() for x in text.split(" / ")):
        p = LEAD_PREFIX.sub("", p) if i == 0 else p
        m = STRENGTH.search(" " + p)
        if not m:
            return None
        names.append((" " + p)[: m.start()].strip())
    return names


def resolve_strengthless(text: str, vocab: list[str]) -> list[str] | None:
    text = LEAD_PREFIX.sub("", text).strip()
    found = []
    for p in (x.strip() for x in text.split(" / ")):
        low = p.lower()
        hit = next((v for v in vocab if low == v or low.startswith(v + " ")), None)
        if hit is None:
            return None
        found.append(hit)
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_valuesets(shared: Path) -> tuple[dict[str, Any], list[str]]:
    root = shared / "opioid-valuesets"
    loaded: dict[str, tuple[Path, dict[str, Any]]] = {}
    for (d, _lic, _repo, _commit), name, _sid in INPUTS:
        path = root / d / name
        if not path.is_file():
            raise SystemExit(f"build_vocabulary: missing input {path}")
        loaded[f"{d}/{name}"] = (path, json.loads(path.read_text(encoding="utf-8")))
    vocab_raw: set[str] = set()
    all_brands: set[str] = set()
    for _path, vs in loaded.values():
        for c in concepts_of(vs):
            comps = components_with_strength(strip_display(c["display"]))
            if comps:
                vocab_raw.update(x.lower() for x in comps)
            all_brands.update(b.lower() for b in brands_of(c["display"]))
    vocab = sorted(vocab_raw | {base_name(v) for v in vocab_raw}, key=lambda s: (-len(s), s))
    brand_order = sorted(all_brands, key=len, reverse=True)

    inputs: list[dict[str, Any]] = []
    concepts: dict[str, dict[str, Any]] = {}
    unresolved: list[str] = []
    for ((d, lic, repo, commit), name, sid) in INPUTS:
        path, vs = loaded[f"{d}/{name}"]
        exp = vs.get("expansion", {})
        exp_version = next(
            (p.get("valueString") for p in exp.get("parameter", []) if p.get("name") == "version"),
            None,
        )
        rows = concepts_of(vs)
        inputs.append(
            {
                "file": f"opioid-valuesets/{d}/{name}",
                "source": sid,
                "licence": lic,
                "repository": repo,
                "commit": commit,
                "title": vs.get("title") or vs.get("name"),
                "url": vs.get("url"),
                "version": vs.get("version"),
                "date": vs.get("date"),
                "expansion_timestamp": exp.get("timestamp"),
                "expansion_version": exp_version,
                "sha256": sha256(path),
                "concepts": len(rows),
            }
        )
        for c in rows:
            disp = c["display"]
            text = strip_display(disp)
            brands = brands_of(disp)
            comps = components_with_strength(text) or resolve_strengthless(text, vocab)
            if comps is None and not BRACKET.search(disp):
                low = text.lower()
                hit = next((b for b in brand_order if low == b or low.startswith(b + " ")), None)
                if hit is not None:
                    comps, brands = [], [text[: len(hit)]]
            entry = concepts.setdefault(
                c["rxcui"], {"display": disp, "ingredients": [], "brands": [], "sets": []}
            )
            if comps is None and not brands:
                unresolved.append(f"{c['rxcui']} {disp} ({name})")
            for x in comps or []:
                b = base_name(x)
                if b not in entry["ingredients"]:
                    entry["ingredients"].append(b)
            for b in brands:
                if b not in entry["brands"]:
                    entry["brands"].append(b)
            if sid not in entry["sets"]:
                entry["sets"].append(sid)
    # Brand-only concepts ("Abstral"): ingredients of the same brand elsewhere.
    by_brand: dict[str, list[str]] = defaultdict(list)
    for e in concepts.values():
        for b in e["brands"]:
            for i in e["ingredients"]:
                if i not in by_brand[b.lower()]:
                    by_brand[b.lower()].append(i)
    for e in concepts.values():
        if not e["ingredients"]:
            for b in e["brands"]:
                e["ingredients"] += [i for i in by_brand[b.lower()] if i not in e["ingredients"]]
    alone = {e["ingredients"][0] for e in concepts.values() if len(e["ingredients"]) == 1}
    roles: dict[str, str] = {}
    for e in concepts.values():
        for i in e["ingredients"]:
            if any(a in i for a in ANTAGONISTS):
                roles[i] = "antagonist"
            elif i in OPIOID_OVERRIDES or i in alone:
                roles[i] = "opioid"
            else:
                roles[i] = "co_ingredient"
    # Ingredients that only ever appear beside an opioid in an opioid value set
    # but also alone in the naloxone sets are antagonists by name; keep the rule above.
    for code, ing in SENTINELS.items():
        if ing not in concepts.get(code, {}).get("ingredients", []):
            raise SystemExit(f"build_vocabulary: sentinel {code} ({ing}) missing after parsing")
    doc = {
        "inputs": inputs,
        "roles": dict(sorted(roles.items())),
        "unresolved": sorted(unresolved),
        "concepts": {k: concepts[k] for k in sorted(concepts, key=int)},
    }
    return doc, unresolved


def read_non_opioids(path: Path | None) -> dict[str, Any]:
    if path is None:
        committed = yaml.safe_load((OUT_DIR / "non_opioids.yaml").read_text(encoding="utf-8"))
        return {
            "input": committed["input"],
            "names": committed["names"],
            "rxnorm": committed["rxnorm"],
        }
    rows = json.loads(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    rxnorm: dict[str, str] = {}
    for r in rows:
        main = " ".join(words(r["name"]))
        for n in (r["name"], *r.get("synonyms", [])):
            w = " ".join(words(n))
            if w:
                names.add(w)
        if r.get("rxnorm"):
            rxnorm[str(r["rxnorm"])] = main
        for p in r.get("rxnorm_products") or []:
            rxnorm[str(p["rxcui"])] = main
    return {
        "input": {
            "file": path.name,
            "sha256": sha256(path),
            "entries": len(rows),
        },
        "names": sorted(names),
        "rxnorm": dict(sorted(rxnorm.items(), key=lambda kv: int(kv[0]))),
    }


def opioid_side(vs_doc: dict[str, Any], hand: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """Every opioid/antagonist name (normalised) with where it came from, and every such code."""
    names: dict[str, str] = {}
    codes: set[str] = set()
    roles = vs_doc["roles"]
    for code, e in vs_doc["concepts"].items():
        kinds = {roles.get(i) for i in e["ingredients"]}
        if "opioid" in kinds:
            codes.add(code)
        if "opioid" in kinds:
            for b in e["brands"]:
                names[" ".join(words(b))] = f"value-set brand {b}"
    for ing, role in roles.items():
        if role == "opioid":  # value-set antagonists are rescue naloxone/nalmefene: see opioids.yaml
            names[" ".join(words(ing))] = f"value-set ingredient {ing}"
    for i in hand.get("ingredients", []):
        for n in (i["name"], *i.get("synonyms", []), *i.get("brands", [])):
            names[" ".join(words(n))] = f"opioids.yaml ingredient {i['name']}"
        if i.get("rxnorm"):
            codes.add(str(i["rxnorm"]))
    for b in hand.get("brand_names", []):
        names[" ".join(words(b["name"]))] = f"opioids.yaml brand {b['name']}"
    for a in hand.get("antagonists", []):
        for n in (a["name"], *a.get("brands", [])):
            names[" ".join(words(n))] = f"opioids.yaml antagonist {a['name']}"
        if a.get("rxnorm"):
            codes.add(str(a["rxnorm"]))
    return names, codes


def check(vs_doc: dict[str, Any], non: dict[str, Any], hand: dict[str, Any]) -> list[str]:
    problems = []
    missing = sorted(
        i
        for i, r in vs_doc["roles"].items()
        if r == "opioid" and i not in {x["name"] for x in hand["ingredients"]}
        and not any(i in x.get("synonyms", []) for x in hand["ingredients"])
    )
    if missing:
        problems.append(f"opioid ingredients without a class in opioids.yaml: {missing}")
    names, codes = opioid_side(vs_doc, hand)
    non_names = set(non["names"])
    for h in hand.get("known_non_opioids", []):
        non_names.add(" ".join(words(h["name"])))
    for la in hand.get("look_alikes", []):
        for n in (la["name"], *la.get("brands", [])):
            non_names.add(" ".join(words(n)))
    for n in sorted(set(names) & non_names):
        problems.append(f"name {n!r} is both a known non-opioid and an opioid/antagonist ({names[n]})")
    for c in sorted(codes & set(non["rxnorm"])):
        problems.append(f"RxNorm {c} is both a known non-opioid and an opioid/antagonist code")
    return problems


HEADER_VS = """\
# GENERATED by scripts/build_vocabulary.py from the shared value sets: do not edit by hand; re-run
# the script to refresh. Each input is recorded with its ValueSet url/version/date and SHA-256.
# Licences: CDC Opioid Prescribing Support IG value sets (cqframework/opioid-cds-r4): CC0 1.0;
# NLM VSAC value sets as copied in smart-on-fhir/cumulus-library-opioid: Apache-2.0 (the VSAC
# content itself is NLM's). Only derived data is kept here (codes, displays, parsed names); the
# input JSON files are not copied. roles: opioid | co_ingredient | antagonist (an ingredient that
# never appears alone in the sets is a co-ingredient; benzhydrocodone is a hand-checked opioid).
"""

HEADER_NON = """\
# GENERATED by scripts/build_vocabulary.py: do not edit by hand.
# Known non-opioids: names (lower-cased, punctuation folded) and RxNorm codes where known.
# Provenance: the DrugBank Open Data vocabulary ("drugbank vocabulary.csv", CC0 1.0, as stated in
# the README of fastdatascience/drug_named_entity_recognition, which carries a copy; the full
# DrugBank database is CC BY-NC 4.0 and is NOT used), filtered to the DrugBank ids that the
# MIT-licensed PyPI package drug-named-entity-recognition 2.0.9 links to a MedlinePlus or NHS
# medicines page ("ordinary medicines"); names and stems of opioids were removed first. Only the
# id flags of that package were used; its dictionary (which mixes in CC BY-SA text) is not shipped.
# RxNorm codes: product codes from Synthea costs/medications.csv (Apache-2.0), as copied by the
# research helper. The build fails if any name or code here is also an opioid or antagonist.
# Hand additions (dermatology medicines missing here) live in opioids.yaml, known_non_opioids.
"""


def dump(path: Path, header: str, doc: dict[str, Any]) -> None:
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", nargs="?", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--non-opioids", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    vs_doc, unresolved = build_valuesets(args.shared.resolve())
    non = read_non_opioids(args.non_opioids)
    hand = yaml.safe_load(OPIOIDS_YAML.read_text(encoding="utf-8"))
    problems = check(vs_doc, non, hand)
    if problems:
        for p in problems:
            print(f"build_vocabulary: {p}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    dump(args.out / "valuesets.yaml", HEADER_VS, vs_doc)
    dump(args.out / "non_opioids.yaml", HEADER_NON, non)
    roles = vs_doc["roles"]
    print(
        f"value sets: {len(vs_doc['inputs'])} files, {len(vs_doc['concepts'])} RxNorm concepts, "
        f"{sum(r == 'opioid' for r in roles.values())} opioid / "
        f"{sum(r == 'co_ingredient' for r in roles.values())} co-ingredient / "
        f"{sum(r == 'antagonist' for r in roles.values())} antagonist ingredients; "
        f"{len(unresolved)} unresolved"
    )
    print(f"non-opioids: {len(non['names'])} names, {len(non['rxnorm'])} RxNorm codes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
