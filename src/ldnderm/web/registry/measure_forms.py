"""Assessment forms built from the structured answers of measure definitions, never per measure.

Each :class:`~ldnderm.measures.model.ItemDef` carries an :class:`~ldnderm.measures.model.Answer`:
a short numeric scale becomes a row of radio buttons (large targets for a tablet) with its word
answers ("Not relevant") and labelled anchors, an open count a number input, a set of body sites
checkboxes, and a composite item (a PASI region) one row per part. A diary measure (UAS7) becomes
a seven-day grid per diary mode the definition offers. Labels come only from the definition;
items are otherwise shown by their paraphrased topic. Every answer is then scored by
:mod:`ldnderm.measures`, which remains the only judge of validity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput, NotFound
from ldnderm.measures.model import Answer, DiaryMode, ItemDef, MeasureDefinition

MAX_RADIOS = 11
Widget = Literal["radios", "number", "checkboxes"]


@dataclass(frozen=True)
class Option:
    """One radio or checkbox: the posted ``value`` and the words shown."""

    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One input: ``path`` is where its answer goes in the responses document (for a diary cell,
    within the day)."""

    name: str
    path: tuple[str, ...]
    label: str
    widget: Widget
    options: tuple[Option, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    anchors: tuple[str, ...] = ()
    words: frozenset[str] = frozenset()

    @property
    def is_choice(self) -> bool:
        return self.widget == "radios"


@dataclass(frozen=True)
class DiaryGrid:
    """One diary mode as a grid: a row of cells per day, a column per session and part."""

    mode: str
    label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Field, ...], ...]


@dataclass(frozen=True)
class MeasureForm:
    measure_id: str
    name: str
    recall_period: str
    licence_note: str | None
    fields: list[Field] = field(default_factory=list)
    grids: tuple[DiaryGrid, ...] = ()

    @property
    def mode_name(self) -> str:
        return f"{self.measure_id}__mode"


def available() -> list[str]:
    """Ids of the measures that can be entered in this build, in the registry's order (a
    definition may name a measure whose module has not shipped yet). Measures whose total is not
    verified (5-D itch, LPPAI) are entered too: their components are stored, not scored."""
    usable = []
    for measure_id in measures.ids():
        try:
            measures.get(measure_id)
        except (NotFound, ImportError):
            continue
        usable.append(measure_id)
    return usable


def scorable() -> list[str]:
    """The entered measures that compute a total."""
    return [m for m in available() if measures.get(m).scorable]


def form_for(measure_id: str) -> MeasureForm:
    """The generated form of one measure (NotFound for an unknown id)."""
    d = measures.get(measure_id).definition
    form = MeasureForm(measure_id, d.name, d.recall_period, d.copyright)
    if d.diary is not None:
        grids = tuple(_grid(d, mode) for mode in d.diary_modes())
        return MeasureForm(measure_id, d.name, d.recall_period, d.copyright, [], grids)
    for number, item in enumerate(d.items, start=1):
        label = f"{number}. {item.topic}" if d.number_items else item.topic
        form.fields.extend(_item_fields(measure_id, item, label))
    return form


def _item_fields(measure_id: str, item: ItemDef, label: str) -> list[Field]:
    answer = item.answer
    if answer.type == "group":
        return [
            _field(
                f"{measure_id}__{'__'.join(item.path)}__{part}",
                (*item.path, part),
                f"{label}: {part}",
                sub,
            )
            for part, sub in answer.parts.items()
        ]
    return [_field(f"{measure_id}__{'__'.join(item.path)}", item.path, label, answer)]


def _field(name: str, path: tuple[str, ...], label: str, answer: Answer) -> Field:
    words = tuple(Option(str(c.value), c.label or str(c.value)) for c in answer.choices)
    if answer.type == "sites":
        options = tuple(Option(o.value, o.label.replace("_", " ")) for o in words)
        return Field(name, path, label, "checkboxes", options)
    if answer.type == "choice":
        return Field(name, path, label, "radios", words, words=frozenset(o.value for o in words))
    low = int(answer.min) if answer.min is not None else None
    high = int(answer.max) if answer.max is not None else None
    anchors = tuple(f"{value} = {text}" for value, text in sorted(answer.anchors.items()))
    word_values = frozenset(o.value for o in words)
    if low is not None and high is not None and high - low + 1 <= MAX_RADIOS:
        numbers = tuple(Option(str(v), str(v)) for v in range(low, high + 1))
        return Field(name, path, label, "radios", numbers + words, low, high, anchors, word_values)
    return Field(name, path, label, "number", words, low, high, anchors, word_values)


def _grid(d: MeasureDefinition, mode: DiaryMode) -> DiaryGrid:
    assert d.diary is not None
    answers = {item.key: item.answer for item in d.items}
    parts = list(zip(d.diary.parts, mode.items, strict=True))
    sessions = [(s.key, s.label) for s in mode.sessions] or [("", "")]
    columns = tuple(f"{s_label} {part}".strip() for _, s_label in sessions for part, _ in parts)
    rows = []
    for day in range(d.diary.days):
        cells = []
        for s_key, s_label in sessions:
            for part, item_key in parts:
                path = (s_key, part) if s_key else (part,)
                name = f"{d.id}__{mode.id}__d{day + 1}__{'__'.join(path)}"
                label = f"Day {day + 1} {s_label} {part}".replace("  ", " ")
                cells.append(_field(name, path, label, answers[item_key]))
        rows.append(tuple(cells))
    return DiaryGrid(mode.id, mode.label, columns, tuple(rows))


def responses_from(form: MeasureForm, data: Mapping[str, Any]) -> dict[str, Any]:
    """The responses document from posted form data; blank answers are left out (unanswered),
    so the measure applies its own missing-item rules. A diary with no cell filled is left out
    whole; a day with blanks is incomplete, which the measure judges."""
    if form.grids:
        return _diary_responses(form, data)
    out: dict[str, Any] = {}
    for f in form.fields:
        value = _value(form.measure_id, f, data)
        if value is not None:
            _put(out, f.path, value)
    return out


def _diary_responses(form: MeasureForm, data: Mapping[str, Any]) -> dict[str, Any]:
    modes = {g.mode: g for g in form.grids}
    chosen = str(data.get(form.mode_name) or form.grids[0].mode)
    if chosen not in modes:
        raise InvalidInput(
            f"assessments.{form.measure_id}.mode",
            f"unknown diary mode {chosen!r}",
            " or ".join(modes),
        )
    days: list[dict[str, Any]] = []
    for row in modes[chosen].rows:
        day: dict[str, Any] = {}
        for f in row:
            value = _value(form.measure_id, f, data)
            if value is not None:
                _put(day, f.path, value)
        days.append(day)
    return {"days": days} if any(days) else {}


def _value(measure_id: str, f: Field, data: Mapping[str, Any]) -> Any:
    if f.widget == "checkboxes":
        getlist = getattr(data, "getlist", None)
        picked = getlist(f.name) if getlist else data.get(f.name, [])
        known = {o.value for o in f.options}
        chosen = [p for p in ([picked] if isinstance(picked, str) else picked) if p in known]
        return chosen if chosen else None
    raw = str(data.get(f.name, "")).strip()
    if raw == "":
        return None
    if raw in f.words:
        return raw
    try:
        return int(raw)
    except ValueError:
        allowed = " or ".join(o.value for o in f.options) or "a whole number"
        raise InvalidInput(
            f"assessments.{measure_id}.{'.'.join(f.path)}",
            f"{raw[:20]!r} is not an answer",
            allowed,
        ) from None


def _put(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
