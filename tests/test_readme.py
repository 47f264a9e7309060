"""The README stays current: its rule catalogue is the one the tool prints, and CI runs its test command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_catalogue_in_readme_is_the_tools_own():
    printed = subprocess.run(
        [sys.executable, "-m", "youzhi.cli", "rules", "--markdown"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    rows = [line for line in printed.splitlines() if line.startswith("| YZ")]
    assert len(rows) > 40
    readme_rows = [line for line in README.splitlines() if line.startswith("| YZ")]
    assert readme_rows == rows, "run `youzhi rules --markdown` and paste it into README.md"


def test_ci_runs_the_readmes_test_command():
    assert "bash scripts/demo.sh" in README
    assert "bash scripts/test.sh" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))] == [
        "bash scripts/test.sh"
    ]


def test_every_command_is_documented():
    from youzhi.cli import COMMANDS

    for name in COMMANDS:
        assert f"youzhi {name}" in README


def test_the_demo_command_runs_again_over_its_own_outputs():
    """`bash scripts/demo.sh` is the README's first command: a second run (outputs already in out/) must
    still succeed and leave the bundled example byte-identical."""
    import hashlib

    example = ROOT / "examples" / "示範高中_114.xlsx"
    before = hashlib.sha256(example.read_bytes()).hexdigest()
    for _ in range(2):
        run = subprocess.run(["bash", "scripts/demo.sh"], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert (ROOT / "out" / "示範高中_114_修復.xlsx").exists()
    assert hashlib.sha256(example.read_bytes()).hexdigest() == before
