"""The table behind the database cache (``CACHES`` in settings), shared by every server process.

``createcachetable`` does nothing when the table exists or the cache is not a database cache
(``REDIS_URL`` set), so running it here is safe everywhere.
"""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
