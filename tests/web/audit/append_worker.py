"""One server process appending audit rows, for the multi-process SQLite chain test.

``python append_worker.py WORKER COUNT`` appends COUNT audit rows to the database of
``DATABASE_URL``, each in its own transaction, and exits 0.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from ldnderm.web.audit.log import Action, Actor, record

    worker, count = argv[0], int(argv[1])
    actor = Actor(user_id=None, username=f"worker-{worker}", clinic_id=None)
    for i in range(count):
        record(actor, Action.READ, "patient", i, i, worker=worker)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
