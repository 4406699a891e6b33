"""The dependency rules, read from the source with ``ast`` (nothing is imported): no import cycle among
mixverify's modules, not even through imports inside functions; no import from a core module of mixverify up to
``mixverify.derivations`` or ``mixverify.empirical`` (only the CLI and the claims may); the derivations depend on
nothing above ``mixverify.claim``; and ``pip install`` puts only ``mixverify`` in site-packages."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


#: Top-level folders of the repository and the package each installs as (pyproject's package-dir).
INSTALLED_AS = {"mixverify": "mixverify", "derivations": "mixverify.derivations", "empirical": "mixverify.empirical"}
UP = ("mixverify.derivations", "mixverify.empirical")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    parts = INSTALLED_AS[parts[0]].split(".") + parts[1:]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``path`` imports, at module level or inside functions."""
    name, is_pkg = module_name(path), path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = name.split(".") if is_pkg else name.split(".")[:-1]
            base = base[:len(base) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            # "from . import _validate" imports the submodule; "from . import PAPER" the package itself
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in known else module for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known and "." in t:
                t = t.rpartition(".")[0]
            if t in known and t != name:
                found.add(t)
    return found


def graph(packages=tuple(INSTALLED_AS)) -> dict[str, set[str]]:
    paths = {module_name(p): p for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py"))}
    known = set(paths)
    return {name: imports(path, known) for name, path in paths.items()}


def up_of(deps: set[str]) -> list[str]:
    return sorted(d for d in deps if d.startswith(UP))


def cycle_through(g: dict[str, set[str]], start: str) -> list[str] | None:
    """A path start -> ... -> start in ``g``, or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in g.get(node, ()):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_the_reader_finds_module_and_function_level_imports():
    g = graph()
    assert "mixverify._validate" in g["mixverify.laws"]  # "from . import _validate"
    assert "mixverify.eq2" in g["mixverify.losses"] and "mixverify.laws" in g["mixverify.losses"]
    assert "mixverify.derivations.lemma_3_1" in g["mixverify.claims.lemma_3_1"]
    planted = {**g, "mixverify.eq2": g["mixverify.eq2"] | {"mixverify.losses"}}  # a cycle eq2 -> losses -> eq2
    assert cycle_through(planted, "mixverify.eq2") is not None


def test_no_import_cycle_among_mixverify_modules():
    g = graph()
    cycles = [" -> ".join(c) for name in g if (c := cycle_through(g, name))]
    assert not cycles, cycles


def test_only_the_cli_and_the_claims_import_derivations_or_empirical():
    up = {name: up_of(deps) for name, deps in graph().items() if not name.startswith(UP)}
    bad = {name: deps for name, deps in up.items()
           if deps and not (name == "mixverify.cli" or name.startswith("mixverify.claims."))}
    assert not bad, bad


def test_the_derivations_depend_on_nothing_above_claim():
    g = graph()
    bad = {name: sorted(d for d in deps if not d.startswith("mixverify.derivations") and d != "mixverify.claim")
           for name, deps in g.items() if name.startswith("mixverify.derivations")}
    assert not {k: v for k, v in bad.items() if v}, bad


def test_nothing_generic_is_installed():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert all(p == "mixverify" or p.startswith("mixverify.") for p in setuptools["packages"])
    assert set(setuptools["package-dir"].values()) == set(INSTALLED_AS)
    assert {k: v for v, k in INSTALLED_AS.items()} == {k: v for k, v in setuptools["package-dir"].items()}
