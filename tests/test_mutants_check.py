"""benchmarks/check_mutants.py: a survivor missing from the table, or a stale row, fails the mutation run."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_mutants", ROOT / "benchmarks" / "check_mutants.py")
check_mutants = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_mutants)

# a module as mutmut 3 writes it: the original and two mutants of f, one of Law.moment
SOURCE = '''
def x_f__mutmut_orig(x, *, n=2):
    return x * n  # scale


def x_f__mutmut_1(x, *, n=3):
    return x * n  # scale


def x_f__mutmut_2(x, *, n=2):
    return x / n  # scale


class Law:
    def xǁLawǁmoment__mutmut_orig(self, k):
        return self.a ** k

    def xǁLawǁmoment__mutmut_1(self, k):
        return self.a ** (k + 1)
'''
HEAD = "| module | function | mutation | why |\n|---|---|---|---|\n"


@pytest.fixture
def tree(tmp_path):
    pkg = tmp_path / "mutants" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "demo.py").write_text(SOURCE, "utf-8")
    codes = {"pkg.demo.x_f__mutmut_1": 0, "pkg.demo.x_f__mutmut_2": 1, "pkg.demo.xǁLawǁmoment__mutmut_1": 0}
    (pkg / "demo.py.meta").write_text(json.dumps({"exit_code_by_key": codes}), "utf-8")
    return tmp_path


def run(tree, table_text, *extra):
    table = tree / "MUTANTS.md"
    table.write_text(table_text, "utf-8")
    return check_mutants.main(["--mutants", str(tree / "mutants"), "--table", str(table), *extra])


def test_mutated_code_is_the_changed_line_with_the_plain_name(tree):
    results = {r["key"]: r for r in check_mutants.load_results(tree / "mutants")}
    assert results["pkg.demo.x_f__mutmut_1"]["code"] == "def f(x, *, n=3):"
    assert results["pkg.demo.xǁLawǁmoment__mutmut_1"]["code"] == "return self.a ** (k + 1)"  # comment-free, too
    assert results["pkg.demo.x_f__mutmut_2"]["status"] == "killed"
    assert check_mutants.parse_name("pkg.demo.xǁLawǁmoment__mutmut_1") == ("demo", "Law.moment", "xǁLawǁmoment", "1")
    assert check_mutants.parse_name("pkg.demo.x__private__mutmut_12") == ("demo", "_private", "x__private", "12")


def test_all_survivors_explained_passes_and_writes_the_summary(tree):
    table = HEAD + ("| demo | f | `def f(x, *, n=3):` | the default is always overridden |\n"
                    "| demo | Law.moment | `return self.a ** (k + 1)` | planted for this test |\n")
    summary = tree / "summary.json"
    assert run(tree, table, "--summary", str(summary)) == 0
    counts = json.loads(summary.read_text())["all"]
    assert counts == {"killed": 1, "survived": 2, "total": 3}


def test_a_survivor_missing_from_the_table_fails(tree, capsys):
    assert run(tree, HEAD + "| demo | f | `def f(x, *, n=3):` | overridden |\n") == 1
    assert "UNEXPLAINED survived: pkg.demo.xǁLawǁmoment__mutmut_1" in capsys.readouterr().out


@pytest.mark.parametrize("row", ["| demo | f | `return x / n` | but a test kills it |",
                                 "| demo | g | `def f(x, *, n=3):` | the wrong function |"])
def test_a_row_that_explains_no_survivor_fails(tree, row, capsys):
    table = HEAD + ("| demo | f | `def f(x, *, n=3):` | overridden |\n"
                    "| demo | Law.moment | `return self.a ** (k + 1)` | planted |\n") + row + "\n"
    assert run(tree, table) == 1
    assert "explains no surviving mutant" in capsys.readouterr().out


def test_update_rewrites_only_the_score_block(tree):
    table = ("intro\n" + check_mutants.START + "\nold\n" + check_mutants.END + "\n" + HEAD
             + "| demo | f | `def f(x, *, n=3):` | overridden |\n| demo | Law.moment | `return self.a ** (k + 1)` | p |\n")
    assert run(tree, table, "--update") == 0
    text = (tree / "MUTANTS.md").read_text()
    assert text.startswith("intro\n") and "old" not in text and "| demo | 3 | 1 | 0 | 2 | 0 | 33.3% |" in text


def test_no_results_fails(tmp_path):
    (tmp_path / "MUTANTS.md").write_text(HEAD)
    assert check_mutants.main(["--mutants", str(tmp_path / "none"), "--table", str(tmp_path / "MUTANTS.md")]) == 1
