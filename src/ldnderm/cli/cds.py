"""``ldnderm cds card`` (and ``ldnderm cds services``): the CDS Hooks service, offline.

``card`` runs one hook request from a file, without a JWT, choosing the service by the request's
``hook``, and prints ``{"cards": [...]}`` exactly as ``POST /cds-services/{id}`` would answer. It
never calls a FHIR server: a request without the prefetch data it needs exits 2 (HTTP: 412).
"""

from __future__ import annotations

import typer

from ldnderm.cli.io import print_json, read_json

cds_app = typer.Typer(help="CDS Hooks: run hook requests offline.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(cds_app, name="cds")


@cds_app.command("card")
def card(
    request_file: str = typer.Argument(..., help="Hook request JSON file, or - for stdin."),
    json_out: bool = typer.Option(False, "--json", help="Print the CDS Hooks JSON response."),
    today: str = typer.Option("", "--today", help="Evaluation date YYYY-MM-DD (default: today)."),
) -> None:
    """Answer a hook request as the service would, with the cards as JSON or as text."""
    from datetime import date

    from ldnderm.interop import cdshooks
    from ldnderm.kernel.errors import InvalidInput

    body = read_json(request_file, "REQUEST_FILE")
    hook = body.get("hook") if isinstance(body, dict) else None
    target = cdshooks.service_for_hook(str(hook or ""))
    try:
        day = date.fromisoformat(today) if today else date.today()  # noqa: DTZ011
    except ValueError as exc:
        raise InvalidInput("--today", "is not a YYYY-MM-DD date") from exc
    try:
        response = cdshooks.run(target.id, body, cdshooks.Environment(today=day))
    except cdshooks.PrefetchUnavailable as exc:
        raise InvalidInput(
            "prefetch", f"missing {', '.join(exc.keys)} (offline: no fetch): {exc.reason}"
        ) from exc
    document = cdshooks.dump(response)
    if json_out:
        print_json(document)
        return
    if not document["cards"]:
        typer.echo(f"{target.id}: no cards")
    for item in document["cards"]:
        typer.echo(f"[{item['indicator']}] {item['summary']}")
        typer.echo(f"    source: {item['source']['label']}")
        for suggestion in item.get("suggestions", ()):
            typer.echo(f"    suggestion: {suggestion['label']}")


@cds_app.command("services")
def services(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the services as ``GET /cds-services`` describes them."""
    from ldnderm.interop import cdshooks

    document = cdshooks.dump(cdshooks.discovery())
    if json_out:
        print_json(document)
        return
    for item in document["services"]:
        typer.echo(f"{item['id']:<26} {item['hook']:<14} {item.get('title', '')}")
