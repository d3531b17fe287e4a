"""One server process counting requests, for the multi-process rate-limit test.

``python throttle_worker.py [--create] N`` calls :func:`ldnderm.web.accounts.throttle.allow`
``N`` times for one key on the SQLite file of ``DATABASE_URL`` and prints how many were allowed.
``--create`` first creates the counter table in that (new) file.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.db import connection

    from ldnderm.web.accounts.models import RequestCounter
    from ldnderm.web.accounts.throttle import allow

    if argv[0] == "--create":
        with connection.schema_editor() as editor:
            editor.create_model(RequestCounter)
        return 0
    print(sum(allow("race", "k", 12, 3600) for _ in range(int(argv[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
