"""The project's own user model, in place from the first migration so clinics and roles can be
attached without swapping the user model later."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person who signs in: clinician, staff, researcher or administrator."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
