"""``manifest.json``: what a backup holds, written with it and checked at restore."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.backup.checksums import TableStat

FORMAT = "ldnderm-backup/1"
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Manifest:
    backend: str  # "sqlite" or "postgresql"
    created_at: str  # ISO 8601, UTC: when the consistent snapshot was taken
    ldnderm_version: str
    knowledge_version: str
    payload: str  # the database's member name in the archive
    payload_sha256: str
    tables: dict[str, TableStat]
    # The audit hash chain's head in the same snapshot, to keep outside the database; None
    # for a database without an audit trail (see ldnderm.web.backup.audit_head).
    audit_head: str | None = None
    format: str = field(default=FORMAT)

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        """Read a manifest; anything malformed is :class:`InvalidInput` naming ``where``."""
        try:
            data: dict[str, Any] = json.loads(text)
            if data.get("format") != FORMAT:
                raise InvalidInput(
                    where, f"manifest format {data.get('format')!r} is not known", FORMAT
                )
            if data["backend"] not in BACKENDS:
                raise InvalidInput(where, f"backend {data['backend']!r}", ", ".join(BACKENDS))
            tables = {
                str(name): TableStat(rows=int(t["rows"]), checksum=str(t["checksum"]))
                for name, t in data["tables"].items()
            }
            return cls(
                backend=str(data["backend"]),
                created_at=str(data["created_at"]),
                ldnderm_version=str(data["ldnderm_version"]),
                knowledge_version=str(data["knowledge_version"]),
                payload=str(data["payload"]),
                payload_sha256=str(data["payload_sha256"]),
                tables=tables,
                audit_head=None if data.get("audit_head") is None else str(data["audit_head"]),
            )
        except InvalidInput:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidInput(where, f"manifest.json is not a backup manifest ({exc})") from None
