"""The screening page: a server-rendered form for safety screening, dose plan and compounding.

Nothing entered here is stored: the page has no models, and responses are marked no-store.
"""
