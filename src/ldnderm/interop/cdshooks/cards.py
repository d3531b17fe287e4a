"""Cards from a screening result, the evidence for the patient's conditions and a course summary.

Mapping of safety severities to card indicators: ``contraindicated`` -> ``critical``; ``hold``
and ``caution`` -> ``warning``; the evidence grade and regimen, a clean screen and the registry
course summary -> ``info``. One card per finding, so each can be overridden on its own.

Card and suggestion uuids are UUIDv5 of the hook instance and a stable key, so one request always
gives the same cards (the CLI and the HTTP service print identical output) while every hook call
gets its own ids for feedback.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ldnderm.interop.cdshooks.models import (
    SUMMARY_MAX,
    Action,
    Card,
    Coding,
    Indicator,
    Link,
    Source,
    Suggestion,
)
from ldnderm.interop.cdshooks.naltrexone import NaltrexoneOrder
from ldnderm.interop.cdshooks.patient import PatientData
from ldnderm.interop.cdshooks.screening import (
    ConditionEvidence,
    FindingLike,
    ScreeningLike,
    SourceLike,
)

OVERRIDE_SYSTEM = "urn:ldnderm:cds-override-reason"
"""Local code system of override reasons (URN: the project has no published canonical URL)."""

LABEL_SOURCE = Source(
    label="Naltrexone tablets label: contraindications (DrugCentral)",
    url="https://drugcentral.org/label/adb7c4dc-221a-4d91-9687-0d78913a92ad/view",
)
"""The fallback card source; the label is the primary source of the opioid contraindication."""

_INDICATOR: dict[str, Indicator] = {
    "contraindicated": "critical",
    "hold": "warning",
    "caution": "warning",
}
_PREFIX = {
    "contraindicated": "Naltrexone contraindicated",
    "hold": "Hold naltrexone",
    "caution": "Naltrexone caution",
}
_OVERRIDES: dict[str, tuple[tuple[str, str], ...]] = {
    "critical": (
        ("record-out-of-date", "Record out of date: opioid-free interval confirmed"),
        ("specialist-supervised", "Started under addiction or pain specialist supervision"),
        ("benefit-outweighs-risk", "Benefit outweighs risk; patient informed"),
    ),
    "warning": (
        ("benefit-outweighs-risk", "Benefit outweighs risk; patient informed"),
        ("will-monitor", "Will monitor as advised"),
        ("not-applicable", "Does not apply to this patient"),
    ),
}
INCOMPLETE_RULES = frozenset({"facts-not-checked", "medications-not-stated"})
"""Rules about facts that are unknown: their findings go on the one incomplete card."""
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


@dataclass(frozen=True)
class DueAssessment:
    measure: str
    due: date


@dataclass(frozen=True)
class CourseSummary:
    """A registry course for the patient-view card (filled by the web layer)."""

    condition: str
    started: date
    dose_mg: float | None
    assessments_due: tuple[DueAssessment, ...] = ()
    url: str | None = None
    source_label: str = "ldnderm clinic registry"
    notes: tuple[str, ...] = field(default=())


class CardFactory:
    """Builds the cards of one hook call; ``hook_instance`` seeds the card uuids."""

    def __init__(self, hook_instance: str) -> None:
        self._namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:ldnderm:hook:{hook_instance}")

    def _uuid(self, key: str) -> str:
        return str(uuid.uuid5(self._namespace, key))

    # --- safety findings ---------------------------------------------------------------------

    def findings(
        self, screening: ScreeningLike, orders: Sequence[NaltrexoneOrder] = ()
    ) -> list[Card]:
        """One card per critical, hold or caution finding, most severe first.

        Findings about unknown facts (:data:`INCOMPLETE_RULES`) are left to :meth:`incomplete`.
        """
        cards = []
        from ldnderm.safety.engine import most_severe_first

        for finding in most_severe_first(screening.findings):
            indicator = _INDICATOR.get(finding.severity)
            if indicator is None or finding.rule in INCOMPLETE_RULES:
                continue
            cards.append(self._finding_card(finding, indicator, screening, orders))
        return cards

    def _finding_card(
        self,
        finding: FindingLike,
        indicator: Indicator,
        screening: ScreeningLike,
        orders: Sequence[NaltrexoneOrder],
    ) -> Card:
        lines = [_md(finding.message), ""]
        if finding.evidence:
            lines.append("**Found in the record:**")
            lines += [f"- {_md(_evidence_text(e))}" for e in finding.evidence]
            lines.append("")
        refs = [s for s in finding.sources if _source_url(s)]
        if refs:
            lines.append("**Sources:**")
            lines += [f"- [{_md(s.label)}]({_source_url(s)})" for s in refs]
            lines.append("")
        lines.append(f"Rule `{finding.rule}`, knowledge base {screening.knowledge_version}.")
        suggestions = None
        if finding.severity in {"contraindicated", "hold"}:
            suggestions = self._remove_orders(orders, recommended=indicator == "critical")
        return Card(
            uuid=self._uuid(f"finding/{finding.rule}"),
            summary=_finding_summary(finding),
            detail="\n".join(lines).strip(),
            indicator=indicator,
            source=_card_source(refs[0]) if refs else LABEL_SOURCE,
            suggestions=suggestions or None,
            selection_behavior="at-most-one" if suggestions else None,
            override_reasons=self._override_reasons(indicator),
        )

    def _remove_orders(
        self, orders: Sequence[NaltrexoneOrder], recommended: bool
    ) -> list[Suggestion]:
        out: list[Suggestion] = []
        for order in orders:
            if not order.reference or not order.selected:
                continue
            out.append(
                Suggestion(
                    label=_summary(f"Remove the order: {order.label}"),
                    uuid=self._uuid(f"remove/{order.reference}"),
                    # selectionBehavior at-most-one: at most one suggestion is recommended.
                    is_recommended=(recommended and not out) or None,
                    actions=[
                        Action(
                            type="delete",
                            description=f"Remove the draft order for {order.label}.",
                            resource_id=order.reference,
                        )
                    ],
                )
            )
        return out

    @staticmethod
    def _override_reasons(indicator: Indicator) -> list[Coding] | None:
        reasons = _OVERRIDES.get(indicator)
        if not reasons:
            return None
        return [Coding(system=OVERRIDE_SYSTEM, code=c, display=d) for c, d in reasons]

    # --- completeness, clean screen and evidence ---------------------------------------------

    def incomplete(
        self, patient: PatientData, screening: ScreeningLike | None = None
    ) -> Card | None:
        """One warning that lists everything the screen could not check.

        Unknown facts (the findings of :data:`INCOMPLETE_RULES`), prefetch keys that could not
        be read or were not provided, records left out as invalid, and what the FHIR reader
        could not read (``screening.notes``): one card, never one card each.
        """
        unknown = [
            f for f in (screening.findings if screening else ()) if f.rule in INCOMPLETE_RULES
        ]
        notes = list(screening.notes) if screening else []
        unreadable = dict(patient.unreadable)
        missing = [k for k in patient.missing if k not in unreadable]
        if not (unknown or notes or unreadable or missing or patient.skipped):
            return None
        lines = ["The screen ran on the data that could be read; what is listed was not checked."]
        for finding in unknown:
            lines += ["", f"**{_md(finding.title)}:** {_md(finding.message)}"]
            lines += [f"- {_md(e)}" for e in finding.evidence]  # "hepatic: not stated"
        if unreadable:
            lines += ["", "**Data that could not be read:**"]
            lines += [f"- {_md(k)}: {_md(why)}" for k, why in unreadable.items()]
        if missing:
            lines += ["", "**Data not provided by the EHR:**"]
            lines += [f"- {_md(k)}" for k in missing]
        if patient.skipped:
            lines += ["", "**Records left out or not fully read:**"]
            lines += [f"- {_md(s)}" for s in patient.skipped]
        if notes:
            lines += ["", "**Not read from the records:**"]
            lines += [f"- {_md(n)}" for n in notes]
        count = (
            sum(max(1, len(f.evidence)) for f in unknown)
            + len(unreadable)
            + len(missing)
            + len(patient.skipped)
            + len(notes)
        )
        refs = [s for f in unknown for s in f.sources if _source_url(s)]
        return Card(
            uuid=self._uuid("incomplete"),
            summary=_summary(
                f"Naltrexone safety screen incomplete: {count} item(s) could not be checked"
            ),
            detail="\n".join(lines),
            indicator="warning",
            source=_card_source(refs[0]) if refs else LABEL_SOURCE,
            override_reasons=self._override_reasons("warning"),
        )

    def clean(self, screening: ScreeningLike) -> Card:
        """The info card of a screen without critical or warning findings."""
        detail = (
            f"{len(screening.rules_evaluated)} safety rules were checked against the EHR data "
            "(medications, conditions, allergies, pregnancy status, planned procedures) and "
            "none applies. Ask about opioids the record may not show (other prescribers, "
            f"over-the-counter codeine).\n\nKnowledge base {screening.knowledge_version}."
        )
        return Card(
            uuid=self._uuid("clean"),
            summary="Naltrexone safety screen: no contraindication found in the EHR data",
            detail=detail,
            indicator="info",
            source=LABEL_SOURCE,
        )

    def evidence(self, item: ConditionEvidence) -> Card:
        """The info card with the certainty of the evidence, its direction and the regimens."""
        return _evidence_card(item).model_copy(
            update={"uuid": self._uuid(f"evidence/{item.condition_id}")}
        )

    # --- patient-view --------------------------------------------------------------------------

    def course(self, course: CourseSummary) -> Card:
        """The info card of an active registry course, with the assessments due."""
        dose = f"{course.dose_mg:g} mg/day" if course.dose_mg is not None else "dose not recorded"
        due = len(course.assessments_due)
        summary = (
            f"Naltrexone for {course.condition} since {course.started.isoformat()}, {dose}; "
            f"{due} assessment{'s' if due != 1 else ''} due"
        )
        lines = []
        if course.assessments_due:
            lines.append("**Assessments due:**")
            lines += [f"- {_md(a.measure)}: {a.due.isoformat()}" for a in course.assessments_due]
        lines += [_md(n) for n in course.notes]
        links = (
            [Link(label="Open in the ldnderm registry", url=course.url, type="absolute")]
            if course.url
            else None
        )
        return Card(
            uuid=self._uuid("course"),
            summary=_summary(summary),
            detail="\n".join(lines) or None,
            indicator="info",
            # source.url is about the card's source, not a drill-down into this patient: the
            # registry page of the patient is a link.
            source=Source(label=course.source_label),
            links=links,
        )


@lru_cache(maxsize=256)
def _evidence_card(item: ConditionEvidence) -> Card:
    """The evidence card of ``item`` without its uuid: the text depends on the knowledge base
    only, so it is built once per condition and knowledge version (the item holds both)."""
    head = f"Naltrexone for {item.name}: {item.certainty.split(';')[0].lower()}"
    regimen = item.regimens[0] if item.regimens else ""
    summary = f"{head}; {regimen}" if regimen else head
    lines = [_md(item.summary), "", f"**{_md(item.certainty)}.** {_md(item.grade_reason)}"]
    if item.regimens:
        lines += ["", "**Regimens reported:**"] + [f"- {_md(r)}" for r in item.regimens]
    source = (
        Source(label=item.reference.label, url=item.reference.url)
        if item.reference
        else Source(label=f"ldnderm evidence: {item.name}")
    )
    return Card(
        summary=_summary(summary if len(summary) <= SUMMARY_MAX else head),
        detail="\n".join(lines),
        indicator="info",
        source=source,
    )


def _finding_summary(finding: FindingLike) -> str:
    """``"<verdict>: <rule title> (<what fired it>)"``, the parenthesis only when it fits."""
    head = f"{_PREFIX[finding.severity]}: {finding.title}"
    if finding.evidence:
        what = re.split(r" -> | \(|, in ", _evidence_text(finding.evidence[0]))[0].strip()
        if what and len(head) + len(what) + 3 <= SUMMARY_MAX:
            return _summary(f"{head} ({what})")
    return _summary(head)


def _summary(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SUMMARY_MAX:
        return text
    return text[: SUMMARY_MAX - 1].rstrip(" ,;:") + "…"


def _md(text: str) -> str:
    """Escape Markdown and HTML in text that may come from the EHR."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _evidence_text(line: str) -> str:
    """``"medications[0]: oxycodone -> ..."`` without the profile path before the colon."""
    head, sep, rest = line.partition(": ")
    return rest if sep and re.fullmatch(r"[\w.\[\]]+", head) else line


def _source_url(source: SourceLike) -> str | None:
    if source.url:
        return source.url
    doi = getattr(source, "doi", None)
    if doi:
        return f"https://doi.org/{doi}"
    pmid = getattr(source, "pmid", None)
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None


def _card_source(source: SourceLike) -> Source:
    return Source(label=source.label, url=_source_url(source))
