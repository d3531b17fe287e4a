"""Failures of a backup or a restore that are not the caller's input (exit 1 on the CLI)."""

from __future__ import annotations

from ldnderm.kernel.errors import LdnDermError


class BackupError(LdnDermError):
    """A tool is missing, a dump failed, or a restored database does not match its manifest."""
