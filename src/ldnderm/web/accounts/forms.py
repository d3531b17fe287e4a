"""Forms of the clinic administrator's pages."""

from __future__ import annotations

from django import forms

from ldnderm.web.accounts.models import ROLES

ROLE_CHOICES = [(r, r) for r in ROLES]


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="What they will log in with.")
    email = forms.EmailField(max_length=254, help_text="Where the set-password link goes.")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial="clinician")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)
