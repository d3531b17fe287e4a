"""Row counts and content checksums of every table, through any DB-API cursor.

A table's checksum is a multiset hash: the sum, modulo 2**256, of the SHA-256 of each row's
canonical JSON. It does not depend on the order rows come back in (so no collation or physical
order matters) and it counts a duplicated row twice. Values are encoded as the driver returns
them, so checksums compare within one backend: a backup and its restore always share one.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

MODULUS = 2**256
BATCH = 2000


@dataclass(frozen=True)
class TableStat:
    rows: int
    checksum: str


def _tagged(value: Any) -> Any:
    """JSON for values json does not know, tagged with their type so ``"1.5"`` (a string) and
    ``Decimal("1.5")`` never collide."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"timedelta": value.total_seconds()}
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    return {type(value).__name__: str(value)}


def row_digest(row: Sequence[Any]) -> int:
    text = json.dumps(list(row), default=_tagged, sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def rows_stat(rows: Iterable[Sequence[Any]]) -> TableStat:
    count, total = 0, 0
    for row in rows:
        count += 1
        total = (total + row_digest(row)) % MODULUS
    return TableStat(rows=count, checksum=f"{total:064x}")


def fetched(cursor: Any) -> Iterable[Sequence[Any]]:
    """Every row of the cursor's last query, fetched in batches."""
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def table_stats(
    open_cursor: Callable[[], Any], tables: Iterable[str], quote: Callable[[str], str]
) -> dict[str, TableStat]:
    """Each table's :class:`TableStat`; ``open_cursor`` gives a fresh cursor (a context
    manager) in the snapshot to read."""
    stats: dict[str, TableStat] = {}
    for table in sorted(tables):
        with open_cursor() as cursor:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (a catalogue name)
            stats[table] = rows_stat(fetched(cursor))
    return stats


def differences(expected: dict[str, TableStat], actual: dict[str, TableStat]) -> list[str]:
    """What differs, one line per table (missing, extra, count or content)."""
    lines = []
    for table in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(table), actual.get(table)
        if got is None:
            lines.append(f"table {table}: missing")
        elif want is None:
            lines.append(f"table {table}: not in the backup")
        elif want.rows != got.rows:
            lines.append(f"table {table}: {got.rows} rows, the backup has {want.rows}")
        elif want.checksum != got.checksum:
            lines.append(f"table {table}: content differs (same {got.rows} rows)")
    return lines
