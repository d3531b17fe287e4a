"""The package's shape: no import cycle anywhere in ``ldnderm``, function-level imports included.

The layer contracts themselves are import-linter's (``pyproject.toml``, run by ``make test``);
this test adds what a layers contract cannot see: cycles inside one package.
"""

from __future__ import annotations

import grimp


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(m for m in graph.modules if m.startswith("ldnderm"))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if not child.startswith("ldnderm"):
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_in_the_package_lazy_imports_included() -> None:
    graph = grimp.build_graph("ldnderm", cache_dir=None)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("ldnderm.a", "ldnderm.b", "ldnderm.c"):
        graph.add_module(module)
    graph.add_import(importer="ldnderm.a", imported="ldnderm.b")
    graph.add_import(importer="ldnderm.b", imported="ldnderm.a")
    graph.add_import(importer="ldnderm.b", imported="ldnderm.c")
    assert _cycles(graph) == [["ldnderm.a", "ldnderm.b"]]
