"""Tally of the hostile cases as a careless user and a hostile sender would try them.

    python tests/hostile_tally.py [CODE_ROOT]

Every case runs ``python -m youzhi.cli …`` in a subprocess (a crash cannot take the tally down) in
its own folder, with the code from CODE_ROOT (default: this checkout) first on ``sys.path``, and is
classified: crash (a traceback, an abort, exit status other than 0/1/2), input changed, live formula
(a written workbook holds a formula with submitted text, or a CSV field starts unguarded with = + - @),
leftover file (a temp file, a stray backup, a partial output), clear message otherwise.
Not collected by pytest (the per-class tests are tests/test_hostile_*.py).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hostile import (  # noqa: E402
    PLACEHOLDER,
    corrupt_zip,
    encrypted_file,
    lying_bomb,
    patch_sheet,
    stray_cells,
    swap_placeholder,
    xls_file,
    zip_bomb,
)
from officialish import default_blocks, official_workbook  # noqa: E402

FORMULA = '=HYPERLINK("http://evil.example","x")'


def build(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    good = official_workbook(root / "good.xlsx")
    blocks = default_blocks()
    blocks[next(iter(blocks))][0].update(item=PLACEHOLDER, unit=PLACEHOLDER, purpose=PLACEHOLDER)
    tpl = official_workbook(root / "tpl.xlsx", blocks=blocks)

    def numbers(name, **line):
        b = default_blocks()
        b[next(iter(b))][0].update(line)
        return official_workbook(root / name, blocks=b)

    (root / "empty.xlsx").write_bytes(b"")
    (root / "csv.xlsx").write_text("學校,金額\n○○高中,100\n", encoding="utf-8")
    return {
        "good": good,
        "formula": swap_placeholder(root / "formula.xlsx", tpl, FORMULA),
        "escape": swap_placeholder(root / "escape.xlsx", tpl, "諮詢費\x1b[2J\x00"),
        "huge": numbers("huge.xlsx", unit_price=1e22),
        "product": numbers("product.xlsx", quantity=9e11, unit_price=9e11),
        "xfd": stray_cells(root / "xfd.xlsx", good, "XFD1048576"),
        "z4": stray_cells(root / "z4.xlsx", good, "Z1048576", sheets=4),
        "crafted": patch_sheet(
            root / "crafted.xlsx", good, b"<sheetData>", b"<!--" + b'<c r="A1" ' * 30000 + b"--><sheetData>"
        ),
        "entity": patch_sheet(root / "entity.xlsx", good, b"<sheetData>", b"<sheetData>&undefined;"),
        "empty": root / "empty.xlsx",
        "csv": root / "csv.xlsx",
        "xls": xls_file(root / "xls.xlsx"),
        "encrypted": encrypted_file(root / "encrypted.xlsx"),
        "truncated": corrupt_zip(root / "truncated.xlsx", good),
        "bomb": zip_bomb(root / "bomb.xlsx", megabytes=8),
        "liar": lying_bomb(root / "liar.xlsx", good, megabytes=8),
    }


# (name, files copied into the case folder, argv with {name} placeholders, files expected afterwards)
CASES = [
    (
        "repair -o onto the input via a linked folder",
        ["good"],
        ["repair", "good.xlsx", "-o", "link/good.xlsx"],
        set(),
    ),
    ("batch -o onto a submission in the folder", ["good"], ["batch", ".", "-o", "good.xlsx"], set()),
    ("repair -o over an existing file", ["good", "huge"], ["repair", "good.xlsx", "-o", "huge.xlsx"], set()),
    (
        "check --annotate over an existing file",
        ["good", "huge"],
        ["check", "good.xlsx", "--annotate", "huge.xlsx"],
        set(),
    ),
    ("batch -o over an existing file", ["good", "huge"], ["batch", "good.xlsx", "-o", "huge.xlsx"], set()),
    (
        "batch --export over an existing file",
        ["good", "csv"],
        ["batch", "good.xlsx", "--export", "csv.xlsx"],
        set(),
    ),
    ("repair -o through a symlink", ["good"], ["repair", "good.xlsx", "-o", "victim-link.xlsx"], set()),
    (
        "repair --in-place twice",
        ["good"],
        ["repair", "good.xlsx", "--in-place", "&&twice"],
        {"good.xlsx.bak", "good.xlsx.2.bak"},
    ),
    ("repair --in-place on a corrupt file", ["truncated"], ["repair", "truncated.xlsx", "--in-place"], set()),
    ("repair -o into a missing folder", ["good"], ["repair", "good.xlsx", "-o", "missing/out.xlsx"], set()),
    ("repair -o onto a folder", ["good"], ["repair", "good.xlsx", "-o", "sub"], set()),
    ("repair -o into /proc", ["good"], ["repair", "good.xlsx", "-o", "/proc/self/out.xlsx"], set()),
    (
        "batch over a folder holding temp and lock files",
        ["good"],
        ["batch", ".", "--json", "&&temps"],
        {".youzhi-tmp-x.xlsx", "~$good.xlsx"},
    ),
    (
        "annotate: formula text in item/unit/purpose",
        ["formula"],
        ["check", "formula.xlsx", "--annotate", "out.xlsx"],
        {"out.xlsx"},
    ),
    (
        "repair: formula as school name",
        ["formula"],
        ["repair", "formula.xlsx", "-o", "out.xlsx", "--school", "=1+2"],
        {"out.xlsx"},
    ),
    ("batch report: formula text", ["formula"], ["batch", "formula.xlsx", "-o", "out.xlsx"], {"out.xlsx"}),
    ("CSV export: formula text", ["formula"], ["batch", "formula.xlsx", "--export", "out.csv"], {"out.csv"}),
    ("check --json: formula text", ["formula"], ["check", "formula.xlsx", "--json"], set()),
    ("check: ESC/NUL in cells", ["escape"], ["check", "escape.xlsx"], set()),
    (
        "annotate: ESC/NUL in cells",
        ["escape"],
        ["check", "escape.xlsx", "--annotate", "out.xlsx"],
        {"out.xlsx"},
    ),
    ("repair: ESC/NUL in cells", ["escape"], ["repair", "escape.xlsx", "-o", "out.xlsx"], {"out.xlsx"}),
    ("rollup: 1e22 千元", ["huge"], ["rollup", "huge.xlsx"], set()),
    ("check: 數量×單價 past Decimal", ["product"], ["check", "product.xlsx"], set()),
    (
        "batch + Parquet: absurd numbers",
        ["huge", "product"],
        ["batch", ".", "--export", "out.parquet"],
        {"out.parquet"},
    ),
    ("check: a cell at XFD1048576", ["xfd"], ["check", "xfd.xlsx"], set()),
    ("check: Z1048576 on 4 sheets", ["z4"], ["check", "z4.xlsx"], set()),
    ("check: crafted comment for the scans", ["crafted"], ["check", "crafted.xlsx"], set()),
    ("check: undefined XML entity", ["entity"], ["check", "entity.xlsx"], set()),
    ("repair: undefined XML entity", ["entity"], ["repair", "entity.xlsx", "-o", "out.xlsx"], {"out.xlsx?"}),
    ("check: empty file", ["empty"], ["check", "empty.xlsx"], set()),
    ("check: CSV renamed .xlsx", ["csv"], ["check", "csv.xlsx"], set()),
    ("check: .xls renamed", ["xls"], ["check", "xls.xlsx"], set()),
    ("check: encrypted", ["encrypted"], ["check", "encrypted.xlsx"], set()),
    ("repair: truncated zip", ["truncated"], ["repair", "truncated.xlsx", "-o", "out.xlsx"], set()),
    ("check: zip bomb", ["bomb"], ["check", "bomb.xlsx"], set()),
    ("check: zip lying about sizes", ["liar"], ["check", "liar.xlsx"], set()),
    (
        "batch: every unreadable kind",
        ["empty", "csv", "xls", "encrypted", "truncated", "bomb", "liar", "entity"],
        ["batch", ".", "--json"],
        set(),
    ),
    ("batch on a file named -o.xlsx", ["good:-o.xlsx"], ["batch", "-o.xlsx", "--json"], set()),
    ("repair -o -out.xlsx", ["good"], ["repair", "good.xlsx", "-o", "-out.xlsx"], {"-out.xlsx"}),
    ("argparse: missing argument", [], ["repair"], set()),
    ("argparse: bad integer", [], ["batch", "x", "--jobs", "many"], set()),
    ("argparse: unknown command", [], ["nosuch"], set()),
]


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.is_file() and not p.is_symlink()
    }


def live_formula(folder: Path, written: set[str]) -> bool:
    for path in (folder / name for name in written):
        if path.suffix == ".xlsx" and path.is_file() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.startswith("xl/worksheets/"):
                        text = archive.read(name)
                        if re.search(rb"<f>[^<]*HYPERLINK", text) or b"<f>1+2</f>" in text:
                            return True
        csv_text = path.read_text(encoding="utf-8-sig") if path.suffix == ".csv" else ""
        if re.search(r'(^|,)"?[=+@]HYPERLINK', csv_text, re.M):
            return True
    return False


def run_case(root: Path, files: dict[str, Path], case, code_root: str) -> str:
    _, inputs, argv, expected = case
    folder = Path(tempfile.mkdtemp(dir=root))
    for key in inputs:
        key, _, rename = key.partition(":")
        shutil.copyfile(files[key], folder / (rename or files[key].name))
    (folder / "sub").mkdir()
    (folder / "link").symlink_to(folder, target_is_directory=True)
    (folder / "victim.txt").write_text("keep")
    (folder / "victim-link.xlsx").symlink_to(folder / "victim.txt")
    twice = "&&twice" in argv
    if "&&temps" in argv:
        shutil.copyfile(files["good"], folder / ".youzhi-tmp-x.xlsx")
        shutil.copyfile(files["good"], folder / "~$good.xlsx")
    argv = [a for a in argv if not a.startswith("&&")]
    before = digest(folder)
    env = {**os.environ, "PYTHONPATH": code_root, "PYTHONFAULTHANDLER": ""}
    outputs = []
    for _ in range(2 if twice else 1):
        done = subprocess.run(
            [sys.executable, "-m", "youzhi.cli", *argv],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        outputs.append(done)
    after = digest(folder)
    text = "".join(d.stdout + d.stderr for d in outputs)
    if any(d.returncode not in (0, 1, 2) for d in outputs) or "Traceback" in text:
        return "crash"
    originals = before
    if twice:
        if after.get("good.xlsx.bak") != before["good.xlsx"]:
            return "input changed"
    elif any(after.get(k) != v for k, v in originals.items()):
        return "input changed"
    if (folder / "victim.txt").read_text() != "keep":
        return "input changed"
    if live_formula(folder, {k for k in after if after[k] != before.get(k)}):
        return "live formula"
    new = set(after) - set(before) - {e.rstrip("?") for e in expected}
    if new:
        return "leftover file"
    if "\x1b" in text or re.search(r"CalamineError|InvalidOperation|undefined entity|usage:|error:", text):
        return "unclear message"
    return "clear message"


def main(code_root: str) -> None:
    root = Path(tempfile.mkdtemp(prefix="hostile-tally-"))
    try:
        files = build(root / "files")
        outcomes: dict[str, int] = {}
        for case in CASES:
            outcome = run_case(root, files, case, code_root)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            print(f"{outcome:16} {case[0]}")
        print(f"\n{len(CASES)} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else HERE.parent))
