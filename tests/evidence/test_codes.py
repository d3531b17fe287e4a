"""Every ICD-10-CM code in the knowledge base exists in the CDC's ICD-10-CM release, with the title
we show (our labels may add a parenthetical note after it).

The release is the CDC NCHS April 2026 tabular list as bundled in the ``simple-icd-10-cm``
package (a development dependency; registry id ``icd10cm-cdc-2026``): a code we cite can be
checked against the official code set, never recalled.
"""

from __future__ import annotations

import warnings

import pytest

from ldnderm import evidence

with warnings.catch_warnings():
    # The package reads its data with importlib.resources' legacy API (deprecated, still correct).
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10_cm as cm

CODES = [(c.id, code) for c in evidence.conditions() for code in c.icd10cm]


@pytest.mark.parametrize(("condition_id", "code"), CODES, ids=[f"{c}:{k.code}" for c, k in CODES])
def test_the_code_exists_with_our_title(condition_id: str, code: object) -> None:
    from ldnderm.evidence.models import Code

    assert isinstance(code, Code)
    assert cm.is_valid_item(code.code), f"{condition_id}: {code.code} is not in ICD-10-CM"
    title = cm.get_description(code.code)
    shown = code.label.split(" (")[0]
    assert title.startswith(shown) or shown.startswith(title.split(" [")[0]), (shown, title)


def test_codes_checked_here_cite_the_release() -> None:
    cited = {code.source for _, code in CODES}
    assert "icd10cm-cdc-2026" in cited


def test_the_checker_rejects_a_code_that_does_not_exist() -> None:
    assert not cm.is_valid_item("L73.9999")
