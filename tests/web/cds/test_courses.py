"""The assessments due on the patient-view card, for any dates a registry may hold."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ldnderm.interop.cdshooks.patient import PatientData
from ldnderm.web.cds.courses import HORIZON, INTERVAL, _due

CONDITION = "hidradenitis-suppurativa"


def due(started: date, last: dict[str, date], as_of: date) -> list[tuple[str, date]]:
    patient = PatientData(as_of=as_of, patient_id="p", bundle={})
    return [(d.measure, d.due) for d in _due(CONDITION, started, last, patient)]


def test_a_measure_is_due_28_days_after_its_last_assessment() -> None:
    as_of = date(2026, 6, 1)
    shown = due(date(2026, 1, 5), {"ihs4": as_of - INTERVAL}, as_of)
    assert any(day == as_of for _name, day in shown)


def test_a_visit_dated_9999_12_31_leaves_its_measure_not_due_instead_of_failing() -> None:
    as_of = date(2026, 6, 1)
    everything = due(date(2026, 1, 5), {}, as_of)
    far = due(date(2026, 1, 5), {"ihs4": date.max}, as_of)
    assert len(far) == len(everything) - 1


@given(st.dates(), st.dates(), st.dates())
def test_no_dates_from_0001_to_9999_break_the_due_list(
    started: date, last: date, as_of: date
) -> None:
    shown = due(started, {"ihs4": last, "hs-lesions": last}, as_of)
    horizon = as_of + HORIZON if as_of <= date.max - HORIZON else date.max
    assert all(day <= horizon for _name, day in shown)
    if last <= date.max - INTERVAL and last + INTERVAL > horizon:
        assert all(day != last + INTERVAL for _name, day in shown)
