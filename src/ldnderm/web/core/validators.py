"""Django form validators over the kernel's shared plausibility checks, so a page refuses what
the API and the CLI refuse, with the same words."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.plausible import check_year


def year_in_range(value: dt.date) -> None:
    """A form field's date must lie in the years 1900-2100
    (:func:`ldnderm.kernel.plausible.check_year`)."""
    try:
        check_year(value, "")
    except InvalidInput as exc:
        raise ValidationError(f"{exc.problem} (allowed: {exc.allowed})", code="year") from exc
