"""The installed package: no import circle, and nothing in it that only tests use.

The imports are read from the source (every `import` statement, also those inside functions
or under TYPE_CHECKING), so a circle that only type checking closes counts too.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import setuptools

from kiegram.cli.main import COMMAND_MODULES

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


def shipped_modules() -> dict[str, Path]:
    """Module name -> file for every module the wheel carries: the packages pyproject's
    finder takes, and the Python files its package-data adds (the Alembic migrations)."""
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    modules: dict[str, Path] = {}
    for base in (ROOT / w for w in setup["setuptools"]["packages"]["find"]["where"]):
        for package in setuptools.find_packages(where=str(base)):
            folder = base.joinpath(*package.split("."))
            data = setup["setuptools"].get("package-data", {}).get(package, [])
            extra = (p for pattern in data if pattern.endswith(".py") for p in folder.glob(pattern))
            for path in (*folder.glob("*.py"), *extra):
                parts = path.relative_to(base).with_suffix("").parts
                modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: Mapping[str, Path]) -> set[str]:
    """The package's own modules that this module imports (`from p import m` names p.m)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    found.add(f"{base}.{alias.name}")
                elif base in modules:
                    found.add(base)
    found.discard(name)
    return found


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def circles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Groups of two or more modules that import each other round a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group: list[str] = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def reached(graph: Mapping[str, Iterable[str]], starts: Iterable[str]) -> set[str]:
    """Modules a run imports from these entry points (importing a.b.c runs a and a.b too)."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(graph[name])
        parts = name.split(".")
        todo.extend(p for i in range(1, len(parts)) if (p := ".".join(parts[:i])) in graph)
    return seen


def entry_points(modules: Mapping[str, Path]) -> list[str]:
    """What runs without being imported by the package: the console script, the
    sub-commands it loads by name, and the migrations Alembic loads from their folder."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    scripts = [target.split(":")[0] for target in pyproject["project"]["scripts"].values()]
    migrations = [name for name in modules if ".storage.migrations." in name]
    return [*scripts, *COMMAND_MODULES, *migrations]


def test_the_packages_imports_make_no_circle() -> None:
    assert circles(import_graph(shipped_modules())) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert circles(graph) == [["a", "b", "c"]]


def test_every_shipped_module_runs_in_the_bot_none_is_test_only() -> None:
    modules = shipped_modules()
    assert "kiegram.app" in modules and "kiegram.sandbox" in modules  # the finder sees all
    graph = import_graph(modules)
    unused = sorted(set(modules) - reached(graph, entry_points(modules)))
    assert unused == [], f"shipped but imported by nothing at run time: {unused}"
    assert not [name for name in modules if name.split(".")[-1] in {"testing", "fakes"}]


def test_no_shipped_module_imports_a_test_tool() -> None:
    tools = {"pytest", "hypothesis", "kit", "conftest"}
    offenders = []
    for name, path in shipped_modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            if roots & tools:
                offenders.append(name)
    assert offenders == []
