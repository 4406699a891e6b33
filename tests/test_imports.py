"""The dependency rules of issue 14, read from the source with ``ast`` (nothing is imported): no import cycle among
mixverify's modules, not even through imports inside functions, and no import from a core module of mixverify up
to ``derivations`` or ``empirical`` (only the CLI and the claims may)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
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


def graph(packages=("mixverify",)) -> dict[str, set[str]]:
    paths = {module_name(p): p for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py"))}
    known = set(paths) | {"derivations", "empirical"}
    return {name: imports(path, known) for name, path in paths.items()}


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
    assert "derivations" in g["mixverify.claims.lemma_3_1"]
    planted = {**g, "mixverify.eq2": g["mixverify.eq2"] | {"mixverify.losses"}}  # a cycle eq2 -> losses -> eq2
    assert cycle_through(planted, "mixverify.eq2") is not None


def test_no_import_cycle_among_mixverify_modules():
    g = graph()
    cycles = [" -> ".join(c) for name in g if (c := cycle_through(g, name))]
    assert not cycles, cycles


def test_only_the_cli_and_the_claims_import_derivations_or_empirical():
    up = {name: sorted(deps & {"derivations", "empirical"}) for name, deps in graph().items()}
    bad = {name: deps for name, deps in up.items()
           if deps and not (name == "mixverify.cli" or name.startswith("mixverify.claims."))}
    assert not bad, bad
