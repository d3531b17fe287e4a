"""``ldnderm evidence [CONDITION] [--json]``: the graded evidence, as the API and pages show it."""

from __future__ import annotations

from typing import Any

import typer

from ldnderm.cli.io import print_json


def register(app: typer.Typer) -> None:
    app.command("evidence")(evidence)


def evidence(
    condition: str | None = typer.Argument(
        None, help="Condition id, name, synonym or ICD-10-CM code (e.g. L73.2). Omit to list all."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show what the literature says about naltrexone for a condition, graded, with sources."""
    from ldnderm import evidence
    from ldnderm.evidence import presenters

    kb = evidence.base()
    if condition is None:
        rows = presenters.condition_list(kb)
        if json_out:
            print_json({"conditions": rows, "knowledge_version": _version()})
            return
        _echo_list(rows)
        return
    detail = presenters.condition_detail(kb.condition(condition), kb)
    if json_out:
        print_json(detail)
        return
    _echo_detail(detail)


def _version() -> str:
    from ldnderm.kernel.version import knowledge_version

    return knowledge_version()


def _echo_list(rows: list[dict[str, Any]]) -> None:
    typer.echo(f"{'id':<36} {'certainty':<20} {'direction':<14} {'studies':>7}")
    for row in rows:
        typer.echo(
            f"{row['id']:<36} {row['grade_label']:<20} {row['direction_label'] or '-':<14} "
            f"{row['study_count']:>7}"
        )
    typer.echo(f"knowledge base {_version()}")


def _echo_detail(d: dict[str, Any]) -> None:
    typer.echo(f"{d['name']} ({d['id']})")
    codes = ", ".join(c["code"] for c in d["icd10cm"])
    if codes:
        typer.echo(f"ICD-10-CM: {codes}")
    typer.echo(f"Key outcome: {d['key_outcome']}")
    typer.echo(f"Certainty: {d['certainty_summary']}")
    for reason in d["grade_reasons"]:
        typer.echo(f"  - {reason}")
    typer.echo("")
    typer.echo(d["clinician_summary"]["text"])
    if d["searched"]:
        typer.echo(f"\nSearched: {d['searched']}")
    if d["regimens"]:
        typer.echo("\nRegimens:")
        for r in d["regimens"]:
            typer.echo(f"  {r['label']}  [{', '.join(r['studies'])}]")
    typer.echo("\nStudies:")
    for s in d["studies"]:
        ident = (
            (s["doi"] and f"doi:{s['doi']}") or (s["pmid"] and f"PMID {s['pmid']}") or s["urls"][0]
        )
        n = f"n={s['n']}" if s["n"] else "n=-"
        typer.echo(
            f"  {s['id']:<30} {s['design_label']:<28} {n:<6} {s['direction_label'] or '-':<13} "
            f"{ident}"
        )
    typer.echo(f"\nMeasures: {', '.join(d['recommended_measures']) or '-'}")
    typer.echo(f"knowledge base {d['knowledge_version']}")
