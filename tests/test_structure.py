"""The code's shape, checked: one place takes training steps, claim functions stay short, validators live in _validate."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "mixverify").rglob("*.py")) + sorted((ROOT / "empirical").rglob("*.py"))


def _functions(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_backward_is_called_in_at_most_two_places():
    """Every training loop steps through mixverify.training.descend (one .backward() call)."""
    sites = [f"{p.relative_to(ROOT)}:{i}" for p in SOURCES for i, line in enumerate(p.read_text().splitlines(), 1)
             if re.search(r"\.backward\(", line.split("#")[0])]
    assert len(sites) <= 2, sites


def test_no_function_in_claims_is_over_60_lines():
    long = [f"{p.name}:{f.name} ({f.end_lineno - f.lineno + 1} lines)"
            for p in sorted((ROOT / "mixverify" / "claims").glob("*.py")) for f in _functions(p)
            if f.end_lineno - f.lineno + 1 > 60]
    assert not long, long


def test_validators_live_in_validate():
    """A function taking (name, value) to check an argument belongs in mixverify/_validate.py."""
    local = [f"{p.relative_to(ROOT)}:{f.name}" for p in SOURCES if p.name != "_validate.py" for f in _functions(p)
             if [a.arg for a in f.args.args[:2]] == ["name", "value"]]
    assert not local, local
