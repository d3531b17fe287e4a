"""InvalidInput names the field as a path a client can follow, whatever the keys hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.readers import join


def path(field: str) -> list[str | int]:
    return InvalidInput(field, "problem").path


def test_a_dotted_field_with_indexes_becomes_keys_and_integers() -> None:
    assert path("days[2].am.itch") == ["days", 2, "am", "itch"]
    assert path("k[12][3].z") == ["k", 12, 3, "z"]
    assert path("") == []


def test_brackets_inside_a_key_stay_part_of_the_key() -> None:
    assert path("x[y") == ["x[y"]
    assert path("a]") == ["a]"]
    assert path("[") == ["["]
    assert path("a[]") == ["a[]"]
    assert path("x[١]") == ["x[١]"]  # an Arabic-Indic digit is not an index


def test_an_index_too_long_to_be_one_stays_text() -> None:
    assert path("x[" + "9" * 19 + "]") == ["x[" + "9" * 19 + "]"]


@given(st.text())
def test_any_field_text_gives_a_path_and_never_raises(field: str) -> None:
    parts = path(field)
    assert all(isinstance(p, str | int) for p in parts)


@given(st.text().filter(lambda k: "." not in k and k != ""), st.integers(0, 10**6))
def test_a_key_and_an_index_joined_by_the_readers_come_back(key: str, index: int) -> None:
    assert path(join(join("doc", key), index)) == ["doc", *path(key), index]
