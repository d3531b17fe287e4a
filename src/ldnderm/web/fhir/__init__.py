"""FHIR import into and export from the registry (the ORM side of :mod:`ldnderm.interop.fhir`)."""
