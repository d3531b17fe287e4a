"""Table checksums: a multiset hash of each row's canonical JSON (``checksums``)."""

from __future__ import annotations

import datetime as dt
import decimal
import sqlite3
import uuid
from contextlib import closing

from ldnderm.web.backup.checksums import TableStat, differences, rows_stat, table_stats

ROWS = [(1, "a", None), (2, "b", 1.5), (3, "c", b"\x00\x01")]


def test_the_checksum_does_not_depend_on_row_order() -> None:
    assert rows_stat(ROWS) == rows_stat(list(reversed(ROWS)))


def test_any_changed_value_changes_the_checksum() -> None:
    changed = [ROWS[0], (2, "b", 1.25), ROWS[2]]
    assert rows_stat(changed).checksum != rows_stat(ROWS).checksum
    assert rows_stat(changed).rows == 3


def test_a_duplicated_row_counts_twice() -> None:
    assert rows_stat([*ROWS, ROWS[0]]).checksum != rows_stat(ROWS).checksum
    assert rows_stat([*ROWS, ROWS[0]]).rows == 4


def test_values_of_different_types_never_collide() -> None:
    as_text = rows_stat([("1.5",)]).checksum
    assert rows_stat([(decimal.Decimal("1.5"),)]).checksum != as_text
    assert rows_stat([(1.5,)]).checksum != as_text
    assert rows_stat([(1,)]).checksum != rows_stat([("1",)]).checksum


def test_driver_types_are_encoded_deterministically() -> None:
    row = (
        dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC),
        dt.date(2026, 1, 5),
        dt.time(9, 30),
        dt.timedelta(hours=1),
        uuid.UUID(int=7),
        memoryview(b"x"),
        {"b": 1, "a": [1, 2]},
        frozenset({1}),
    )
    assert rows_stat([row]) == rows_stat([row])
    assert rows_stat([row]).checksum != rows_stat([row[:-1]]).checksum


def test_an_empty_table_has_zero_rows_and_a_fixed_checksum() -> None:
    assert rows_stat([]) == TableStat(rows=0, checksum="0" * 64)


def test_tables_are_read_through_any_db_api_cursor() -> None:
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(1, "x"), (2, "y")])
        stats = table_stats(lambda: closing(db.cursor()), ["t"], lambda n: f'"{n}"')
    assert stats == {"t": rows_stat([(1, "x"), (2, "y")])}


def test_differences_name_each_table_and_what_differs() -> None:
    a, b = TableStat(2, "1" * 64), TableStat(2, "2" * 64)
    expected = {"same": a, "content": a, "count": a, "gone": a}
    actual = {"same": a, "content": b, "count": TableStat(3, a.checksum), "extra": a}
    assert differences(expected, actual) == [
        "table content: content differs (same 2 rows)",
        "table count: 3 rows, the backup has 2",
        "table extra: not in the backup",
        "table gone: missing",
    ]
