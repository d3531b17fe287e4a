"""Reading JSON documents from files or stdin, and printing results."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ldnderm.kernel.errors import InvalidInput


def read_json(source: str, field: str = "FILE") -> Any:
    """Parse JSON from the path ``source``, or from stdin when ``source`` is ``-``."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(field, f"cannot read {source!r}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(field, f"{source!r} is not UTF-8 text") from exc
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            field, f"{source!r} is not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from exc
    except RecursionError as exc:  # arrays or objects nested thousands deep
        raise InvalidInput(field, f"{source!r} is nested too deeply to read") from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        raise InvalidInput(field, f"{source!r} holds a number too long to read") from exc


def _reject_constant(name: str) -> Any:
    raise InvalidInput("", f"{name} is not a JSON number")


def print_json(payload: Any) -> None:
    print(json.dumps(payload, indent=2, ensure_ascii=False))
