"""The audit commands of the CLI (``ldnderm audit verify``, ``audit head``,
``patient erase``). The CLI imports this module on use; it sets Django up itself."""

from __future__ import annotations

from typing import Any

from ldnderm.web import runtime


def verify(head: str | None) -> dict[str, Any]:
    runtime.setup()
    from ldnderm.web.audit.verify import verify as run

    return run(head).as_json()


def head() -> dict[str, Any]:
    runtime.setup()
    from ldnderm.web.audit.verify import current_head

    return current_head().as_json()


def erase_patient(patient_id: int, reason: str, username: str | None) -> dict[str, Any]:
    runtime.setup()
    from ldnderm.kernel.errors import NotFound
    from ldnderm.web.audit.operator import cli_actor
    from ldnderm.web.registry.models import Patient
    from ldnderm.web.registry.services.erasure import erase_patient as run

    clinic_id = Patient.objects.filter(pk=patient_id).values_list("clinic_id", flat=True).first()
    if clinic_id is None:
        raise NotFound("patient", str(patient_id))
    actor = cli_actor(username, "patient erase", clinic_id)
    return run(actor, patient_id, reason).as_json()
