"""The other processes of the backup drill, on the database in ``DATABASE_URL``.

``python drill_worker.py write [N]`` is the site writing: it creates patients (``DRILL-<i>``)
with their audit events, one transaction each, and prints each MRN once committed, until
stdin closes (or N are written). ``python drill_worker.py stats`` prints every table's row count
and checksum as JSON; ``python drill_worker.py mrns`` the drill patients present.
"""

from __future__ import annotations

import json
import os
import select
import sys
import time
import uuid


def write(limit: int | None) -> None:
    from django.db import transaction

    from ldnderm.web.accounts.models import Clinic
    from ldnderm.web.audit.log import Action, Actor, record
    from ldnderm.web.registry.models import Patient

    clinic = Clinic.objects.order_by("pk").first()
    assert clinic is not None, "load the demo data first"
    actor = Actor(user_id=None, username="drill-writer", clinic_id=clinic.pk)
    run = uuid.uuid4().hex[:8]
    i = 0
    while limit is None or i < limit:
        mrn = f"DRILL-{run}-{i}"
        with transaction.atomic():
            p = Patient.objects.create(clinic=clinic, mrn=mrn, given_name="Drill", family_name="W")
            record(actor, Action.CREATE, "patient", p.pk, p.pk)
        print(mrn, flush=True)
        i += 1
        time.sleep(0.005)  # a busy clinic, not a benchmark: leave the CPU to the backup
        if limit is None and select.select([sys.stdin], [], [], 0)[0] and not sys.stdin.read(1):
            return  # stdin closed: the drill is over


def stats() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        from pathlib import Path

        from ldnderm.web.backup import sqlite

        found = sqlite.stats(Path(connection.settings_dict["NAME"]))
    else:
        from ldnderm.web.backup import postgres

        found = postgres.stats()
    print(json.dumps({t: {"rows": s.rows, "checksum": s.checksum} for t, s in found.items()}))


def mrns() -> None:
    from ldnderm.web.registry.models import Patient

    print(json.dumps(sorted(Patient.objects.filter(mrn__startswith="DRILL-").values_list(
        "mrn", flat=True))))  # fmt: skip


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ldnderm.web.settings")
    import django

    django.setup()
    if argv[0] == "write":
        write(int(argv[1]) if len(argv) > 1 else None)
    elif argv[0] == "stats":
        stats()
    else:
        mrns()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
