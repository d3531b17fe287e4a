"""Command modules load on first use, and the lazy app is the eager app: same commands, same
order, same help for every command and sub-command."""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from ldnderm.cli.app import COMMAND_MODULES, CommandGroup, app
from ldnderm.cli.lazy import TYPER_SETTINGS, LazyCommands

runner = CliRunner()


def _eager_app() -> typer.Typer:
    """The app as it was built before lazy loading: every module registered up front."""
    eager = typer.Typer(
        name="ldnderm",
        help="Clinical toolkit for naltrexone therapy in dermatology.",
        no_args_is_help=True,
        **TYPER_SETTINGS,
    )
    eager.registered_callback = app.registered_callback
    for name in COMMAND_MODULES:
        importlib.import_module(f"ldnderm.cli.{name}").register(eager)
    return eager


def _owners() -> dict[str, str]:
    owners: dict[str, str] = {}
    for name in COMMAND_MODULES:
        holder = typer.Typer(**TYPER_SETTINGS)
        holder.callback()(lambda: None)
        importlib.import_module(f"ldnderm.cli.{name}").register(holder)
        group = typer.main.get_command(holder)
        assert isinstance(group, TyperGroup)
        owners.update(dict.fromkeys(group.commands, name))
    return owners


def _paths(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name in group.list_commands(None):
        command = group.commands[name]
        if isinstance(command, TyperGroup):
            paths += _paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


def test_the_command_table_lists_every_command_in_the_eager_order_with_its_module() -> None:
    eager = typer.main.get_command(_eager_app())
    assert isinstance(eager, TyperGroup)
    assert list(CommandGroup.command_modules) == list(eager.commands)
    assert CommandGroup.command_modules == _owners()


def test_help_of_every_command_is_the_same_as_the_eager_apps() -> None:
    eager = _eager_app()
    group = typer.main.get_command(eager)
    paths = _paths(group)
    assert len(paths) > 30
    for path in paths:
        lazy_help = runner.invoke(app, [*path, "--help"])
        eager_help = runner.invoke(eager, [*path, "--help"])
        assert lazy_help.exit_code == eager_help.exit_code == 0, path
        assert lazy_help.output == eager_help.output, path


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in CommandGroup.command_modules:
        assert f"\n  {name} " in result.output, name


def test_looking_up_score_builds_only_the_measures_module() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, CommandGroup)
    commands = group.commands
    assert isinstance(commands, LazyCommands)
    assert commands.loaded_modules() == set()
    with typer.Context(group) as ctx:
        score = group.get_command(ctx, "score")
    assert score is not None and score.name == "score"
    assert commands.loaded_modules() == {"measures"}
    assert "compare" in commands and "fhir" in commands
    assert commands.loaded_modules() == {"measures"}  # membership does not load


def test_an_unknown_command_is_a_usage_error_with_suggestions() -> None:
    result = runner.invoke(app, ["scor"])
    assert result.exit_code == 2
    assert "No such command 'scor'" in result.output
    assert "score" in result.output


def test_the_lazy_mapping_accepts_added_and_removed_commands() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, CommandGroup)
    extra = typer.main.get_command(_eager_app())
    assert isinstance(extra, TyperGroup)
    group.add_command(extra.commands["serve"], "serve-again")
    assert group.list_commands(typer.Context(group))[-1] == "serve-again"
    assert group.commands["serve-again"] is extra.commands["serve"]
    del group.commands["serve-again"]
    assert "serve-again" not in group.commands
    assert len(group.commands) == len(CommandGroup.command_modules)
