"""``ldnderm fhir import FILE [--clinic ID] --user USERNAME``,
``ldnderm fhir export PATIENT_ID --user USERNAME``,
``ldnderm fhir mrn-systems [--clinic ID] [SYSTEM...] [--clear]`` and
``ldnderm fhir check-identities [--clinic ID] [--json]``.

``--user`` names the registry user in whose name an import or export is audited; it is
required once the registry has users (see :mod:`ldnderm.web.audit.operator`). All reach the
database through :mod:`ldnderm.web.fhir.services` (imported on use, after
Django is set up), so the rest of the CLI never loads Django.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ldnderm.cli.io import print_json, read_json

fhir_app = typer.Typer(help="FHIR R4: import bundles into the registry, export patients.")


def register(app: typer.Typer) -> None:
    app.add_typer(fhir_app, name="fhir")


@fhir_app.command("import")
def import_(
    file: str = typer.Argument(..., help="FHIR Bundle (transaction or collection), or -."),
    clinic: str = typer.Option(
        None, "--clinic", help="Clinic slug or id (default: the only clinic)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
    user: str = typer.Option(
        None, "--user", help="The registry user running this (required once users exist)."
    ),
) -> None:
    """Import a Bundle atomically; importing it again creates nothing new."""
    from ldnderm.web import runtime

    runtime.setup()
    from ldnderm.web.audit.operator import cli_actor
    from ldnderm.web.fhir import services

    data = read_json(file)
    target = services.find_clinic(clinic)
    actor = cli_actor(user, "fhir import", target.pk)
    report = services.import_bundle(target, data, actor).as_json()
    if json_out:
        print_json(report)
        return
    created = ", ".join(f"{n} {k}" for k, n in report["created"].items()) or "nothing"
    existing = ", ".join(f"{n} {k}" for k, n in report["existing"].items()) or "none"
    typer.echo(f"clinic {report['clinic']}: created {created}; already present: {existing}")
    for line in report["skipped"]:
        typer.echo(f"  skipped {line}")
    for line in report["deleted"]:
        typer.echo(f"  deleted since import {line}")
    for line in report["notes"]:
        typer.echo(f"  note {line}")


@fhir_app.command("mrn-systems")
def mrn_systems(
    systems: Annotated[
        list[str] | None,
        typer.Argument(
            help="Identifier system URIs whose values are this clinic's MRN (replaces the list)."
        ),
    ] = None,
    clinic: str = typer.Option(
        None, "--clinic", help="Clinic slug or id (default: the only clinic)."
    ),
    clear: bool = typer.Option(False, "--clear", help="Remove every configured MRN system."),
) -> None:
    """Show or set the identifier systems whose values are the clinic's registry MRN."""
    from ldnderm.web import runtime

    runtime.setup()
    from ldnderm.web.fhir import identity, services

    found = services.find_clinic(clinic)
    if systems or clear:
        found.mrn_systems = [] if clear else identity.clean_systems(systems or [])
        found.save(update_fields=["mrn_systems"])
    print_json({"clinic": found.slug, "mrn_systems": found.mrn_systems})


@fhir_app.command("check-identities")
def check_identities(
    clinic: str = typer.Option(None, "--clinic", help="Clinic slug or id (default: all)."),
    json_out: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """List registry patients who may be two people merged: identifiers of more than one system
    under one value, or imported from more than one source patient. Exit 1 when any is found."""
    from ldnderm.web import runtime

    runtime.setup()
    from ldnderm.web.fhir import identity, services

    scope = services.find_clinic(clinic) if clinic is not None else None
    findings = identity.check_identities(scope)
    if json_out:
        print_json({"patients": [f.as_json() for f in findings]})
    else:
        if not findings:
            typer.echo("no patient holds identifiers of more than one source")
        for f in findings:
            typer.echo(f"clinic {f.clinic} patient {f.patient_id} (MRN {f.mrn}):")
            for problem in f.problems:
                typer.echo(f"  {problem}")
    if findings:
        raise typer.Exit(1)


@fhir_app.command("export")
def export(
    patient_id: int = typer.Argument(..., help="Registry patient id."),
    user: str = typer.Option(
        None, "--user", help="The registry user running this (required once users exist)."
    ),
) -> None:
    """Print the patient as a FHIR R4 collection Bundle (validated with fhir.resources R4B)."""
    from ldnderm.web import runtime

    runtime.setup()
    from ldnderm.kernel.errors import NotFound
    from ldnderm.web.audit.operator import cli_actor
    from ldnderm.web.fhir import services
    from ldnderm.web.registry.models import Patient

    patient = Patient.objects.select_related("clinic").filter(pk=patient_id).first()
    if patient is None:
        raise NotFound("patient", str(patient_id))
    actor = cli_actor(user, "fhir export", patient.clinic_id)
    print_json(services.export_patient(patient, actor))
