"""Map the domain exception tree to exit codes and one-line messages, in one place."""

from __future__ import annotations

import os
import sys
import traceback

import typer

from ldnderm.kernel.errors import InvalidInput, KnowledgeDataError, LdnDermError, NotFound

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID = 0, 1, 2


def run_guarded(app: typer.Typer) -> int:
    """Run ``app``; domain errors become exit codes with one line on stderr, never a traceback."""
    try:
        result = app(standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        return EXIT_INTERNAL
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        print(f"ldnderm: {message}", file=sys.stderr)
        return EXIT_INVALID
    except (InvalidInput, NotFound) as exc:
        print(f"ldnderm: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KnowledgeDataError as exc:
        print(f"ldnderm: knowledge data error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except LdnDermError as exc:
        print(f"ldnderm: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # a program fault: one line, the traceback only when debugging
        if os.environ.get("LDNDERM_DEBUG", "").lower() in {"1", "true", "yes", "on"}:
            traceback.print_exc()
        print(f"ldnderm: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    return int(result) if isinstance(result, int) else EXIT_OK
