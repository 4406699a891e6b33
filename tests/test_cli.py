"""The command line: listing, verifying, the report, exit codes and one-line errors."""

import json
import os
import subprocess
import sys

import pytest

from mixverify import cli
from mixverify.claims import CLAIMS


def run(*args):
    return subprocess.run([sys.executable, "-m", "mixverify", *args], capture_output=True, text=True)


def test_list(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    for c in CLAIMS:
        assert c.id in out


def test_verify_subset_writes_json(tmp_path, capsys):
    path = tmp_path / "sub" / "out.json"
    assert cli.main(["verify", "eq-9", "--json", str(path), "--no-progress"]) == 0
    assert "eq-9" in capsys.readouterr().out
    data = json.loads(path.read_text())
    assert set(data) >= {"paper", "version", "seed", "claims"}
    (claim,) = data["claims"]
    assert set(claim) >= {"id", "paper_ref", "title", "status", "hypotheses", "derivation", "evidence", "errata"}
    assert set(claim["derivation"]) == {"module", "latex"}
    for e in claim["evidence"]:
        assert set(e) >= {"name", "kind", "value", "reference", "tolerance", "passed"}
        assert e["kind"] in ("symbolic", "exact", "monte-carlo", "order", "counterexample", "figure")


def test_unknown_id_exits_2_with_one_line():
    r = run("verify", "no-such-claim")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "unknown claim id 'no-such-claim'" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_seed_exits_2():
    r = run("verify", "--seed", "-3")
    assert r.returncode == 2 and "Traceback" not in r.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_out_exits_2(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o500)
    assert cli.main(["report", "eq-9", "--out", str(d / "x")]) == 2


def test_out_under_a_file_exits_2(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("")
    assert cli.main(["report", "eq-9", "--out", str(f / "x"), "--no-progress"]) == 2
    assert "--out" in capsys.readouterr().err


def test_refuted_claim_exits_1(monkeypatch, capsys):
    from dataclasses import replace

    from mixverify.claim import Evidence, Outcome

    planted = Evidence("planted", "exact", 1.0, 2.0, 0.0, False, role="decisive", id="planted")
    bad = replace(CLAIMS[1], check=lambda ctx: Outcome([planted]))
    monkeypatch.setattr("mixverify.claims.CLAIMS", (bad,))
    assert cli.main(["verify", "--no-progress"]) == 1
    assert "refuted" in capsys.readouterr().out


def test_report_pages_and_determinism(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    # lemma-3.2: decided on random draws (a sensitivity table of seed rows), with a plot and an erratum
    assert cli.main(["report", "eq-1", "lemma-3.2", "--out", str(a), "--seed", "3", "--no-progress"]) == 0
    assert cli.main(["report", "eq-1", "lemma-3.2", "--out", str(b), "--seed", "3", "--no-progress"]) == 0
    assert (a / "report.json").read_bytes() == (b / "report.json").read_bytes()
    index = (a / "index.md").read_text()
    assert "claims/lemma-3.2.md" in index
    page = (a / "claims" / "lemma-3.2.md").read_text()
    for section in ("## Statement", "## Hypotheses", "## Derivation", "## Evidence", "## Sensitivity", "## Plots",
                    "## Errata"):
        assert section in page
    assert (a / "figures" / "lemma-3.2" / "taylor-remainder.png").stat().st_size > 10_000
    assert json.loads((a / "report.json").read_text())["seed"] == 3


def test_report_writes_and_exits_0_on_a_refuted_claim_unless_strict(monkeypatch, tmp_path, capsys):
    from dataclasses import replace

    from mixverify.claim import Evidence, Outcome

    planted = Evidence("planted", "exact", 1.0, 2.0, 0.0, False, role="decisive", id="planted")
    bad = replace(CLAIMS[1], check=lambda ctx: Outcome([planted]))
    monkeypatch.setattr("mixverify.claims.CLAIMS", (bad,))
    assert cli.main(["report", "--out", str(tmp_path / "r"), "--no-progress"]) == 0
    assert json.loads((tmp_path / "r" / "report.json").read_text())["claims"][0]["status"] == "refuted"
    assert cli.main(["report", "--out", str(tmp_path / "s"), "--strict", "--no-progress"]) == 1


def test_a_design_dependent_or_vacuous_claim_says_so_everywhere(monkeypatch, tmp_path, capsys):
    from dataclasses import replace

    from mixverify.claim import Evidence, Outcome, Sensitivity

    def check(ctx):
        ok = Evidence("holds", "exact", 1.0, 1.0, 0.0, True, role="decisive", id="holds")
        return Outcome([ok], sensitivity=[Sensitivity("training length", "3000 steps", "refuted", -0.01)])

    odd = replace(CLAIMS[1], check=check, random=False, vacuous="its hypotheses can never be met")
    monkeypatch.setattr("mixverify.claims.CLAIMS", (odd,))
    assert cli.main(["list"]) == 0
    assert "vacuous as printed" in capsys.readouterr().out
    assert cli.main(["report", "--out", str(tmp_path / "r"), "--strict", "--no-progress"]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert "design-dependent" in line and "training length = 3000 steps: refuted" in line and "vacuous" in line
    page = (tmp_path / "r" / "claims" / f"{odd.id}.md").read_text()
    assert "**Vacuous as printed:** its hypotheses can never be met" in page
    assert "| training length | 3000 steps | ❌ refuted | -0.01 | yes | – |" in page
    index = (tmp_path / "r" / "index.md").read_text()
    assert "design-dependent (vacuous as printed)" in index and "0/1 agree (training length)" in index
