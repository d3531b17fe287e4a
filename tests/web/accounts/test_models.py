"""Invariants of the accounts tables, held by the database itself."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from ldnderm.web.accounts.models import User

pytestmark = pytest.mark.db


def test_an_email_address_belongs_to_one_account_whatever_its_case() -> None:
    User.objects.create(username="one", email="Same@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="two", email="same@example.ORG")


def test_many_accounts_may_have_no_address() -> None:
    User.objects.create(username="one", email="")
    User.objects.create(username="two", email="")
    assert User.objects.filter(email="").count() == 2
