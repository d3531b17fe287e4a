"""The head of the audit hash chain: the last row's id, ``seq`` and ``chain_hash``, and the
``ID:HASH`` token ``ldnderm audit head`` prints. No model import: the backup reads the head
through a raw cursor before Django's apps are loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ldnderm.web.audit import hashing

HEAD_SQL = "SELECT id, seq, chain_hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1"
"""The last row of the chain, for a raw cursor (a backup reads it inside its snapshot)."""


@dataclass(frozen=True)
class Head:
    """The last row of the chain: its id, ``seq`` and ``chain_hash`` (id ``None``: no rows)."""

    id: int | None
    seq: int
    chain_hash: str

    @classmethod
    def empty(cls) -> Head:
        return cls(None, 0, hashing.GENESIS)

    @property
    def token(self) -> str:
        """``ID:HASH``, what ``audit verify --head`` takes."""
        return f"{self.id or 0}:{self.chain_hash}"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "seq": self.seq, "chain_hash": self.chain_hash, "head": self.token}
