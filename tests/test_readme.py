"""The README's example runs as printed, and its first lines are the two set-up commands."""

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_example_runs():
    (code,) = re.findall(r"```python\n(.*?)```", README, re.S)[:1]
    exec(compile(code, "README.md", "exec"), {})


def test_readme_starts_with_the_two_commands():
    block = re.match(r"# mixverify\n\n```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert len(block) == 2
    assert "mixverify report" in block[0] and block[1].endswith("tox")
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert block[1] in ci  # .ci/run calls exactly the README's test command
