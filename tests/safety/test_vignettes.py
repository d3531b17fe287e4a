"""Patient vignettes with their expected verdicts and the rules that must fire.

Every vignette is a COMPLETE profile as of 2026-03-01 (every required fact stated: no medicines,
no allergies, normal liver and kidneys, no procedures, no opioid use disorder, not pregnant, not
breastfeeding, a planned low dose of 4.5 mg) with the vignette's own keys laid over it; a key set
to ``None`` is removed, so that fact is unknown. ``rules`` is the exact set of rules expected to
fire, written by hand from the rules' sources, never from the engine's output.
"""

from __future__ import annotations

# ruff: noqa: E501 - the vignette table reads best with one vignette per line
from typing import Any

import pytest

from ldnderm import safety
from tests.safety.profiles import AS_OF, COMPLETE

OPIOID = "opioid-current-or-recent"
XR_BUP = "buprenorphine-extended-release"
MEDS_UNSTATED = "medications-not-stated"
NOT_CHECKED = "facts-not-checked"
UNRECOGNISED = "unrecognised-medication"


VIGNETTES: list[tuple[str, dict[str, Any] | None, str, set[str]]] = [
    # each opioid class
    ("analgesic by generic name", {"medications": [{"name": "oxycodone 5 mg"}]}, "contraindicated", {OPIOID}),
    ("analgesic by RxNorm code only", {"medications": [{"rxnorm": "7052"}]}, "contraindicated", {OPIOID}),
    ("analgesic by ATC code only", {"medications": [{"atc": "N02AX02"}]}, "contraindicated", {OPIOID}),
    ("analgesic by ATC group only", {"medications": [{"atc": "N02AJ"}]}, "contraindicated", {OPIOID}),
    ("combination brand name only", {"medications": [{"name": "Vicodin"}]}, "contraindicated", {OPIOID}),
    ("fentanyl patch brand", {"medications": [{"name": "Duragesic 25 mcg/h patch"}]}, "contraindicated", {OPIOID}),
    ("methadone maintenance", {"medications": [{"name": "Methadone oral solution"}]}, "contraindicated", {OPIOID}),
    ("buprenorphine with naloxone (Suboxone)", {"medications": [{"name": "Suboxone film"}]}, "contraindicated", {OPIOID}),
    ("maintenance by ATC N07BC01", {"medications": [{"atc": "N07BC01"}]}, "contraindicated", {OPIOID}),
    ("mixed agonist-antagonist pentazocine", {"medications": [{"name": "Talwin"}]}, "contraindicated", {OPIOID}),
    ("mixed agonist-antagonist butorphanol", {"medications": [{"name": "butorphanol nasal spray"}]}, "contraindicated", {OPIOID}),
    ("opioid antitussive by name", {"medications": [{"name": "Codeine linctus"}]}, "contraindicated", {OPIOID}),
    ("opioid antidiarrheal brand", {"medications": [{"name": "Lomotil"}]}, "contraindicated", {OPIOID}),
    ("tramadol as needed", {"medications": [{"name": "tramadol", "prn": True}]}, "contraindicated", {OPIOID}),
    ("opioid planned to start next week", {"medications": [{"name": "morphine", "start": "2026-03-08"}]}, "contraindicated", {OPIOID}),
    # recently stopped: inside and outside the interval
    ("oxycodone stopped 9 days ago", {"medications": [{"name": "oxycodone", "end": "2026-02-20"}]}, "contraindicated", {OPIOID}),
    ("oxycodone stopped 10 days ago", {"medications": [{"name": "oxycodone", "end": "2026-02-19"}]}, "ok", set()),
    ("buprenorphine stopped 13 days ago", {"medications": [{"name": "buprenorphine", "end": "2026-02-16"}]}, "contraindicated", {OPIOID}),
    ("buprenorphine stopped 14 days ago", {"medications": [{"name": "buprenorphine", "end": "2026-02-15"}]}, "ok", set()),
    ("opioid ending today is current", {"medications": [{"name": "codeine", "end": AS_OF}]}, "contraindicated", {OPIOID}),
    # extended-release (depot) injectable and implanted buprenorphine: the 14-day interval does not apply
    ("Sublocade last injection 20 days ago", {"medications": [{"name": "Sublocade 100 mg", "end": "2026-02-09"}]}, "hold", {XR_BUP}),
    ("Sublocade last injection 200 days ago", {"medications": [{"name": "Sublocade 300 mg", "end": "2025-08-13"}]}, "hold", {XR_BUP}),
    ("Sublocade last injection 364 days ago", {"medications": [{"name": "Sublocade", "end": "2025-03-02"}]}, "hold", {XR_BUP}),
    ("Sublocade last injection 365 days ago (window edge)", {"medications": [{"name": "Sublocade", "end": "2025-03-01"}]}, "ok", set()),
    ("Sublocade last injection 400 days ago", {"medications": [{"name": "Sublocade", "end": "2025-01-25"}]}, "ok", set()),
    ("Sublocade last injection 10 days ago", {"medications": [{"name": "Sublocade", "end": "2026-02-19"}]}, "contraindicated", {OPIOID, XR_BUP}),
    ("Brixadi monthly in use", {"medications": [{"name": "Brixadi 128 mg monthly"}]}, "contraindicated", {OPIOID, XR_BUP}),
    ("Brixadi weekly stopped 30 days ago", {"medications": [{"name": "Brixadi weekly 24 mg", "end": "2026-01-30"}]}, "hold", {XR_BUP}),
    ("Buvidal stopped 90 days ago", {"medications": [{"name": "Buvidal", "end": "2025-12-01"}]}, "hold", {XR_BUP}),
    ("generic extended-release injection, 200 days ago", {"medications": [{"name": "buprenorphine extended-release injection 300 mg", "end": "2025-08-13"}]}, "hold", {XR_BUP}),
    ("buprenorphine depot, 20 days ago", {"medications": [{"name": "Buprenorphine depot", "atc": "N07BC01", "end": "2026-02-09"}]}, "hold", {XR_BUP}),
    ("Probuphine implant removed 30 days ago", {"medications": [{"name": "Probuphine implant", "end": "2026-01-30"}]}, "hold", {XR_BUP}),
    ("Sublocade planned next month", {"medications": [{"name": "Sublocade", "start": "2026-04-01"}]}, "contraindicated", {OPIOID, XR_BUP}),
    ("oral buprenorphine stopped 20 days ago", {"medications": [{"name": "buprenorphine 8 mg sublingual", "end": "2026-02-09"}]}, "ok", set()),
    ("Suboxone film stopped 20 days ago", {"medications": [{"name": "Suboxone 8/2 mg film", "end": "2026-02-09"}]}, "ok", set()),
    ("Butrans patch stopped 20 days ago", {"medications": [{"name": "Butrans 10 mcg/h patch", "end": "2026-02-09"}]}, "ok", set()),
    ("Lupron Depot is not read as buprenorphine (but is not in the vocabulary)", {"medications": [{"name": "Lupron Depot 22.5 mg"}]}, "hold", {UNRECOGNISED}),
    # look-alikes and the loperamide decision
    ("dextromethorphan", {"medications": [{"name": "dextromethorphan syrup"}]}, "ok", set()),
    ("Robitussin DM in the antitussive group", {"medications": [{"name": "Robitussin DM", "atc": "R05DA"}]}, "ok", set()),
    ("naloxone", {"medications": [{"name": "naloxone nasal spray"}]}, "ok", set()),
    ("naltrexone already taken (duplicate)", {"medications": [{"rxnorm": "7243", "name": "naltrexone"}]}, "hold", {"duplicate-naltrexone"}),
    ("lofexidine in N07BC", {"medications": [{"atc": "N07BC04"}]}, "ok", set()),
    ("loperamide brand", {"medications": [{"name": "Imodium"}]}, "caution", {"loperamide-peripheral-opioid"}),
    ("loperamide by ATC only", {"medications": [{"atc": "A07DA03"}]}, "caution", {"loperamide-peripheral-opioid"}),
    ("unnamed antitussive-group code", {"medications": [{"atc": "R05DA"}]}, "hold", {"opioid-unconfirmed"}),
    ("unrelated medicine", {"medications": [{"name": "cetirizine", "atc": "R06AE07"}]}, "ok", set()),
    # surgery inside and outside the hold window
    ("surgery in 2 days with opioids", {"planned_procedures": [{"date": "2026-03-03", "description": "knee"}]}, "hold", {"periop-opioids-within-window"}),
    ("surgery in 3 days (window edge)", {"planned_procedures": [{"date": "2026-03-04"}]}, "hold", {"periop-opioids-within-window"}),
    ("surgery in 4 days", {"planned_procedures": [{"date": "2026-03-05"}]}, "caution", {"periop-opioids-planned"}),
    ("procedure without opioids", {"planned_procedures": [{"date": "2026-03-02", "opioid_analgesia_expected": False}]}, "ok", set()),
    ("procedure in the past", {"planned_procedures": [{"date": "2026-02-27"}]}, "ok", set()),
    # pregnancy, breastfeeding, age
    ("pregnant", {"pregnant": True}, "caution", {"pregnancy"}),
    ("pregnancy unknown", {"pregnant": None}, "caution", {NOT_CHECKED}),
    ("breastfeeding", {"breastfeeding": True}, "caution", {"breastfeeding"}),
    ("age 17", {"age": 17}, "caution", {"age-under-18"}),
    ("age 18", {"age": 18}, "ok", set()),
    ("18th birthday tomorrow", {"birth_date": "2008-03-02"}, "caution", {"age-under-18"}),
    # liver and kidney
    ("acute hepatitis at standard dose", {"hepatic": "acute_hepatitis", "planned_dose_mg": 50}, "contraindicated", {"hepatic-acute"}),
    ("liver failure with no dose given", {"hepatic": "liver_failure", "planned_dose_mg": None}, "contraindicated", {"hepatic-acute", NOT_CHECKED}),
    ("acute hepatitis at low dose", {"hepatic": "acute_hepatitis"}, "contraindicated", {"hepatic-acute"}),
    ("compensated cirrhosis", {"hepatic": "moderate"}, "caution", {"hepatic-impairment"}),
    ("dialysis", {"renal": "dialysis"}, "caution", {"renal-impairment"}),
    # interactions, thyroid, allergy, history, tests
    ("thioridazine", {"medications": [{"name": "thioridazine"}]}, "caution", {"thioridazine"}),
    ("disulfiram at standard dose", {"planned_dose_mg": 50, "medications": [{"name": "disulfiram"}]}, "caution", {"disulfiram-standard-dose"}),
    ("disulfiram at low dose", {"medications": [{"name": "disulfiram"}]}, "ok", set()),
    ("levothyroxine", {"medications": [{"name": "levothyroxine 100 mcg"}]}, "ok", set()),  # thyroid-monitor-tsh: unverified, not evaluated
    ("hypothyroidism by ICD-10-CM", {"conditions": [{"code": "E03.9", "system": "icd10cm"}]}, "ok", set()),  # thyroid-monitor-tsh: unverified, not evaluated
    ("Hashimoto by name", {"conditions": ["Hashimoto thyroiditis"]}, "ok", set()),  # thyroid-monitor-tsh: unverified, not evaluated
    ("naltrexone allergy", {"allergies": ["Naltrexone"]}, "contraindicated", {"naltrexone-hypersensitivity"}),
    ("naloxone allergy", {"allergies": ["naloxone"]}, "caution", {"naloxone-cross-sensitivity"}),
    ("opioid use disorder history", {"opioid_use_disorder_history": True}, "caution", {"opioid-use-disorder-history"}),
    ("opioid dependence code F11.20", {"conditions": [{"code": "F11.20", "system": "icd10cm"}]}, "contraindicated", {"opioid-dependence-current"}),
    ("long-term opiate use code", {"conditions": [{"code": "Z79.891", "system": "icd10cm"}]}, "contraindicated", {"opiate-long-term-use-code"}),
    ("positive urine opioid screen", {"labs": {"urine_opioid_screen": "positive"}}, "contraindicated", {"opioid-lab-evidence"}),
    ("failed naloxone challenge", {"labs": {"naloxone_challenge": "failed"}}, "contraindicated", {"opioid-lab-evidence"}),
    # combinations: the most severe wins and all findings are listed
    ("opioid, pregnancy, surgery and dialysis",
     {"medications": [{"name": "oxycodone"}], "pregnant": True, "renal": "dialysis",
      "planned_procedures": [{"date": "2026-03-02"}]},
     "contraindicated", {OPIOID, "pregnancy", "renal-impairment", "periop-opioids-within-window"}),
    ("surgery soon and breastfeeding", {"breastfeeding": True, "planned_procedures": [{"date": "2026-03-01"}]},
     "hold", {"breastfeeding", "periop-opioids-within-window"}),
    ("loperamide and thyroid disease", {"medications": [{"name": "loperamide"}, {"name": "levothyroxine"}]},
     "caution", {"loperamide-peripheral-opioid"}),
    ("nothing of note", {}, "ok", set()),
    # unknown is not "no": each required fact left out
    ("empty profile", None, "hold", {MEDS_UNSTATED, NOT_CHECKED}),
    ("medicines not stated", {"medications": None}, "hold", {MEDS_UNSTATED}),
    ("no medicines stated as an empty list", {"medications": []}, "ok", set()),
    ("allergies not asked", {"allergies": None}, "caution", {NOT_CHECKED}),
    ("liver not stated", {"hepatic": None}, "caution", {NOT_CHECKED}),
    ("kidneys not stated", {"renal": None}, "caution", {NOT_CHECKED}),
    ("procedures not stated", {"planned_procedures": None}, "caution", {NOT_CHECKED}),
    ("opioid use disorder history not stated", {"opioid_use_disorder_history": None}, "caution", {NOT_CHECKED}),
    ("planned dose not stated", {"planned_dose_mg": None}, "caution", {NOT_CHECKED}),
    ("breastfeeding not stated", {"breastfeeding": None}, "caution", {NOT_CHECKED}),
    # the pregnancy wording: asked unless male or outside 12-55 years
    ("man, pregnancy not asked", {"sex": "male", "pregnant": None, "breastfeeding": None}, "ok", set()),
    ("woman aged 60, pregnancy not asked", {"sex": "female", "age": 60, "pregnant": None, "breastfeeding": None}, "ok", set()),
    ("woman aged 30, pregnancy not asked", {"sex": "female", "age": 30, "pregnant": None}, "caution", {NOT_CHECKED}),
    ("sex unknown, age unknown, pregnancy not asked", {"pregnant": None, "breastfeeding": None}, "caution", {NOT_CHECKED}),
    ("girl aged 11, pregnancy not asked", {"sex": "female", "age": 11, "pregnant": None, "breastfeeding": None}, "caution", {"age-under-18"}),
    ("pregnant by flag", {"sex": "female", "age": 30, "pregnant": True}, "caution", {"pregnancy"}),
    # label contraindications by code and text
    ("opioid withdrawal code F11.23", {"conditions": [{"code": "F11.23", "system": "icd10cm"}]}, "contraindicated", {"opioid-withdrawal", "opioid-dependence-current"}),
    ("opioid withdrawal named", {"conditions": ["acute opioid withdrawal"]}, "contraindicated", {"opioid-withdrawal"}),
    ("opioid abuse code F11.10", {"conditions": [{"code": "F11.10", "system": "icd10cm"}]}, "contraindicated", {"opioid-dependence-current"}),
    ("opioid use code F11.90", {"conditions": [{"code": "F11.90", "system": "icd10cm"}]}, "contraindicated", {"opioid-dependence-current"}),
    ("opioid dependence in remission F11.21", {"conditions": [{"code": "F11.21", "system": "icd10cm"}]}, "caution", {"opioid-use-disorder-history"}),
    ("hepatic failure coded K72.00", {"conditions": [{"code": "K72.00", "system": "icd10cm"}]}, "contraindicated", {"hepatic-acute"}),
    ("acute hepatitis B coded B16.9", {"conditions": [{"code": "B16.9", "system": "icd10cm"}]}, "contraindicated", {"hepatic-acute"}),
    ("chronic hepatitis C at 50 mg (liver stated normal)", {"planned_dose_mg": 50, "conditions": [{"code": "B18.2", "system": "icd10cm"}]}, "caution", {"hepatic-active-disease"}),
    ("chronic hepatitis C at low dose", {"conditions": [{"code": "B18.2", "system": "icd10cm"}]}, "ok", set()),
    ("cirrhosis K74.60 at 50 mg", {"planned_dose_mg": 50, "conditions": [{"code": "K74.60", "system": "icd10cm"}]}, "caution", {"hepatic-active-disease"}),
    ("ReVia allergy", {"allergies": ["ReVia"]}, "contraindicated", {"naltrexone-hypersensitivity"}),
    # duplicate naltrexone and other antagonists
    ("Contrave in use", {"medications": [{"name": "Contrave 8/90 mg"}]}, "hold", {"duplicate-naltrexone"}),
    ("Vivitrol two weeks ago", {"medications": [{"name": "Vivitrol 380 mg", "end": "2026-02-15"}]}, "hold", {"duplicate-naltrexone"}),
    ("Vivitrol 40 days ago", {"medications": [{"name": "Vivitrol 380 mg", "end": "2026-01-20"}]}, "ok", set()),
    ("olanzapine-samidorphan", {"medications": [{"name": "Lybalvi 10/10 mg"}]}, "hold", {"duplicate-naltrexone"}),
    ("naltrexone by RxNorm code only", {"medications": [{"rxnorm": "7243"}]}, "hold", {"duplicate-naltrexone"}),
    # the dose ceiling
    ("planned dose 500 mg", {"planned_dose_mg": 500}, "hold", {"dose-above-ceiling", "dose-above-daily-label"}),
    ("planned dose 151 mg", {"planned_dose_mg": 151}, "hold", {"dose-above-ceiling", "dose-above-daily-label"}),
    ("planned dose 150 mg (ceiling)", {"planned_dose_mg": 150}, "caution", {"dose-above-daily-label"}),
    ("planned dose 50 mg", {"planned_dose_mg": 50}, "ok", set()),
    # depression and suicidality
    ("depression coded F32.9", {"conditions": [{"code": "F32.9", "system": "icd10cm"}]}, "caution", {"depression"}),
    ("severe depression with suicidal ideation at 50 mg", {"planned_dose_mg": 50, "conditions": ["severe depression with suicidal ideation"]}, "hold", {"depression", "suicidality"}),
    ("suicidal ideation coded R45.851", {"conditions": [{"code": "R45.851", "system": "icd10cm"}]}, "hold", {"suicidality"}),
    # illicit, atypical and international opioids, by name (the vocabulary's sources)
    ("heroin", {"medications": [{"name": "heroin"}]}, "contraindicated", {OPIOID}),
    ("diamorphine", {"medications": [{"name": "diamorphine 5 mg injection"}]}, "contraindicated", {OPIOID}),
    ("pethidine", {"medications": [{"name": "pethidine 50 mg"}]}, "contraindicated", {OPIOID}),
    ("meperidine", {"medications": [{"name": "meperidine"}]}, "contraindicated", {OPIOID}),
    ("kratom", {"medications": [{"name": "kratom powder"}]}, "contraindicated", {OPIOID}),
    ("mitragynine", {"medications": [{"name": "mitragynine"}]}, "contraindicated", {OPIOID}),
    ("tianeptine", {"medications": [{"name": "tianeptine"}]}, "contraindicated", {OPIOID}),
    ("laudanum", {"medications": [{"name": "laudanum"}]}, "contraindicated", {OPIOID}),
    ("paregoric", {"medications": [{"name": "paregoric"}]}, "contraindicated", {OPIOID}),
    ("isotonitazene", {"medications": [{"name": "isotonitazene"}]}, "contraindicated", {OPIOID}),
    ("Ultracet (US)", {"medications": [{"name": "Ultracet"}]}, "contraindicated", {OPIOID}),
    ("Tramacet (UK)", {"medications": [{"name": "Tramacet 37.5/325"}]}, "contraindicated", {OPIOID}),
    ("Nurofen Plus (UK), by name despite its anti-inflammatory ATC code", {"medications": [{"name": "Nurofen Plus", "atc": "M01AE51"}]}, "contraindicated", {OPIOID}),
    ("Solpadeine Max (UK)", {"medications": [{"name": "Solpadeine Max"}]}, "contraindicated", {OPIOID}),
    ("Tylenol #4 (Canada)", {"medications": [{"name": "Tylenol #4"}]}, "contraindicated", {OPIOID}),
    ("co-dydramol (UK)", {"medications": [{"name": "co-dydramol 10/500"}]}, "contraindicated", {OPIOID}),
    ("Panadeine Forte (Australia)", {"medications": [{"name": "Panadeine Forte"}]}, "contraindicated", {OPIOID}),
    ("Targin (oxycodone with naloxone)", {"medications": [{"name": "Targin 10/5"}]}, "contraindicated", {OPIOID}),
    ("Xtampza ER", {"medications": [{"name": "Xtampza ER 9 mg"}]}, "contraindicated", {OPIOID}),
    ("Kapanol (Australia)", {"medications": [{"name": "Kapanol 20 mg"}]}, "contraindicated", {OPIOID}),
    ("Abstral", {"medications": [{"name": "Abstral 100 mcg"}]}, "contraindicated", {OPIOID}),
    ("Subsys", {"medications": [{"name": "Subsys"}]}, "contraindicated", {OPIOID}),
    ("Hycodan", {"medications": [{"name": "Hycodan"}]}, "contraindicated", {OPIOID}),
    ("Tuzistra XR", {"medications": [{"name": "Tuzistra XR"}]}, "contraindicated", {OPIOID}),
    ("Apadaz", {"medications": [{"name": "Apadaz"}]}, "contraindicated", {OPIOID}),
    # coded only, and unknown medicines
    ("oxycodone-paracetamol by RxNorm only (VSAC)", {"medications": [{"rxnorm": "1049221"}]}, "contraindicated", {OPIOID}),
    ("unknown RxNorm code only", {"medications": [{"rxnorm": "99999999"}]}, "hold", {UNRECOGNISED}),
    ("a medicine nobody has heard of", {"medications": [{"name": "zorblaxin 10 mg"}]}, "hold", {UNRECOGNISED}),
    ("an unknown medicine stopped 30 days ago", {"medications": [{"name": "zorblaxin", "end": "2026-01-30"}]}, "ok", set()),
    ("known non-opioids: metformin, atorvastatin, clobetasol, levothyroxine", {"medications": [{"name": "metformin 500 mg"}, {"name": "atorvastatin 20 mg"}, {"name": "clobetasol 0.05% cream"}, {"name": "levothyroxine 50 mcg"}]}, "ok", set()),
    ("a known and an unknown ingredient in one name", {"medications": [{"name": "metformin and zorblaxin"}]}, "hold", {UNRECOGNISED}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "extra", "verdict", "rules"), VIGNETTES, ids=[v[0] for v in VIGNETTES]
)
def test_vignette(label: str, extra: dict[str, Any] | None, verdict: str, rules: set[str]) -> None:
    profile = {"as_of": AS_OF} if extra is None else COMPLETE | extra
    profile = {k: v for k, v in profile.items() if v is not None}
    result = safety.screen_document(profile)
    assert (result.verdict, {f.rule for f in result.findings}) == (verdict, rules)


def test_there_are_at_least_120_vignettes() -> None:
    assert len(VIGNETTES) >= 120
