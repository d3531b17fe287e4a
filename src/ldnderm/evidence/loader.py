"""Load and validate the evidence data files, once, and check every reference between them.

Files read (and only these; other directories under ``data/`` belong to other loaders)::

    data/conditions/<id>.yaml      one condition per file, named by its id
    data/studies/*.yaml            ``studies:`` lists, one file per condition or topic
    data/mechanisms.yaml           ``mechanisms:`` list
    data/patient-guidance.yaml     questions and safety basics for patient pages

Checks beyond the schema: ids are unique (conditions, studies, regimens, mechanisms); every
study is a source registry entry (``data/sources.yaml``, which holds its citation); every source id
named anywhere exists in the registry; every statement that is not ``verification: unverified``
and every regimen cites at least one primary or secondary source (a weak source never supports a
claim alone); every regimen cites a study that is in the base and listed for its
condition; recommended measures exist in :data:`ldnderm.measures.registry.MEASURES`; a condition
has at least one study, or no primary study and a statement of what was searched. Every problem
found is reported together in one :class:`~ldnderm.kernel.errors.KnowledgeDataError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from ldnderm.evidence.models import Condition, Mechanism, PatientGuidance, Sourced, Study
from ldnderm.evidence.store import KnowledgeBase
from ldnderm.kernel.errors import KnowledgeDataError
from ldnderm.kernel.sources import SourceRegistry, registry
from ldnderm.kernel.version import DATA_DIR
from ldnderm.kernel.yamlio import load_yaml

CONDITION_ORDER = (
    "lichen-planopilaris",
    "prurigo-nodularis",
    "psoriasis",
    "hidradenitis-suppurativa",
    "chronic-urticaria",
    "hailey-hailey-disease",
)
"""The six conditions of the clinic page come first in listings; the rest follow by name."""

Document = tuple[str, Any]
"""A parsed YAML document with the name of the file it came from (for messages)."""


@cache
def load() -> KnowledgeBase:
    """The shipped knowledge base, loaded and validated on first use and cached."""
    return load_from(DATA_DIR)


def load_from(data_dir: Path) -> KnowledgeBase:
    """Read the evidence files under ``data_dir`` and build a checked :class:`KnowledgeBase`."""
    conditions = [_read(p) for p in sorted((data_dir / "conditions").glob("*.yaml"))]
    studies = [_read(p) for p in sorted((data_dir / "studies").glob("*.yaml"))]
    mechanisms = _read(data_dir / "mechanisms.yaml")
    guidance = _read(data_dir / "patient-guidance.yaml")
    return build(conditions, studies, mechanisms, guidance)


def _read(path: Path) -> Document:
    return path.name, load_yaml(path)


def build(
    conditions: Iterable[Document],
    studies: Iterable[Document],
    mechanisms: Document,
    guidance: Document,
    sources: SourceRegistry | None = None,
) -> KnowledgeBase:
    """Validate parsed documents and their cross-references against the source registry (the
    shipped one unless ``sources`` is given); raise with every problem found."""
    reg = registry() if sources is None else sources
    problems: list[str] = []
    study_map: dict[str, Study] = {}
    for name, doc in studies:
        for i, raw in enumerate(_list(doc, "studies", name, problems)):
            study = _validate(Study, raw, f"{name}: studies[{i}]", problems)
            if study is None:
                continue
            if study.id in study_map:
                problems.append(f"{name}: duplicate study id {study.id!r}")
            study_map[study.id] = study

    condition_map: dict[str, Condition] = {}
    for name, doc in conditions:
        condition = _validate(Condition, doc, name, problems)
        if condition is None:
            continue
        if name != f"{condition.id}.yaml":
            problems.append(f"{name}: file name must be {condition.id}.yaml")
        if condition.id in condition_map:
            problems.append(f"{name}: duplicate condition id {condition.id!r}")
        condition_map[condition.id] = condition

    mname, mdoc = mechanisms
    mechanism_list = [
        m
        for i, raw in enumerate(_list(mdoc, "mechanisms", mname, problems))
        if (m := _validate(Mechanism, raw, f"{mname}: mechanisms[{i}]", problems)) is not None
    ]
    gname, gdoc = guidance
    patient = _validate(PatientGuidance, gdoc, gname, problems)

    _check_references(condition_map, study_map, mechanism_list, patient, reg, problems)
    if problems or patient is None:
        raise KnowledgeDataError("; ".join(problems) or f"{gname}: invalid")
    ordered = {k: condition_map[k] for k in _order(condition_map)}
    try:
        base = KnowledgeBase(ordered, study_map, tuple(mechanism_list), patient, reg)
    except ValueError as exc:
        raise KnowledgeDataError(f"certainty: {exc}") from exc
    for cid, condition in ordered.items():
        if base.grades[cid].level == "none" and not condition.searched:
            problems.append(f"{cid}: no primary study is rated, so say what was searched")
    if problems:
        raise KnowledgeDataError("; ".join(problems))
    return base


def _order(conditions: dict[str, Condition]) -> list[str]:
    first = [c for c in CONDITION_ORDER if c in conditions]
    rest = sorted((c for c in conditions if c not in first), key=lambda c: conditions[c].name)
    return first + rest


def _list(doc: Any, key: str, name: str, problems: list[str]) -> list[Any]:
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        problems.append(f"{name}: expected a mapping with a {key!r} list")
        return []
    return list(doc[key])


M = TypeVar("M", Study, Condition, Mechanism, PatientGuidance)


def _validate(model: type[M], raw: Any, where: str, problems: list[str]) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            problems.append(f"{where}{'.' + loc if loc else ''}: {err['msg']}")
        return None


def _check_references(
    conditions: dict[str, Condition],
    studies: dict[str, Study],
    mechanisms: list[Mechanism],
    guidance: PatientGuidance | None,
    reg: SourceRegistry,
    problems: list[str],
) -> None:
    from ldnderm.measures.registry import MEASURES

    for sid in studies:
        if sid not in reg.sources:
            problems.append(f"study {sid}: no source registry entry with this id")

    def cited(where: str, statement: Sourced) -> None:
        for sid in reg.unknown(statement.sources):
            problems.append(f"{where}: cites unknown source {sid!r}")
        if statement.claim and not reg.supports_claim(statement.sources):
            problems.append(
                f"{where}: no primary or secondary source (a weak source never supports a claim"
                " alone); cite one or mark the statement verification: unverified"
            )

    regimen_ids: set[str] = set()
    for cid, c in conditions.items():
        for sid in c.studies:
            if sid not in studies:
                problems.append(f"{cid}: lists unknown study {sid!r}")
        if len(set(c.studies)) != len(c.studies):
            problems.append(f"{cid}: a study is listed twice")
        for measure in c.recommended_measures:
            if measure not in MEASURES:
                problems.append(f"{cid}: recommends unknown measure {measure!r}")
        for regimen in c.regimens:
            if regimen.id in regimen_ids:
                problems.append(f"{cid}: duplicate regimen id {regimen.id!r}")
            regimen_ids.add(regimen.id)
            for sid in regimen.studies:
                if sid not in studies:
                    problems.append(f"{cid}: regimen {regimen.id} cites unknown study {sid!r}")
                elif sid not in c.studies:
                    problems.append(f"{cid}: regimen {regimen.id} cites {sid!r}, not listed")
            if not reg.supports_claim(regimen.studies):
                problems.append(f"{cid}: regimen {regimen.id} has no primary or secondary source")
        for code in (*c.icd10cm, *c.snomed):
            if code.source is not None and code.source not in reg:
                problems.append(f"{cid}: code cites unknown source {code.source!r}")
        for label, statement in (
            ("about", c.about),
            ("clinician_summary", c.clinician_summary),
            ("patient_summary", c.patient_summary),
            *((f"notes[{i}]", n) for i, n in enumerate(c.notes)),
        ):
            cited(f"{cid}.{label}", statement)
        if not c.studies and not c.searched:
            problems.append(f"{cid}: no studies and no statement of what was searched")
    seen: set[str] = set()
    for m in mechanisms:
        if m.id in seen:
            problems.append(f"mechanisms: duplicate id {m.id!r}")
        seen.add(m.id)
        cited(f"mechanism {m.id}", m.summary)
    if guidance is not None:
        for i, statement in enumerate(guidance.safety):
            cited(f"patient-guidance.safety[{i}]", statement)
