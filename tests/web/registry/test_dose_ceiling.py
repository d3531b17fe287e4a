"""One dose ceiling: the highest protocol target in the dosing data is the threshold of the screen's
``dose-above-ceiling`` rule, the registry's input limit and the database constraint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from pydantic import ValidationError

from ldnderm.dosing.data import max_daily_mg
from ldnderm.safety.data import load
from ldnderm.web.registry.inputs import DoseIn
from ldnderm.web.registry.models import DoseChange
from tests.web.registry.personas import Record


def test_the_screen_ceiling_is_the_dosing_ceiling() -> None:
    rule = next(r for r in load().rules.rules if r.id == "dose-above-ceiling")
    assert rule.trigger.kind == "dose_above"
    assert rule.trigger.mg == max_daily_mg() == Decimal(150)


def test_the_registry_input_refuses_a_dose_above_the_ceiling() -> None:
    DoseIn(changed_on=dt.date(2026, 4, 1), mg_per_day=max_daily_mg())
    with pytest.raises(ValidationError):
        DoseIn(changed_on=dt.date(2026, 4, 1), mg_per_day=max_daily_mg() + Decimal("0.01"))


@pytest.mark.db
def test_the_database_refuses_a_dose_above_the_ceiling(mine: Record) -> None:
    course = mine.patient.courses.get()
    DoseChange.objects.create(course=course, changed_on=dt.date(2026, 5, 1), mg_per_day=150)
    with pytest.raises(IntegrityError), transaction.atomic():
        DoseChange.objects.create(
            course=course, changed_on=dt.date(2026, 5, 2), mg_per_day=Decimal("150.01")
        )
