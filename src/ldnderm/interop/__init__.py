"""Interoperability adapters: CDS Hooks (:mod:`ldnderm.interop.cdshooks`) and FHIR R4 mapping.

Pure Python: no Django, no ORM. Code that reads or writes the registry lives under
:mod:`ldnderm.web` and calls these modules.
"""
