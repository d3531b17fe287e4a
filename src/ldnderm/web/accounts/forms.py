"""Forms of the clinic administrator's pages."""

from __future__ import annotations

import zoneinfo

from django import forms

from ldnderm.web.accounts.clinic_time import validate_time_zone
from ldnderm.web.accounts.models import ROLES

ROLE_CHOICES = [(r, r) for r in ROLES]


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="What they will log in with.")
    email = forms.EmailField(max_length=254, help_text="Where the set-password link goes.")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial="clinician")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


def _zone_choices() -> list[tuple[str, str]]:
    return [(z, z) for z in sorted(zoneinfo.available_timezones()) if "/" in z or z == "UTC"]


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=_zone_choices,
        validators=[validate_time_zone],
        help_text="The IANA name, e.g. Europe/London or America/New_York.",
    )
