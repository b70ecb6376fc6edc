"""The layers of ``app/`` and ``widgets/`` import one way, with no circles.

Every import counts, the ones under ``TYPE_CHECKING`` and inside functions too: a circle that only a
type checker follows is still a circle a reader has to untangle. The rules, lowest layer first:

* ``app.core`` — the pure core: no Textual, no network library, nothing from another layer;
* ``app.feed`` and ``app.rest`` — the two network planes: the core and each other, no UI;
* ``app.config`` and ``app.trading`` — settings and order entry over the planes, no UI;
* ``widgets`` — what the screens show: Textual and the core only, never a network plane;
* ``app.endpoint`` — where the feed connects: the exchange, or a simulator it starts;
* ``app.tui`` — the Textual app and its screens; ``app.cli`` — the commands (anything);
* ``app.simulator`` — the exchange on loopback: the core, the signing in ``app.feed.auth``,
  the REST rate limits and the CLI helpers, never the client's feed or UI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "widgets")
UI = ("textual", "rich")
NETWORK = ("websockets", "aiohttp")

# layer -> prefixes it must not import (a prefix matches the module and everything under it)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "app.core": UI + NETWORK + ("app.feed", "app.rest", "app.config", "app.trading", "app.tui",
                                "app.cli", "app.simulator", "widgets"),
    "app.feed": UI + ("aiohttp", "app.config", "app.trading", "app.tui", "app.cli", "app.simulator",
                      "widgets"),
    "app.rest": UI + ("websockets", "app.config", "app.trading", "app.tui", "app.cli",
                      "app.simulator", "widgets"),
    "app.config": UI + NETWORK + ("app.trading", "app.tui", "app.cli", "app.simulator", "widgets"),
    "app.endpoint": UI + ("app.tui", "app.cli", "widgets"),
    "app.trading": UI + ("app.tui", "app.cli", "app.simulator", "widgets"),
    "widgets": NETWORK + ("app.feed", "app.rest", "app.config", "app.trading", "app.tui", "app.cli",
                          "app.simulator"),
    "app.tui": ("app.cli", "app.simulator"),
    "app.cli": (),
    "app.simulator": UI + ("app.feed.feed", "app.feed.ws_connection", "app.feed.recording",
                           "app.rest.client", "app.rest.sync", "app.config", "app.trading",
                           "app.tui", "widgets"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str, modules: set[str]) -> set[str]:
    """Every module ``path`` imports, by absolute name.

    ``from x import y`` counts ``x.y`` when that is a module (a package's submodule) and ``x``
    otherwise: taking a submodule from a package is not an import of what the package re-exports.
    """
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names = {f"{module}.{alias.name}" for alias in node.names}
            submodules = names & modules
            found.update(submodules)
            if submodules != names:
                found.add(module)
    return found


def project_graph() -> dict[str, set[str]]:
    """Module -> the project's modules it imports."""
    paths = {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        imported = imports_of(path, name, set(paths))
        graph[name] = {m for m in imported if m in paths and m != name}
        graph[name] |= {f"{m}" for m in imported if m.split(".")[0] not in PACKAGES}
    return graph


GRAPH = project_graph()


def layer_of(module: str) -> str | None:
    matches = [layer for layer in FORBIDDEN if module == layer or module.startswith(layer + ".")]
    return max(matches, key=len) if matches else None


def violations() -> list[str]:
    found = []
    for module, imported in sorted(GRAPH.items()):
        layer = layer_of(module)
        if layer is None:
            continue
        for target in sorted(imported):
            for prefix in FORBIDDEN[layer]:
                if target == prefix or target.startswith(prefix + "."):
                    found.append(f"{module} imports {target} ({layer} must not import {prefix})")
    return found


def cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    local = {m: {t for t in ts if t in GRAPH} for m, ts in GRAPH.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(local):
        if root in index:
            continue
        work = [(root, iter(sorted(local[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
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
                        groups.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(local[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups


def test_every_module_belongs_to_a_layer() -> None:
    homeless = [m for m in GRAPH if layer_of(m) is None and m not in PACKAGES]
    assert homeless == []


def test_layers_import_one_way() -> None:
    assert violations() == []


def test_no_import_cycles() -> None:
    assert cycles() == []


@pytest.mark.parametrize("source, target", [("app.core.state", "textual"),
                                            ("widgets.market.ticker_grid", "app.feed.feed")])
def test_the_check_sees_a_forbidden_import(source: str, target: str) -> None:
    GRAPH[source].add(target)
    try:
        assert any(v.startswith(f"{source} imports {target}") for v in violations())
    finally:
        GRAPH[source].discard(target)


def test_the_check_sees_a_cycle() -> None:
    GRAPH["app.core.fixed"].add("app.core.book")
    try:
        assert ["app.core.book", "app.core.fixed"] in cycles()
    finally:
        GRAPH["app.core.fixed"].discard("app.core.book")
