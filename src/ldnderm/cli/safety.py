"""``ldnderm screen``, ``ldnderm plan`` and ``ldnderm compound``: safety and dosing commands."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import typer

from ldnderm.cli.io import print_json, read_json

if TYPE_CHECKING:
    from ldnderm.dosing import CompoundingOrder, Plan
    from ldnderm.safety import ScreenResult
    from ldnderm.safety.data import Source

# str.isdigit() accepts other scripts' digits and superscripts ("²"), which int() then rejects.
_ASCII_DIGITS = re.compile(r"[0-9]+")
_WIDTH = 100


def register(app: typer.Typer) -> None:
    app.command("screen")(screen)
    app.command("plan")(plan)
    app.command("compound")(compound)


def screen(
    file: str = typer.Argument("-", help="JSON profile or FHIR R4 Bundle, or - for stdin."),
    as_of: str = typer.Option(None, "--as-of", help="Evaluation date YYYY-MM-DD (default today)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Screen a patient profile for naltrexone safety; every rule is evaluated."""
    from ldnderm import safety
    from ldnderm.kernel.readers import date_value

    when = date_value(as_of, "--as-of") if as_of else None
    result = safety.screen_document(read_json(file), as_of=when)
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    _echo_screen(result)


def plan(
    condition: str = typer.Option(..., "--condition", help="Condition id, e.g. psoriasis."),
    start: str = typer.Option(..., "--start", help="First dose date YYYY-MM-DD."),
    protocol: str = typer.Option(None, "--protocol", help="Protocol id (default per condition)."),
    target_mg: str = typer.Option(None, "--target-mg", help="Target daily dose in mg."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Dated titration steps and follow-up visits with their outcome measures."""
    from ldnderm import dosing

    request: dict[str, Any] = {"condition": condition, "start": start}
    if protocol is not None:
        request["protocol"] = protocol
    if target_mg is not None:
        request["target_mg"] = target_mg
    result = dosing.plan_from_json(request)
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    _echo_plan(result)


def compound(
    dose_mg: str = typer.Option(..., "--dose-mg", help="Daily dose in mg."),
    days: str = typer.Option(..., "--days", help="Days of supply."),
    form: str = typer.Option("liquid", "--form", help="liquid or capsule."),
    concentration: str = typer.Option(
        None, "--concentration-mg-ml", help="Liquid strength in mg/mL (default 1)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Total mg, whole 50 mg tablets, volume or capsules, beyond-use date, prescription text."""
    from ldnderm import dosing
    from ldnderm.kernel.errors import InvalidInput

    if not _ASCII_DIGITS.fullmatch(days.strip()):
        raise InvalidInput("days", f"{days!r} is not a whole number of days", "an integer 1-365")
    request: dict[str, Any] = {"dose_mg": dose_mg, "days": int(days), "form": form}
    if concentration is not None:
        request["concentration_mg_ml"] = concentration
    result = dosing.compound_from_json(request)
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    _echo_order(result)


def _echo_screen(result: ScreenResult) -> None:
    """Most severe finding first; each names its trigger, how strong its sources are and why."""
    typer.echo(
        f"Verdict: {result.verdict.upper()}  (as of {result.as_of}; {result.dose_band} dose)"
    )
    for note in result.notes:
        _wrap(f"note: {note}")
    from ldnderm.safety.engine import most_severe_first

    for f in most_severe_first(result.findings):
        typer.echo(f"\n[{f.severity.upper()}] {f.title} ({f.rule})")
        _wrap(f.text, "  ")  # the evidence note has its own line below
        typer.echo("  Triggered by:")
        for line in f.evidence:
            _wrap(line, "    - ", "      ")
        why = f" {f.evidence_note}" if f.evidence_note else ""
        _wrap(f"Source quality: {f.source_quality}.{why}", "  ")
        for src in f.sources:
            typer.echo(f"    source: {_cite(src)}")
    if result.lab_values:
        from ldnderm.safety.engine import LAB_NOTE

        typer.echo("\nLab values")
        for lab in result.lab_values:
            limit = (
                f" (upper limit {lab.upper_limit}; {lab.times_upper_limit} x)"
                if lab.upper_limit
                else ""
            )
            typer.echo(f"  {lab.name}: {lab.comparator or ''}{lab.value} {lab.unit}{limit}")
        _wrap(LAB_NOTE, "  ")
    typer.echo(
        f"\n{len(result.rules_evaluated)} rules evaluated; knowledge {result.knowledge_version}"
    )


def _echo_plan(p: Plan) -> None:
    timing = _timing(p.timing)
    typer.echo(f"{p.protocol_label} for {p.condition}: target {_n(p.target_mg)} mg, {timing}")
    if p.alternative_timing:
        typer.echo(f"  alternative timing: {p.alternative_timing}")
    for s in p.steps:
        typer.echo(f"  {s.start} to {s.end or 'ongoing'}: {_n(s.dose_mg)} mg {_timing(s.timing)}")
    typer.echo(f"Visits (measures from the {p.measures_from}):")
    for v in p.visits:
        _wrap(f"{v.date} week {v.week}: {v.purpose} [{', '.join(v.measures) or '-'}]", "  ", "    ")
    _wrap(f"Labs: {p.labs}")
    _wrap(f"Note: {p.note}")
    for w in p.warnings:
        _wrap(f"warning: {w}")
    typer.echo("Sources:")
    for src in p.sources:
        typer.echo(f"  {_cite(src)}")
    typer.echo(f"knowledge {p.knowledge_version}")


def _echo_order(o: CompoundingOrder) -> None:
    _wrap(o.prescription_text)
    _wrap(f"Total {_n(o.total_mg)} mg from {o.tablets_50mg} x 50 mg tablets. {o.preparation}")
    for w in o.warnings:
        _wrap(f"warning: {w}")
    typer.echo("Sources:")
    for src in o.sources:
        typer.echo(f"  {_cite(src)}")


def _cite(src: Source) -> str:
    where = " ".join(
        x
        for x in (
            src.url,
            f"doi:{src.doi}" if src.doi else "",
            f"PMID {src.pmid}" if src.pmid else "",
        )
        if x
    )
    return f"{src.label} [{src.quality}] {where}".rstrip()


def _timing(timing: str) -> str:
    return "at bedtime" if timing == "bedtime" else timing


def _n(value: Decimal) -> str:
    """4.50 -> 4.5, 3.0 -> 3, 1095.0 -> 1095."""
    return format(value.normalize(), "f")


def _wrap(text: str, first: str = "", rest: str | None = None) -> None:
    typer.echo(
        textwrap.fill(
            text,
            _WIDTH,
            initial_indent=first,
            subsequent_indent=first if rest is None else rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
    )
