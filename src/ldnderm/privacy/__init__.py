"""Disclosure control for published aggregates: pure functions, no Django."""
