"""One server process's view of the replay store, for the two-process replay test.

``python replay_worker.py [--create] ISSUERS_JSON AUDIENCE TOKEN...`` verifies each token with
the web door's verifier set-up (the database replay store on the SQLite file of
``DATABASE_URL``) and prints one line per token: ``ok`` or the refusal. ``--create`` first
creates the ``SeenJti`` table in that (new) file.
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

    if argv[0] == "--create":
        argv = argv[1:]
        with connection.schema_editor() as editor:
            editor.create_model(SeenJti)
    issuers_json, audience, *tokens = argv
    verifier = Verifier(issuers=parse_issuers(issuers_json), replay=DatabaseReplayStore())
    for token in tokens:
        try:
            verifier.verify(f"Bearer {token}", audience)
        except ClientAuthError as exc:
            print(exc.reason)
        else:
            print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
