"""Registry commands for the CLI (``ldnderm demo``, ``ldnderm registry rescore`` and
``rescreen``). The CLI
imports this module on use; it sets Django up itself."""

from __future__ import annotations

from ldnderm.web import runtime


def demo(if_empty: bool, reset_passwords: bool = False) -> list[dict[str, object]] | None:
    """Load the demo data; ``None`` when ``if_empty`` and the registry already holds patients.
    Each account carries its password only when this run set it."""
    runtime.setup()
    from ldnderm.web.registry import demo as data

    if if_empty and data.has_data():
        return None
    return [c.__dict__ for c in data.load(reset_passwords=reset_passwords)]


def has_demo_clinics() -> bool:
    runtime.setup()
    from ldnderm.web.accounts.models import Clinic

    return Clinic.objects.filter(demo=True).exists()


def rescore(measure_id: str | None) -> tuple[int, int, list[tuple[int, str]]]:
    """``(seen, changed, failed)``; ``failed`` lists ``(assessment id, reason)`` of the rows
    that cannot be scored (left unchanged)."""
    runtime.setup()
    from ldnderm.web.registry.services.visits import rescore as run

    done = run(measure_id)
    return done.seen, done.changed, done.failed


def rescreen() -> tuple[int, list[dict[str, object]]]:
    """Every clinic's active courses re-screened; those whose verdict got worse. Stores nothing."""
    runtime.setup()
    from ldnderm.web.registry.models import TreatmentCourse
    from ldnderm.web.registry.services.rescreen import worsened

    seen, rows = worsened(TreatmentCourse.objects.all())
    return seen, [w.as_json() for w in rows]
