"""The one base model of domain values: immutable, and strict about unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """A pydantic model that cannot be changed after validation and rejects unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")
