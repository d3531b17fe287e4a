"""The patient profile screened before naltrexone is started or continued.

A profile arrives as a JSON object (:func:`read_profile`) or as a FHIR R4 Bundle
(:func:`ldnderm.safety.fhir.profile_from_bundle`); both give the same :class:`Profile`. Reading is
strict: unknown keys, wrong types, impossible dates and out-of-range numbers raise
:class:`~ldnderm.kernel.errors.InvalidInput` naming the field, e.g. ``medications[2].end``.

Units: ``planned_dose_mg`` is milligrams of naltrexone hydrochloride per day (0.001-500).

**Unknown is not "no".** A key absent from the document (or ``null``) is unknown: ``hepatic`` is
then ``None``, not "normal", and an absent ``allergies`` means hypersensitivity was not checked.
``"medications": []`` states that no medicine is taken; an absent ``medications`` does not.
:data:`REQUIRED_FACTS` lists what a complete screen needs; :meth:`Profile.unstated` names what is
missing, and the screen reports those facts as not checked (never ``ok`` because of them).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from ldnderm.kernel import readers as r
from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.model import Frozen as _Frozen

Sex = Literal["female", "male", "other", "unknown"]
Hepatic = Literal["normal", "mild", "moderate", "severe", "acute_hepatitis", "liver_failure"]
Renal = Literal["normal", "mild", "moderate", "severe", "dialysis"]

SEXES = ("female", "male", "other", "unknown")
HEPATIC = ("normal", "mild", "moderate", "severe", "acute_hepatitis", "liver_failure")
RENAL = ("normal", "mild", "moderate", "severe", "dialysis")
CODE_SYSTEMS = ("icd10cm", "snomed")
LAB_VALUES = {
    "urine_opioid_screen": ("positive", "negative"),
    "naloxone_challenge": ("passed", "failed"),
}
REQUIRED_FACTS = (
    "medications",
    "allergies",
    "hepatic",
    "renal",
    "planned_procedures",
    "opioid_use_disorder_history",
    "planned_dose_mg",
)
"""Facts every screen needs stated (absent: not checked)."""
PREGNANCY_FACTS = ("pregnant", "breastfeeding")
"""Also required unless the sex is male or the age is known to be outside 12-55 years."""
CHILDBEARING_AGE = (12, 55)
"""Product decision: the age range (years, inclusive) in which pregnancy and breastfeeding are
asked about when the sex is not male."""

LOW_DOSE_MAX_MG = Decimal(6)
"""Upper bound of the low-dose band: LDN is about 1-5 mg/day, some papers up to 6 mg
(the dose bands of the evidence notes)."""

_KEYS = (
    "as_of", "age", "birth_date", "sex", "pregnant", "breastfeeding", "conditions", "medications",
    "allergies", "hepatic", "renal", "planned_procedures", "opioid_use_disorder_history",
    "planned_dose_mg", "labs", "lab_values",
)  # fmt: skip


class ConditionRef(_Frozen):
    """A condition by knowledge-base id or free text (``text``) or by code (``code``+``system``)."""

    text: str | None = None
    code: str | None = None
    system: Literal["icd10cm", "snomed"] | None = None


class Medication(_Frozen):
    """A medicine in use, stopped or planned; ``end`` is the last day taken (inclusive)."""

    name: str | None = None
    rxnorm: str | None = None
    atc: str | None = None
    start: date | None = None
    end: date | None = None
    prn: bool = False

    def describe(self) -> str:
        codes = [
            f"RxNorm {self.rxnorm}" if self.rxnorm else "",
            f"ATC {self.atc}" if self.atc else "",
        ]
        coded = ", ".join(c for c in codes if c)
        if self.name:
            return f"{self.name} ({coded})" if coded else self.name
        return coded


class LabResult(_Frozen):
    """A laboratory value as reported: ``value`` in ``unit``, the lab's ``upper_limit`` (same
    unit) when given. No threshold is applied to it: no label or guideline seen gives one."""

    name: str
    value: Decimal
    unit: str
    upper_limit: Decimal | None = None
    taken_on: date | None = None
    code: str | None = None
    comparator: Literal["<", "<=", ">=", ">"] | None = None

    @property
    def times_upper_limit(self) -> Decimal | None:
        """``value`` as a multiple of the upper limit (2 decimals), when the limit is given."""
        if not self.upper_limit:
            return None
        return (self.value / self.upper_limit).quantize(Decimal("0.01"))


class Procedure(_Frozen):
    date: date
    description: str = ""
    opioid_analgesia_expected: bool = True


class Profile(_Frozen):
    """Everything the safety rules look at. See the module docstring for units."""

    as_of: date
    age: int | None = None
    birth_date: date | None = None
    sex: Sex = "unknown"
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    conditions: list[ConditionRef] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    allergies: list[str] = Field(default_factory=list)
    hepatic: Hepatic | None = None
    renal: Renal | None = None
    planned_procedures: list[Procedure] = Field(default_factory=list)
    opioid_use_disorder_history: bool | None = None
    planned_dose_mg: Decimal | None = None
    labs: dict[str, str] = Field(default_factory=dict)
    lab_values: list[LabResult] = Field(default_factory=list)
    stated: frozenset[str] = frozenset()
    """The keys the document gave (with a non-null value)."""

    def unstated(self) -> list[str]:
        """Required facts that were not stated, in :data:`REQUIRED_FACTS` order, then pregnancy
        and breastfeeding when they apply."""
        missing = [fact for fact in REQUIRED_FACTS if fact not in self.stated]
        if self.pregnancy_relevant:
            missing += [fact for fact in PREGNANCY_FACTS if fact not in self.stated]
        return missing

    @property
    def pregnancy_relevant(self) -> bool:
        """Pregnancy and breastfeeding must be asked unless the sex is male or the age is known
        to be outside :data:`CHILDBEARING_AGE`."""
        if self.sex == "male":
            return False
        age = self.age_years
        low, high = CHILDBEARING_AGE
        return age is None or low <= age <= high

    @property
    def age_years(self) -> int | None:
        """Completed years on ``as_of`` (from ``birth_date`` when given)."""
        if self.birth_date is None:
            return self.age
        b, d = self.birth_date, self.as_of
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day))

    @property
    def dose_band(self) -> Literal["low", "standard", "unknown"]:
        if self.planned_dose_mg is None:
            return "unknown"
        return "low" if self.planned_dose_mg <= LOW_DOSE_MAX_MG else "standard"


def read_profile(data: Any, as_of: date | None = None) -> Profile:
    """Read a profile from parsed JSON; ``as_of`` (when given) overrides the document's.

    Raises
    ------
    InvalidInput
        For the first offending field, with its dotted path.
    """
    doc = r.as_object(data)
    r.reject_unknown(doc, _KEYS)
    fields: dict[str, Any] = {"as_of": as_of or _opt(doc, "as_of", r.date_value) or r.today()}
    age, birth = r.get(doc, "age"), r.get(doc, "birth_date")
    if age is not r.MISSING and birth is not r.MISSING:
        raise InvalidInput("age", "give either age or birth_date, not both")
    if age is not r.MISSING:
        fields["age"] = r.integer(age, "age", 0, 130)
    if birth is not r.MISSING:
        fields["birth_date"] = r.date_value(birth, "birth_date")
        if fields["birth_date"] > fields["as_of"]:
            raise InvalidInput("birth_date", "is after as_of")
    for key, choices in (("sex", SEXES), ("hepatic", HEPATIC), ("renal", RENAL)):
        value = _opt(doc, key, lambda v, f, c=choices: r.choice(v, f, c))
        if value is not None:
            fields[key] = value
    for key in ("pregnant", "breastfeeding", "opioid_use_disorder_history"):
        flag = _opt(doc, key, r.boolean)
        if flag is not None:
            fields[key] = flag
    dose = _opt(doc, "planned_dose_mg", lambda v, f: r.number(v, f, Decimal("0.001"), Decimal(500)))
    if dose is not None:
        fields["planned_dose_mg"] = dose
    fields["conditions"] = _each(doc, "conditions", _condition)
    fields["medications"] = _each(doc, "medications", _medication)
    fields["allergies"] = _each(doc, "allergies", r.string)
    fields["planned_procedures"] = _each(doc, "planned_procedures", _procedure)
    fields["labs"] = _labs(r.get(doc, "labs"))
    fields["lab_values"] = _each(doc, "lab_values", _lab_result)
    fields["stated"] = frozenset(k for k in _KEYS if r.get(doc, k) is not r.MISSING)
    return Profile(**fields)


def _opt(doc: Any, key: str, read: Any) -> Any:
    value = r.get(doc, key)
    return None if value is r.MISSING else read(value, key)


def _each(doc: Any, key: str, read: Any) -> list[Any]:
    value = r.get(doc, key)
    if value is r.MISSING:
        return []
    return [read(item, r.join(key, i)) for i, item in enumerate(r.array(value, key))]


def _condition(value: Any, field: str) -> ConditionRef:
    if isinstance(value, str):
        return ConditionRef(text=r.string(value, field))
    obj = r.as_object(value, field)
    r.reject_unknown(obj, ("code", "system", "display"), field)
    code = r.string(r.get(obj, "code"), r.join(field, "code"), 40)
    system = r.choice(r.get(obj, "system"), r.join(field, "system"), CODE_SYSTEMS)
    display = _opt_in(obj, "display", field, r.string)
    return ConditionRef(
        code=code.upper() if system == "icd10cm" else code, system=system, text=display
    )


def _medication(value: Any, field: str) -> Medication:
    obj = r.as_object(value, field)
    r.reject_unknown(obj, ("name", "rxnorm", "atc", "start", "end", "prn"), field)
    name = _opt_in(obj, "name", field, r.string)
    rxnorm = _opt_in(obj, "rxnorm", field, _rxcui)
    atc = _opt_in(obj, "atc", field, _atc)
    if not (name or rxnorm or atc):
        raise InvalidInput(field, "a medication needs a name, an rxnorm or an atc code")
    start = _opt_in(obj, "start", field, r.date_value)
    end = _opt_in(obj, "end", field, r.date_value)
    if start and end and end < start:
        raise InvalidInput(r.join(field, "end"), "is before start")
    prn = _opt_in(obj, "prn", field, r.boolean) or False
    return Medication(name=name, rxnorm=rxnorm, atc=atc, start=start, end=end, prn=prn)


def _procedure(value: Any, field: str) -> Procedure:
    obj = r.as_object(value, field)
    r.reject_unknown(obj, ("date", "description", "opioid_analgesia_expected"), field)
    when = r.date_value(r.get(obj, "date"), r.join(field, "date"))
    description = _opt_in(obj, "description", field, r.string) or ""
    expected = _opt_in(obj, "opioid_analgesia_expected", field, r.boolean)
    return Procedure(
        date=when, description=description, opioid_analgesia_expected=expected is not False
    )


def _labs(value: Any) -> dict[str, str]:
    if value is r.MISSING:
        return {}
    obj = r.as_object(value, "labs")
    r.reject_unknown(obj, tuple(LAB_VALUES), "labs")
    out: dict[str, str] = {}
    for key, allowed in LAB_VALUES.items():
        raw = r.get(obj, key)
        if raw is not r.MISSING:
            out[key] = r.choice(raw, r.join("labs", key), allowed)
    return out


LAB_KEYS = ("name", "value", "unit", "upper_limit", "taken_on", "code", "comparator")
COMPARATORS = ("<", "<=", ">=", ">")


def _lab_result(value: Any, field: str) -> LabResult:
    obj = r.as_object(value, field)
    r.reject_unknown(obj, LAB_KEYS, field)
    big = Decimal(10) ** 6
    limit = _opt_in(obj, "upper_limit", field, lambda v, f: r.number(v, f, Decimal(0), big))
    return LabResult(
        name=r.string(r.get(obj, "name"), r.join(field, "name"), 60),
        value=r.number(r.get(obj, "value"), r.join(field, "value"), Decimal(0), big),
        unit=r.string(r.get(obj, "unit"), r.join(field, "unit"), 30),
        upper_limit=limit,
        taken_on=_opt_in(obj, "taken_on", field, r.date_value),
        code=_opt_in(obj, "code", field, lambda v, f: r.string(v, f, 20)),
        comparator=_opt_in(obj, "comparator", field, lambda v, f: r.choice(v, f, COMPARATORS)),
    )


def _opt_in(obj: Any, key: str, field: str, read: Any) -> Any:
    value = r.get(obj, key)
    return None if value is r.MISSING else read(value, r.join(field, key))


def _rxcui(value: Any, field: str) -> str:
    text = r.string(value, field, 12)
    if not text.isdigit():
        raise InvalidInput(field, f"RxCUI {text!r} is not all digits", "an RxNorm concept id")
    return text


def _atc(value: Any, field: str) -> str:
    text = r.string(value, field, 7).upper()
    if not (text[0].isalpha() and text[1:3].isdigit()):
        raise InvalidInput(field, f"{text!r} is not an ATC code", "e.g. N02AA05 or a group, N02A")
    return text
