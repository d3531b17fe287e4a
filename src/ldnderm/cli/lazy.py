"""Command modules loaded on first use: ``ldnderm score`` imports and builds only
:mod:`ldnderm.cli.measures`, not the forty-odd commands of every other module.

The root Typer app uses :class:`LazyGroup` as its click group class. Its ``commands`` mapping
knows every command's name (so ``--help``, usage errors and suggestions see them all, in the
order given) but builds a module's commands only when one of them is looked up. A module is built
exactly as the eager app would build it: its ``register(app)`` on a Typer app with the root's
settings, converted by Typer itself, so the Typer app stays the one implementation.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup

TYPER_SETTINGS: dict[str, Any] = {
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}
"""The root app's settings, shared by the apps each module is built on."""


def build_module_commands(module_name: str) -> dict[str, Any]:
    """The click commands that ``ldnderm.cli.<module_name>.register`` adds, by name."""
    module = importlib.import_module(f"ldnderm.cli.{module_name}")
    holder = typer.Typer(**TYPER_SETTINGS)

    @holder.callback()
    def _holder() -> None:  # a callback keeps a one-command app a group
        """Holder."""

    module.register(holder)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    return dict(group.commands)


class LazyCommands(MutableMapping[str, Any]):
    """Command name to click command; a module's commands are built on first access."""

    def __init__(self, modules: dict[str, str], loaded: MutableMapping[str, Any]) -> None:
        self._modules = dict(modules)  # command name -> module name, in listing order
        self._loaded: dict[str, Any] = dict(loaded)

    def _load(self, name: str) -> None:
        module_name = self._modules[name]
        built = build_module_commands(module_name)
        for command_name, command in built.items():
            self._loaded.setdefault(command_name, command)
            self._modules.setdefault(command_name, module_name)

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded and name in self._modules:
            self._load(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command
        self._modules.setdefault(name, "")

    def __delitem__(self, name: str) -> None:
        self._loaded.pop(name, None)
        del self._modules[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def loaded_modules(self) -> set[str]:
        """Modules whose commands have been built (for tests)."""
        return {self._modules[n] for n in self._loaded if self._modules[n]}


class LazyGroup(TyperGroup):
    """A Typer group whose commands come from :attr:`command_modules`, built on first use."""

    command_modules: ClassVar[dict[str, str]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.command_modules, self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)
