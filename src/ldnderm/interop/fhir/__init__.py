"""FHIR R4 mapping of the registry: export a patient as a Bundle, read a Bundle for import.

Pure: :mod:`.records` holds the values, :mod:`.export` and :mod:`.read` map them, and
:mod:`.terminology` documents the code systems. The database side (atomic, idempotent import;
export queries) lives in :mod:`ldnderm.web.fhir`.
"""

from __future__ import annotations

from ldnderm.interop.fhir.export import export_bundle, validate
from ldnderm.interop.fhir.read import read_bundle
from ldnderm.interop.fhir.terminology import measure_code_system

__all__ = ["export_bundle", "measure_code_system", "read_bundle", "validate"]
