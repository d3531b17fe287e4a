"""A real multi-threaded server on a file-based SQLite database, for the concurrency test.

``python sqlite_server.py`` (with ``DATABASE_URL`` naming a new SQLite file) migrates the
database, creates a clinic, a clinician with an API token and one patient, starts Django's
threaded WSGI server on a free loopback port and prints one JSON line
``{"port", "token", "patient_id"}``; it then serves until killed. The settings are the site's
own (:mod:`ldnderm.web.settings`), so the SQLite options under test are the ones deployed.
"""

from __future__ import annotations

import json
import sys
from typing import Any


class _QuietHandler:
    """Mixed into Django's request handler below: no access log line per request."""

    def log_message(self, *args: Any) -> None:
        return None


def main() -> int:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    from ldnderm.web.accounts.models import ApiToken, Clinic, User
    from ldnderm.web.registry.models import Patient

    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(name="Load clinic", slug="load")
    user = User.objects.create_user("loader", password="not-used-0123456789", clinic=clinic)
    user.groups.add(Group.objects.get(name="clinician"))
    token, _row = ApiToken.issue(user)
    patient = Patient.objects.create(
        clinic=clinic, mrn="L-1", given_name="Load", family_name="Test", birth_year=1980
    )

    class Handler(_QuietHandler, WSGIRequestHandler):
        pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Handler)
    server.set_app(get_wsgi_application())
    port = server.server_address[1]
    print(json.dumps({"port": port, "token": token, "patient_id": patient.pk}), flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
