"""Assessment forms generated from measure definitions, never written per measure.

Each :class:`~ldnderm.measures.model.ItemDef` says in ``allowed`` which answers it takes, in a
small fixed vocabulary (``0-3``, ``0-3 or "not_relevant"``, ``an integer 0 or more``, ...). This
module reads that vocabulary into widgets: a finite set of answers becomes a row of radio buttons
(large targets for a tablet), an open count a number input, and a composite item such as a PASI
body region (``{"erythema", "induration", "desquamation": 0-4} plus "area" 0-6``) one radio row
per sign. A measure whose items it cannot express (a seven-day UAS7 diary) gets one JSON field.
Every answer is then scored by :mod:`ldnderm.measures`, which remains the only judge of validity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput, NotFound
from ldnderm.measures.model import ItemDef

_QUOTED = re.compile(r'"([^"]+)"')
_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)")
_OPEN = re.compile(r"(?:(\d+) or more|>=\s*(\d+))")
_COMPOSITE = re.compile(
    r'^\{(?P<names>[^}:]+):\s*(?P<lo>\d+)-(?P<hi>\d+)\}\s*plus\s*"(?P<extra>\w+)"\s*'
    r"(?P<elo>\d+)-(?P<ehi>\d+)"
)
MAX_RADIOS = 11


@dataclass(frozen=True)
class Field:
    """One input: ``path`` is where its answer goes in the responses document."""

    name: str
    path: tuple[str, ...]
    label: str
    options: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    @property
    def is_choice(self) -> bool:
        return bool(self.options)


@dataclass(frozen=True)
class MeasureForm:
    measure_id: str
    name: str
    recall_period: str
    licence_note: str | None
    fields: list[Field] = field(default_factory=list)
    json_only: bool = False

    @property
    def json_name(self) -> str:
        return f"{self.measure_id}__json"


def available() -> list[str]:
    """Ids of the measures that can be scored in this build, in the registry's order (a
    definition may name a measure whose module has not shipped yet)."""
    usable = []
    for measure_id in measures.ids():
        try:
            measure = measures.get(measure_id)
        except (NotFound, ImportError):
            continue
        if measure.scorable:
            usable.append(measure_id)
    return usable


def form_for(measure_id: str) -> MeasureForm:
    """The generated form of one measure (NotFound for an unknown id)."""
    d = measures.get(measure_id).definition
    form = MeasureForm(measure_id, d.name, d.recall_period, d.copyright)
    for item in d.items:
        parsed = _fields(measure_id, item)
        if parsed is None:
            return MeasureForm(measure_id, d.name, d.recall_period, d.copyright, [], True)
        form.fields.extend(parsed)
    return form


def _fields(measure_id: str, item: ItemDef) -> list[Field] | None:
    if not re.fullmatch(r"\w+", item.key):
        return None
    composite = _COMPOSITE.match(item.allowed)
    if composite:
        names = _QUOTED.findall(composite["names"])
        rows = [(n, int(composite["lo"]), int(composite["hi"])) for n in names]
        rows.append((composite["extra"], int(composite["elo"]), int(composite["ehi"])))
        return [
            _field(measure_id, (item.key, sub), f"{item.topic}: {sub}", (), lo, hi)
            for sub, lo, hi in rows
        ]
    words = tuple(_QUOTED.findall(item.allowed))
    bounded = _RANGE.search(item.allowed)
    if bounded:
        return [_field(measure_id, (item.key,), item.topic, words, *map(int, bounded.groups()))]
    opened = _OPEN.search(item.allowed)
    if opened:
        low = int(opened.group(1) or opened.group(2))
        return [_field(measure_id, (item.key,), item.topic, words, low, None)]
    return None


def _field(
    measure_id: str,
    path: tuple[str, ...],
    label: str,
    words: tuple[str, ...],
    low: int,
    high: int | None,
) -> Field:
    name = "__".join((measure_id, *path))
    if high is not None and high - low + 1 <= MAX_RADIOS:
        options = tuple(str(v) for v in range(low, high + 1)) + words
        return Field(name, path, label, options, low, high)
    return Field(name, path, label, words, low, high)


def responses_from(form: MeasureForm, data: Mapping[str, str]) -> dict[str, Any]:
    """The responses document from posted form data; blank answers are left out (unanswered),
    so the measure applies its own missing-item rules."""
    if form.json_only:
        raw = data.get(form.json_name, "").strip()
        try:
            loaded = json.loads(raw) if raw else {}
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"assessments.{form.measure_id}", f"not valid JSON: {exc.msg}"
            ) from exc
        if not isinstance(loaded, dict):
            raise InvalidInput(f"assessments.{form.measure_id}", "expected a JSON object")
        return loaded
    out: dict[str, Any] = {}
    for f in form.fields:
        raw = data.get(f.name, "").strip()
        if raw == "":
            continue
        # Longer digit strings stay text (int() of thousands of digits raises); the measure
        # then refuses them as "expected an integer", naming the item.
        value: Any = int(raw) if re.fullmatch(r"-?\d{1,18}", raw) else raw
        target = out
        for key in f.path[:-1]:
            target = target.setdefault(key, {})
        target[f.path[-1]] = value
    return out
