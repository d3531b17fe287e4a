"""Backup and restore of the site's database (``ldnderm backup``, ``ldnderm restore``).

A backup is one tar file holding the database as of one consistent point (SQLite: a copy made
by the online backup API; PostgreSQL: ``pg_dump --format=custom`` of an exported
REPEATABLE READ snapshot) and ``manifest.json``: the backend, the time, the ldnderm and knowledge
versions, and every table's row count and content checksum computed in that same snapshot.
A restore goes into an empty database only and is checked against the manifest.
"""
