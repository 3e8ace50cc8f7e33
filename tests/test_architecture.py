"""The layering rules of docs/architecture.md, read from the source (no module is run).

* No module in ``sim/`` imports another in a circle, counting imports anywhere in a module
  (inside functions too), except those under ``if TYPE_CHECKING:``, which never run.
* Only ``sim/ui/`` imports pygame or pygame_gui.
* Each layer imports only the layers below it (the table in ``LAYERS``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"

#: The layers from the bottom up: a package may import its own layer and those before it.
LAYERS = (
    ("sim.errors", "sim.paths", "sim.i18n", "sim.vocabulary"),
    ("sim.model",),
    ("sim.scenario",),
    ("sim.run",),
    ("sim.scoring",),
    ("sim.records", "sim.xapi", "sim.report", "sim.trainer"),
    ("sim.ui",),
    ("sim.cli", "sim.__main__"),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(path: Path, module: str) -> set[str]:
    """Every module named by an import in ``path`` that can run (TYPE_CHECKING ones skipped)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".") if is_package else module.split(".")[:-1]
                pkg = pkg[: len(pkg) - (node.level - 1)]
                base = ".".join(pkg + ([node.module] if node.module else []))
            # ``from pkg import sub`` imports the module pkg.sub; ``from pkg import name`` needs
            # pkg's own namespace (its __init__ re-exports).
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(
                    sub
                    if (SIM.parent / (sub.replace(".", "/") + ".py")).exists()
                    or (SIM.parent / sub.replace(".", "/") / "__init__.py").exists()
                    else base
                )
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the sim modules it imports.

    ``from pkg import sub`` counts as ``pkg.sub`` and ``from pkg import name`` as ``pkg``;
    importing ``a.b.c`` also runs the packages ``a.b`` and ``a``.
    """
    modules = all_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        for imp in imported_names(path, name):
            if imp in modules:
                deps.add(imp)
            # Importing a.b.c first runs the packages a.b and a, except the packages this module
            # itself lives in: they are already being imported when it runs.
            parts = imp.split(".")
            for k in range(1, len(parts)):
                parent = ".".join(parts[:k])
                if parent in modules and not (name == parent or name.startswith(parent + ".")):
                    deps.add(parent)
        deps.discard(name)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def layer_of(module: str) -> int | None:
    for i, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    return None


def test_the_cycle_finder_finds_a_planted_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_import_reader_sees_imports_inside_functions_but_not_type_checking(tmp_path):
    src = tmp_path / "m.py"
    src.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from sim.ui.app import App\n"
        "def f():\n    from sim.run import attempt\n"
    )
    names = imported_names(src, "sim.x.m")
    assert "sim.run.attempt" in names and "sim.ui.app" not in names


def test_no_module_in_sim_imports_another_in_a_circle():
    assert cycles(import_graph()) == []


def test_only_sim_ui_imports_pygame():
    offenders = []
    for name, path in all_modules().items():
        if name == "sim.ui" or name.startswith("sim.ui."):
            continue
        for imp in imported_names(path, name):
            if imp.split(".")[0] in ("pygame", "pygame_gui"):
                offenders.append(f"{name} imports {imp}")
    assert offenders == []


def test_every_module_belongs_to_a_layer():
    unplaced = [m for m in all_modules() if m != "sim" and layer_of(m) is None]
    assert unplaced == []


@pytest.mark.parametrize("module", sorted(all_modules()))
def test_each_layer_imports_only_its_own_and_lower_layers(module):
    graph = import_graph()
    mine = layer_of(module)
    if mine is None:
        return
    upward = [d for d in graph[module] if (layer_of(d) or 0) > mine]
    assert upward == [], f"{module} reaches up into {upward}"
