"""Checking the hash chain: ``ldnderm audit verify`` and ``ldnderm audit head``.

The walk goes through every row in ``seq`` order and stops at the first problem, naming the row:

* a ``seq`` missing before a row: rows were **deleted** there;
* a row whose ``detail`` does not match its ``detail_hash``, or whose columns do not match its
  ``content_hash``: the row was **changed** (or **inserted** with made-up hashes);
* a row whose ``chain_hash`` does not follow from its predecessor's: a row was **inserted**
  there (or one before it rewritten);
* a tombstoned row of a patient with no ``erase`` event: a tombstone set outside the erase path;
* a chain-head record (read before the walk) past the last row, or not matching the row at its
  ``seq``: the **tail** was cut off (rows appended during the walk lie past it and are fine);
* with ``--head ID:HASH`` (a head kept outside the database): row ``ID`` missing (the tail was
  cut off), or its ``chain_hash`` not ``HASH`` (the chain was rewritten up to it).

Anyone who can write the database and knows this scheme can rebuild a consistent chain: only a
head kept elsewhere (backup manifest, logs) detects that, which is what ``--head`` is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.audit import hashing
from ldnderm.web.audit.head import Head
from ldnderm.web.audit.models import AuditEvent, ChainHead

_HEAD = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


@dataclass(frozen=True)
class Verification:
    rows: int
    head: Head
    problem: str | None
    """The first problem found, naming the row; ``None`` when the chain verifies."""
    row_id: int | None = None
    tombstoned: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "tombstoned": self.tombstoned,
            "problem": self.problem,
            "row_id": self.row_id,
            "head": self.head.as_json(),
        }


def current_head() -> Head:
    row = AuditEvent.objects.order_by("-seq").values_list("id", "seq", "chain_hash").first()
    return Head(*row) if row is not None else Head.empty()


def parse_head(text: str) -> tuple[int, str]:
    """``ID:HASH`` as printed by ``audit head``; InvalidInput naming ``--head`` otherwise."""
    match = _HEAD.match(text.strip().lower())
    if match is None:
        raise InvalidInput("--head", f"{text!r} is not a chain head", "ID:HASH (64 hex digits)")
    return int(match.group(1)), match.group(2)


_COLUMNS = ("id", "detail", "content_hash", "chain_hash", *hashing.CONTENT_FIELDS)


def verify(expected_head: str | None = None) -> Verification:
    """Walk the chain; see the module docstring. ``expected_head`` is ``ID:HASH``."""
    kept = parse_head(expected_head) if expected_head is not None else None
    # The head record is read before the rows: rows appended during the walk lie past it.
    recorded = ChainHead.objects.filter(pk=1).values_list("seq", "chain_hash").first()
    walk = _Walk(kept, recorded)
    rows = AuditEvent.objects.order_by("seq").values(*_COLUMNS)
    for row in rows.iterator(chunk_size=2000):
        problem = walk.step(row)
        if problem is not None:
            return walk.result(problem, row["id"])
    problem, row_id = walk.finish()
    return walk.result(problem, row_id)


class _Walk:
    def __init__(self, kept: tuple[int, str] | None, recorded: tuple[int, str] | None) -> None:
        self.kept = kept
        self.recorded = recorded
        self.kept_seen = False
        self.seq = 0
        self.previous = hashing.GENESIS
        self.last_id: int | None = None
        self.rows = 0
        self.tombstones: dict[int | None, int] = {}
        """Patient id -> the first tombstoned row of that patient."""
        self.erased: set[int | None] = set()
        self.tombstoned = 0

    def step(self, row: dict[str, Any]) -> str | None:
        name = f"row {row['id']} (seq {row['seq']})"
        if row["seq"] != self.seq + 1:
            if row["seq"] > self.seq + 1:
                missing = f"seq {self.seq + 1}" + (
                    f"..{row['seq'] - 1}" if row["seq"] > self.seq + 2 else ""
                )
                return f"{name}: the rows before it ({missing}) were deleted"
            return f"{name}: inserted (seq out of order)"
        if hashing.is_tombstone(row["detail"]):
            self.tombstones.setdefault(row["patient_id"], row["id"])
            self.tombstoned += 1
        elif hashing.detail_hash(row["detail"]) != row["detail_hash"]:
            return f"{name}: changed (its detail does not match its hash)"
        if hashing.content_hash(row) != row["content_hash"]:
            return f"{name}: changed or inserted (its columns do not match its hash)"
        if hashing.chain_hash(self.previous, row["content_hash"]) != row["chain_hash"]:
            return f"{name}: inserted, or a row before it rewritten (the chain breaks here)"
        if row["action"] == AuditEvent.Action.ERASE:
            self.erased.add(row["patient_id"])
        if self.kept is not None and row["id"] == self.kept[0]:
            self.kept_seen = True
            if row["chain_hash"] != self.kept[1]:
                return f"{name}: the chain up to it was rewritten (its hash is not the kept head)"
        recorded = self.recorded
        if recorded and row["seq"] == recorded[0] and row["chain_hash"] != recorded[1]:
            return f"{name}: its hash is not the one the chain head record holds"
        self.seq, self.previous, self.last_id = row["seq"], row["chain_hash"], row["id"]
        self.rows += 1
        return None

    def finish(self) -> tuple[str | None, int | None]:
        for patient_id, row_id in self.tombstones.items():
            if patient_id not in self.erased:
                return (
                    f"row {row_id}: tombstoned, but patient {patient_id} has no erase event",
                    row_id,
                )
        if self.kept is not None and not self.kept_seen and self.kept[0] != 0:
            return (
                f"row {self.kept[0]} (the kept head) is missing: the tail of the chain was "
                f"deleted after row {self.last_id}",
                self.kept[0],
            )
        if self.recorded is not None and self.recorded[0] > self.seq:
            return (
                f"the chain head record (seq {self.recorded[0]}) is past the last row "
                f"(row {self.last_id}, seq {self.seq}): the tail of the chain was deleted",
                self.last_id,
            )
        return None, None

    def result(self, problem: str | None, row_id: int | None) -> Verification:
        head = Head(self.last_id, self.seq, self.previous)
        return Verification(self.rows, head, problem, row_id, self.tombstoned)
