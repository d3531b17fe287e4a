"""``ldnderm screen``, ``ldnderm plan`` and ``ldnderm compound``: safety and dosing commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from ldnderm.cli.io import print_json, read_json

if TYPE_CHECKING:
    from ldnderm.dosing import CompoundingOrder, Plan
    from ldnderm.safety import ScreenResult


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
    from ldnderm.safety.readers import date_value

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
    from ldnderm.errors import InvalidInput

    if not days.strip().isdigit():
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
    typer.echo(
        f"Verdict: {result.verdict.upper()}  (as of {result.as_of}; {result.dose_band} dose)"
    )
    for f in result.findings:
        typer.echo(f"\n[{f.severity}] {f.title} ({f.rule}; sources: {f.source_quality})")
        typer.echo(f"  {f.message}")
        for line in f.evidence:
            typer.echo(f"  - {line}")
        for s in f.sources:
            typer.echo(
                f"  source: {s.label} {s.url or ''} {('doi:' + s.doi) if s.doi else ''}".rstrip()
            )
    typer.echo(
        f"\n{len(result.rules_evaluated)} rules evaluated; knowledge {result.knowledge_version}"
    )


def _echo_plan(p: Plan) -> None:
    typer.echo(f"{p.protocol_label} for {p.condition}: target {p.target_mg} mg, {p.timing}")
    if p.alternative_timing:
        typer.echo(f"  alternative timing: {p.alternative_timing}")
    for s in p.steps:
        typer.echo(f"  {s.start} to {s.end or 'ongoing'}: {s.dose_mg} mg {s.timing}")
    typer.echo(f"Visits (measures from the {p.measures_from}):")
    for v in p.visits:
        typer.echo(f"  {v.date} week {v.week}: {v.purpose} [{', '.join(v.measures) or '-'}]")
    typer.echo(f"Labs: {p.labs}")


def _echo_order(o: CompoundingOrder) -> None:
    typer.echo(o.prescription_text)
    typer.echo(f"Total {o.total_mg} mg from {o.tablets_50mg} x 50 mg tablets. {o.preparation}")
    for w in o.warnings:
        typer.echo(f"warning: {w}")
