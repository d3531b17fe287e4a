"""Code systems and the naltrexone code list, each defined once.

System URIs are the canonical ones of FHIR R4 (terminology.hl7.org): RxNorm, the WHO ATC
classification (HL7 THO), ICD-10-CM, SNOMED CT, LOINC and UCUM. The naltrexone codes themselves
are data (``data/interop/naltrexone.yaml``, each with its source registry ids), so they count in the
knowledge version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from ldnderm.kernel.errors import KnowledgeDataError
from ldnderm.kernel.sources import registry
from ldnderm.kernel.version import DATA_DIR
from ldnderm.kernel.yamlio import load_yaml

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


@dataclass(frozen=True)
class NaltrexoneCodes:
    """How a medication is recognised as naltrexone: RxNorm and ATC codes (code -> display),
    whole-word names (``methylnaltrexone`` is another drug) and case-sensitive abbreviations."""

    version: str
    rxnorm: Mapping[str, str]
    atc: Mapping[str, str]
    name_pattern: re.Pattern[str]
    abbreviation_pattern: re.Pattern[str]

    @property
    def ingredient_rxcui(self) -> str:
        """The RxNorm ingredient concept (the first code listed)."""
        return next(iter(self.rxnorm))

    def names_text(self, text: str) -> bool:
        """``text`` names naltrexone as a whole word, or by a listed abbreviation."""
        return bool(self.name_pattern.search(text) or self.abbreviation_pattern.search(text))


@cache
def naltrexone() -> NaltrexoneCodes:
    """The shipped naltrexone code list (loaded once)."""
    raw = load_yaml(DATA_DIR / "interop" / "naltrexone.yaml")
    named = [s for part in ("rxnorm", "atc") for e in raw[part].values() for s in e["sources"]]
    unknown = registry().unknown(named)
    if unknown:
        raise KnowledgeDataError(f"interop/naltrexone.yaml: unknown sources {unknown}")
    names = "|".join(re.escape(n) for n in raw["names"])
    abbreviations = "|".join(re.escape(a) for a in raw["abbreviations"])
    return NaltrexoneCodes(
        version=str(raw["version"]),
        rxnorm={str(code): entry["display"] for code, entry in raw["rxnorm"].items()},
        atc={str(code): entry["display"] for code, entry in raw["atc"].items()},
        name_pattern=re.compile(rf"(?<![\w-])(?:{names})(?![\w-])", re.IGNORECASE),
        abbreviation_pattern=re.compile(rf"(?<![\w-])(?:{abbreviations})(?![\w-])"),
    )
