"""``ldnderm fhir import FILE [--clinic ID]`` and ``ldnderm fhir export PATIENT_ID``.

Both reach the database through :mod:`ldnderm.web.fhir.services` (imported on use, after
Django is set up), so the rest of the CLI never loads Django.
"""

from __future__ import annotations

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
) -> None:
    """Import a Bundle atomically; importing it again creates nothing new."""
    from ldnderm.web import runtime

    runtime.setup()
    from ldnderm.web.fhir import services

    report = services.import_bundle(services.find_clinic(clinic), read_json(file)).as_json()
    if json_out:
        print_json(report)
        return
    created = ", ".join(f"{n} {k}" for k, n in report["created"].items()) or "nothing"
    existing = ", ".join(f"{n} {k}" for k, n in report["existing"].items()) or "none"
    typer.echo(f"clinic {report['clinic']}: created {created}; already present: {existing}")
    for line in report["skipped"]:
        typer.echo(f"  skipped {line}")


@fhir_app.command("export")
def export(
    patient_id: int = typer.Argument(..., help="Registry patient id."),
) -> None:
    """Print the patient as a FHIR R4 collection Bundle (validated with fhir.resources R4B)."""
    from ldnderm.web import runtime

    runtime.setup()
    from ldnderm.kernel.errors import NotFound
    from ldnderm.web.fhir import services
    from ldnderm.web.registry.models import Patient

    patient = Patient.objects.select_related("clinic").filter(pk=patient_id).first()
    if patient is None:
        raise NotFound("patient", str(patient_id))
    print_json(services.export_patient(patient))
