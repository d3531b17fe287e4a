"""The registry of outcome measures: id to implementing class, imported on first use.

Adding a measure is one line here, one module and one YAML definition. Modules are imported only
when their measure is asked for, so ``ldnderm score itch-nrs`` loads one measure, not all.
"""

from __future__ import annotations

import difflib
from functools import cache
from importlib import import_module

from ldnderm.kernel.errors import NotFound
from ldnderm.measures.base import Measure

MEASURES: dict[str, str] = {
    "dlqi": "ldnderm.measures.dlqi:Dlqi",
    "itch-nrs": "ldnderm.measures.itch_nrs:ItchNrs",
    "uas7": "ldnderm.measures.uas7:Uas7",
    "uct": "ldnderm.measures.uct:Uct",
    "ihs4": "ldnderm.measures.ihs4:Ihs4",
    "hs-lesions": "ldnderm.measures.hs_lesions:HsLesions",
    "pasi": "ldnderm.measures.pasi:Pasi",
    "pn-iga-stage": "ldnderm.measures.pn_iga_stage:PnIgaStage",
    "five-d-itch": "ldnderm.measures.five_d_itch:FiveDItch",
    "lppai": "ldnderm.measures.lppai:Lppai",
}
"""Measure id -> ``module:Class``. The order is the order of listings."""


def ids() -> list[str]:
    return list(MEASURES)


@cache
def get(measure_id: str) -> Measure:
    """The measure with this id; :class:`NotFound` (with close matches) otherwise."""
    target = MEASURES.get(measure_id)
    if target is None:
        close = difflib.get_close_matches(measure_id, MEASURES, n=3, cutoff=0.5)
        raise NotFound("measure", measure_id, close)
    module_name, class_name = target.split(":")
    cls: type[Measure] = getattr(import_module(module_name), class_name)
    return cls()


def all_measures() -> list[Measure]:
    return [get(i) for i in MEASURES]
