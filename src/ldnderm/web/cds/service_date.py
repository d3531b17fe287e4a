"""The date a CDS Hooks call is answered as of ("today" of the screen and the assessments due).

An issuer mapped to a registry clinic (``"clinic"`` in ``LDNDERM_CDS_ISSUERS``) calls on that
clinic's behalf, so the date is the clinic's own (:func:`~ldnderm.web.accounts.clinic_time.
clinic_today`, in the clinic's IANA time zone). Any other issuer gets the UTC date: the service
knows nothing of where its EHR is, and a hook call is anonymous, so neither a user's clinic nor
``LDNDERM_DEFAULT_TIME_ZONE`` applies. A mapping to a clinic id that does not exist is treated
as no mapping.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current instant (aware); one place for tests to freeze the clock of hook calls."""
    return timezone.now()


def hook_today(clinic_slug: str | None) -> dt.date:
    """Today for a hook call of an issuer mapped to ``clinic_slug`` (``None``: not mapped)."""
    from ldnderm.web.accounts.clinic_time import clinic_today
    from ldnderm.web.accounts.models import Clinic

    instant = now()
    clinic = Clinic.objects.filter(slug=clinic_slug).first() if clinic_slug else None
    if clinic is None:
        return instant.astimezone(dt.UTC).date()
    return clinic_today(clinic, instant)
