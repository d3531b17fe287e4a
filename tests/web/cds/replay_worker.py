"""One server process's view of the replay store, for the two-process replay test.

``python replay_worker.py create``: create the ``SeenJti`` table in the SQLite file named by
``DATABASE_URL``. ``python replay_worker.py verify ISSUERS_JSON AUDIENCE TOKEN``: verify one
token with the web door's verifier set-up (database replay store); prints ``ok`` or the reason.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.db import connection

    from ldnderm.interop.cdshooks.auth import Verifier, parse_issuers
    from ldnderm.interop.cdshooks.errors import ClientAuthError
    from ldnderm.web.cds.models import SeenJti
    from ldnderm.web.cds.replay import DatabaseReplayStore

    if argv[0] == "create":
        with connection.schema_editor() as editor:
            editor.create_model(SeenJti)
        print("created")
        return 0
    issuers_json, audience, token = argv[1:4]
    verifier = Verifier(issuers=parse_issuers(issuers_json), replay=DatabaseReplayStore())
    try:
        verifier.verify(f"Bearer {token}", audience)
    except ClientAuthError as exc:
        print(exc.reason)
        return 0
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
