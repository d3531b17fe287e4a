"""Small-cell suppression for published counts, primary and complementary.

A table is a set of named counts (cells) and the additive relations between them that a reader
knows (:class:`Relation`: ``total = part + part + ...``, e.g. evaluable = responders +
non-responders, or all adverse events = the sum over grades). Hiding a count from 1 to ``k - 1``
is not enough: a reader who sees a total and all but one of its parts subtracts. :func:`suppress`
chooses the cells to hide so that no linear derivation from the shown cells and the relations
gives a hidden count, or the sum of a group of hidden counts, from 1 to ``k - 1``:

1. primary suppression: every cell from 1 to ``k - 1``;
2. complementary suppression, repeated until nothing changes:

   a. a relation with exactly one hidden cell hides its smallest other shown cell (a non-zero
      one first: hiding a zero protects no sum);
   b. an exact check over every group of relations linked by hidden cells (Gaussian elimination
      over the rationals, :func:`leaks`) finds any hidden cell or group of hidden cells whose
      sum the shown cells determine, with a value from 1 to ``k - 1``; the smallest non-zero
      shown cell of a relation involved is hidden next.

Each round hides one more cell, and a derivation with a non-zero value needs a shown non-zero
cell among its relations, so there is always one to hide and the loop ends;
what it returns has no leak by construction of step (b). Cells that no rule reaches stay shown.

A cell that is never printed but follows from printed ones (non-responders = evaluable -
responders) is a cell of the table like any other: it is derivable, so it must be protected.
The threshold is a policy choice (see the dashboard), not a clinical rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

SMALL_CELL = 5
"""Counts from 1 to ``SMALL_CELL - 1`` are small."""

MAX_RANK = 12
"""The largest number of independent relations in one linked group that :func:`leaks` checks
(it tries every combination of them: 2**rank)."""


@dataclass(frozen=True)
class Relation:
    """``total = sum(parts)``, known to every reader."""

    total: str
    parts: tuple[str, ...]

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.total, *self.parts)

    def coefficient(self, cell: str) -> int:
        """The cell's coefficient in ``total - sum(parts) = 0``."""
        return (cell == self.total) - self.parts.count(cell)


@dataclass(frozen=True)
class Leak:
    """Hidden cells whose sum the shown cells determine, that sum, and the linked relations
    it was derived from."""

    cells: frozenset[str]
    value: int
    relations: tuple[Relation, ...]


class TableTooLarge(ValueError):
    """A linked group of relations is beyond :data:`MAX_RANK` and cannot be checked."""


def is_small(value: int, k: int = SMALL_CELL) -> bool:
    return 0 < value < k


def suppress(
    cells: Mapping[str, int], relations: Sequence[Relation], k: int = SMALL_CELL
) -> frozenset[str]:
    """The names of the cells to hide (primary and complementary) in the table ``cells``.

    Raises ValueError for a negative count or a relation naming an unknown cell, and
    :class:`TableTooLarge` when a linked group of relations is too large to check.
    """
    _check(cells, relations)
    hidden = {name for name, value in cells.items() if is_small(value, k)}
    while True:
        lone = next((r for r in relations if sum(c in hidden for c in set(r.cells)) == 1), None)
        if lone is not None:
            hidden.add(_smallest(cells, [c for c in lone.cells if c not in hidden]))
            continue
        found = leaks(cells, relations, hidden, k)
        if not found:
            return frozenset(hidden)
        leak = found[0]
        near = [r for r in leak.relations if leak.cells & set(r.cells)]
        # The leaking cells' own relations first; else any relation the derivation may use.
        candidates = _shown_counts(cells, near, hidden) or _shown_counts(
            cells, leak.relations, hidden
        )
        hidden.add(_smallest(cells, candidates))


def leaks(
    cells: Mapping[str, int],
    relations: Sequence[Relation],
    hidden: Iterable[str],
    k: int = SMALL_CELL,
) -> list[Leak]:
    """Every hidden cell or group of hidden cells whose sum follows from the shown cells and the
    relations, and is from 1 to ``k - 1``.

    A linear combination of the relations is a derivation; restricted to the hidden cells it is
    a vector in the row space of the relations' hidden columns. A group sum is derivable exactly
    when the group's 0/1 vector lies in that space, and in reduced row echelon form each such
    vector is the sum of the rows whose pivot it contains: so trying every subset of rows finds
    every derivable group. Groups are searched per linked component of hidden cells.
    """
    hidden_set = set(hidden)
    out: list[Leak] = []
    for columns, rows in _components(relations, hidden_set):
        reduced = _rref([[Fraction(r.coefficient(c)) for c in columns] for r in rows])
        if len(reduced) > MAX_RANK:
            raise TableTooLarge(f"{len(reduced)} linked relations; at most {MAX_RANK} are checked")
        for size in range(1, len(reduced) + 1):
            for chosen in combinations(reduced, size):
                vector = [sum(col, Fraction(0)) for col in zip(*chosen, strict=True)]
                if any(v not in (0, 1) for v in vector):
                    continue
                group = frozenset(c for c, v in zip(columns, vector, strict=True) if v == 1)
                value = sum(cells[c] for c in group)
                if is_small(value, k):
                    out.append(Leak(group, value, tuple(rows)))
    return out


def _check(cells: Mapping[str, int], relations: Sequence[Relation]) -> None:
    for name, value in cells.items():
        if value < 0:
            raise ValueError(f"cell {name!r} is negative ({value})")
    for relation in relations:
        unknown = [c for c in relation.cells if c not in cells]
        if unknown:
            raise ValueError(f"relation {relation.total} names unknown cells {unknown}")


def _shown_counts(
    cells: Mapping[str, int], relations: Iterable[Relation], hidden: set[str]
) -> list[str]:
    return [c for r in relations for c in r.cells if c not in hidden and cells[c]]


def _smallest(cells: Mapping[str, int], names: Iterable[str]) -> str:
    """The smallest non-zero cell, else the smallest (ties broken by name)."""
    return min(names, key=lambda c: (cells[c] == 0, cells[c], c))


def _components(
    relations: Sequence[Relation], hidden: set[str]
) -> list[tuple[list[str], list[Relation]]]:
    """Hidden cells linked by shared relations, each with the relations touching them."""
    parent = {c: c for c in hidden}

    def root(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    touching = [r for r in relations if hidden & set(r.cells)]
    for r in touching:
        first, *rest = sorted(hidden & set(r.cells))
        for c in rest:
            parent[root(c)] = root(first)
    groups: dict[str, tuple[list[str], list[Relation]]] = {}
    for c in sorted(hidden):
        groups.setdefault(root(c), ([], []))[0].append(c)
    for r in touching:
        groups[root(next(iter(hidden & set(r.cells))))][1].append(r)
    return [groups[key] for key in sorted(groups)]


def _rref(matrix: list[list[Fraction]]) -> list[list[Fraction]]:
    """The non-zero rows of the reduced row echelon form of ``matrix``."""
    rows = [list(r) for r in matrix]
    width = len(rows[0]) if rows else 0
    pivot_row = 0
    for col in range(width):
        pivot = next((i for i in range(pivot_row, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for i in range(len(rows)):
            if i != pivot_row and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[pivot_row], strict=True)]
        pivot_row += 1
    return rows[:pivot_row]
