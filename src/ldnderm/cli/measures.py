"""``ldnderm score``, ``ldnderm compare`` and ``ldnderm measures list``."""

from __future__ import annotations

from typing import Any

import typer

from ldnderm.cli.io import print_json, read_json

measures_app = typer.Typer(
    help="Outcome measures: list them with their sources.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("score")(score)
    app.command("compare")(compare)
    app.add_typer(measures_app, name="measures")


def score(
    measure: str = typer.Argument(..., help="Measure id, e.g. dlqi (see `ldnderm measures list`)."),
    file: str = typer.Argument("-", help="JSON responses file, or - for stdin."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Score one set of responses exactly as the instrument was published."""
    from ldnderm import measures

    instrument = measures.get(measure)
    result = instrument.score(read_json(file))
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    if result.computable:
        band = f"  {result.band_label} ({result.band})" if result.band else ""
        typer.echo(f"{instrument.definition.name}: {_num(result.total)}{band}")
    else:
        typer.echo(f"{instrument.definition.name}: not computable: {result.reason}")
    _echo_copyright(instrument.definition.copyright)


def compare(
    measure: str = typer.Argument(..., help="Measure id, e.g. pasi."),
    baseline: str = typer.Argument(..., help="Baseline responses (JSON file or -)."),
    followup: str = typer.Argument(..., help="Follow-up responses (JSON file or -)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Compare a follow-up with its baseline by the measure's published responder definitions."""
    from ldnderm import measures

    if baseline == "-" and followup == "-":
        from ldnderm.kernel.errors import InvalidInput

        raise InvalidInput("FOLLOWUP", "only one of BASELINE and FOLLOWUP can be read from stdin")
    instrument = measures.get(measure)
    result = instrument.compare(read_json(baseline, "BASELINE"), read_json(followup, "FOLLOWUP"))
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    name = instrument.definition.name
    if not result.evaluable:
        typer.echo(f"{name}: not evaluable: {result.reason}")
    else:
        pct = "" if result.percent_change is None else f" ({_num(result.percent_change)}%)"
        typer.echo(f"{name}: change {_num(result.change)}{pct}")
        for key, met in result.responders.items():
            typer.echo(f"  {key}: {'yes' if met else 'no'}")
    _echo_copyright(instrument.definition.copyright)


@measures_app.command("list")
def list_measures(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the measures with version, recall period and citations."""
    from ldnderm import measures

    rows = [m.describe() for m in measures.all_measures()]
    if json_out:
        print_json(rows)
        return
    for row in rows:
        flags = "score" if row["scorable"] else ""
        flags += (", " if flags else "") + "compare" if row["comparable"] else ""
        typer.echo(f"{row['id']:<14} {row['name']}  [{flags}]")


def _num(value: Any) -> str:
    return "-" if value is None else f"{value}"


def _echo_copyright(line: str | None) -> None:
    if line:
        typer.echo(line)
