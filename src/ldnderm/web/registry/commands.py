"""Registry commands for the CLI (``ldnderm demo``, ``ldnderm registry rescore``). The CLI
imports this module on use; it sets Django up itself."""

from __future__ import annotations

from ldnderm.web import runtime


def demo(if_empty: bool) -> list[dict[str, str]] | None:
    """Load the demo data; ``None`` when ``if_empty`` and the registry already holds patients."""
    runtime.setup()
    from ldnderm.web.registry import demo as data

    if if_empty and data.has_data():
        return None
    return [c.__dict__ for c in data.load()]


def rescore(measure_id: str | None) -> tuple[int, int]:
    runtime.setup()
    from ldnderm.web.registry.services.visits import rescore as run

    return run(measure_id)
