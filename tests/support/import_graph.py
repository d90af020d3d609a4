"""The project's import graph, read from the source (nothing is imported): which module names which.

Every import counts, wherever it is written: at the top, inside a function (the window's deferred imports) or
under `if TYPE_CHECKING:`. A circle through a type-only import is still a circle in the design: the modules cannot
be understood, tested or moved one without the other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

Graph = Mapping[str, frozenset[str]]


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Each module's dotted name (a package is named by its folder) and its file."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _named(node: ast.AST, module: str, is_package: bool, known: Mapping[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # a relative import: from the module's own package upwards
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = ".".join([*package[: len(package) - node.level + 1], *([node.module] if node.module else [])])
    # `from package import module` names the module; `from module import name` names the module itself.
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]


def import_graph(modules: Mapping[str, Path]) -> dict[str, frozenset[str]]:
    """For each module, the project modules it imports (names outside `modules` are left out)."""
    graph = {}
    for module, path in modules.items():
        targets = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for name in _named(node, module, path.name == "__init__.py", modules):
                while name and name not in modules:  # `a.b.func` -> the module `a.b`
                    name = name.rpartition(".")[0]
                if name and name != module:
                    targets.add(name)
        graph[module] = frozenset(targets)
    return graph


def circles(graph: Graph) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (strongly connected components of two or
    more), each sorted; found without recursion so a deep graph cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found = []
    work: list[tuple[str, Iterator[str]]] = []  # the depth-first path: each node with the children left to visit

    def enter(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        work.append((node, iter(sorted(graph.get(node, ())))))

    for start in graph:
        if start in index:
            continue
        enter(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    enter(child)
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def imports_from(graph: Graph, importer_prefix: str, imported_prefix: str) -> dict[str, list[str]]:
    """Modules under `importer_prefix` that import modules under `imported_prefix`, with what they import."""
    def under(name: str, prefix: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    return {
        module: sorted(t for t in targets if under(t, imported_prefix))
        for module, targets in sorted(graph.items())
        if under(module, importer_prefix) and any(under(t, imported_prefix) for t in targets)
    }


def rooms(graph: Graph, prefix: str) -> dict[str, frozenset[str]]:
    """The graph between the rooms under `prefix` (each subpackage or module right below it, `a.b.sources` for
    `a.b.sources.pack`): one room imports another when any of its modules does."""
    def room(name: str) -> str | None:
        if not name.startswith(prefix + "."):
            return None
        return ".".join(name.split(".")[: prefix.count(".") + 2])

    found: dict[str, set[str]] = {}
    for module, targets in graph.items():
        here = room(module)
        if here is None:
            continue
        found.setdefault(here, set()).update(t for t in map(room, targets) if t is not None and t != here)
    return {name: frozenset(targets) for name, targets in found.items()}
