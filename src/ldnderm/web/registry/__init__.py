"""The clinic registry: patients, treatment courses, doses, visits, outcome assessments and
adverse events, scoped to one clinic and audited on every read and write."""
