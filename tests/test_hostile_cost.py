"""Hostile suite, crashes and runaway cost: far cells, crafted parts for the formula scans, broken XML,
the unreadable files the README promises (corrupt, encrypted, .xls, CSV, zip bomb …), file names that
look like options, and argparse's own errors: each ends in one zh-TW sentence, quickly, never a crash."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hostile import (
    corrupt_zip,
    encrypted_file,
    lying_bomb,
    patch_sheet,
    stray_cells,
    xls_file,
    zip_bomb,
)
from officialish import official_workbook

from youzhi.cli import main
from youzhi.reader import read_budget
from youzhi.sheet_area import CELL_BUDGET, area_bound, bound_sheet
from youzhi.sheets import load_grids

ENGLISH_TAILS = ("Calamine", "Error", "entity", "line ", "Traceback", "usage:", "invalid", "required")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return official_workbook(tmp_path_factory.mktemp("good") / "good.xlsx")


def zh_only(text: str) -> bool:
    return not any(tail in text for tail in ENGLISH_TAILS)


# ------------------------------------------------------------------ far cells
def _limited(script: str, limit_gb: float = 2.0) -> subprocess.CompletedProcess:
    def limit():
        size = int(limit_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, preexec_fn=limit
    )


def test_a_cell_at_xfd1048576_is_left_out_and_reported(good, tmp_path):
    """Without the bound calamine asks for 512 GiB and aborts; here, in 2 GB of address space, the
    workbook reads in well under a second and the far cell is a problem on its cell."""
    far = stray_cells(tmp_path / "xfd.xlsx", good, "XFD1048576")
    script = (
        "import json; from youzhi.reader import read_budget\n"
        f"b = read_budget({str(far)!r})\n"
        "print(json.dumps([[p.sheet, p.cell, p.message] for p in b.problems], ensure_ascii=False))"
    )
    started = time.perf_counter()
    done = _limited(script)
    assert done.returncode == 0, done.stderr[-2000:]
    assert time.perf_counter() - started < 20
    problems = json.loads(done.stdout)
    assert any(cell == "XFD1048576" and "離表格太遠" in message for _, cell, message in problems)


def test_far_cells_on_several_sheets_cost_what_the_content_costs(good, tmp_path):
    far = stray_cells(tmp_path / "z.xlsx", good, "Z1048576", sheets=4)
    started = time.perf_counter()
    grids = load_grids(far)
    assert time.perf_counter() - started < 2  # 14 s and 2 GB before the bound
    assert all(len(grid.rows) < 1000 for grid in grids.sheets)
    assert len(grids.far) == 4
    assert read_budget(far).lines == read_budget(good).lines


def test_the_bound_is_quiet_on_real_sheets(good):
    with zipfile.ZipFile(good) as archive:
        parts = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    for xml in parts:
        assert area_bound(xml) <= CELL_BUDGET
        assert bound_sheet(xml) == (xml, [])
    assert load_grids(good).far == {}


# ------------------------------------------------------------------ crafted parts for the scans
@pytest.mark.parametrize(
    "crafted",
    [b'<c t="e">' * 30_000, b'<c r="A1" ' * 30_000, b'<c r="A1"><v>1</v>' + b"</f></c>" * 30_000],
    ids=["error-hints", "unclosed-cells", "formula-tails"],
)
def test_crafted_comments_do_not_make_the_scans_quadratic(good, tmp_path, crafted, capsys):
    path = patch_sheet(tmp_path / "crafted.xlsx", good, b"<sheetData>", b"<!--" + crafted + b"--><sheetData>")
    assert path.stat().st_size < 100_000
    started = time.perf_counter()
    assert main(["check", str(path), "--json"]) in (0, 1)
    assert time.perf_counter() - started < 3  # minutes before the scans were made linear
    capsys.readouterr()


# ------------------------------------------------------------------ unreadable files
def unreadable_files(folder: Path, good: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    (folder / "empty.xlsx").write_bytes(b"")
    (folder / "renamed.xlsx").write_text("學校,項目,金額\n○○高中,諮詢費,10000\n", encoding="utf-8")
    return {
        "empty": folder / "empty.xlsx",
        "csv": folder / "renamed.xlsx",
        "xls": xls_file(folder / "old.xlsx"),
        "encrypted": encrypted_file(folder / "encrypted.xlsx"),
        "truncated": corrupt_zip(folder / "truncated.xlsx", good),
        "bomb": zip_bomb(folder / "bomb.xlsx", megabytes=8),
        "liar": lying_bomb(folder / "liar.xlsx", good, megabytes=8),
        "entity": patch_sheet(folder / "entity.xlsx", good, b"<sheetData>", b"<sheetData>&undefined;"),
        "broken-tag": patch_sheet(folder / "tag.xlsx", good, b"<sheetData>", b"<sheetData><row r=1><c"),
        "missing-part": _without(folder / "nosheet.xlsx", good, "xl/worksheets/sheet1.xml"),
    }


def _without(path: Path, good: Path, member: str) -> Path:
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            if item.filename != member:
                target.writestr(item, source.read(item.filename))
    return path


@pytest.fixture(scope="module")
def unreadable(tmp_path_factory, good) -> dict[str, Path]:
    return unreadable_files(tmp_path_factory.mktemp("unreadable"), good)


@pytest.mark.parametrize("command", ["check", "rollup", "repair"])
def test_every_unreadable_file_is_one_zh_sentence(unreadable, command, tmp_path, capsys):
    for name, path in unreadable.items():
        before = path.read_bytes()
        argv = [command, str(path)] + (["-o", str(tmp_path / f"{name}.xlsx")] if command == "repair" else [])
        code = main(argv)
        err = capsys.readouterr().err.strip()
        if name == "entity" and code in (0, 1):  # a reader that skips the bad part is fine too
            continue
        assert code == 2, (name, code, err)
        assert err.startswith("錯誤：") and "\n" not in err and zh_only(err), (name, err)
        assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir()]


def test_batch_lists_them_with_their_reasons(unreadable, good, tmp_path, capsys):
    files = [*map(str, unreadable.values()), str(good)]
    assert main(["batch", *files, "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    reasons = {u["file"]: u["reason"] for u in payload["unreadable"]}
    assert str(good) not in reasons
    assert all(zh_only(reason) for reason in reasons.values()), reasons
    assert len(reasons) >= len(unreadable) - 1  # entity: may be read without the broken part


# ------------------------------------------------------------------ command line
def test_file_names_that_look_like_options_are_files(good, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("-o.xlsx").write_bytes(good.read_bytes())
    assert main(["batch", "-o.xlsx", "--json"]) in (0, 1)
    assert '"files": 1,' in capsys.readouterr().out
    assert not Path(".xlsx").exists()  # not taken as -o .xlsx
    assert main(["check", "--json", "--", "-o.xlsx"]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["file"] == "-o.xlsx"
    assert main(["repair", "-o.xlsx", "-o", "-repaired.xlsx"]) == 0  # an output named like an option
    assert Path("-repaired.xlsx").exists()


def test_quiet_for_ordinary_options(good, tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    assert main(["batch", str(good), "-o", str(out)]) in (0, 1)
    assert out.exists()


@pytest.mark.parametrize(
    "argv, words",
    [
        (["repair"], "缺少必要參數"),
        (["batch", "x", "--jobs", "many"], "不是整數"),
        (["nosuch"], "不是可用的選項"),
        (["rollup", "a.xlsx", "--bogus"], "無法辨識的參數"),
        (["repair", "a.xlsx", "-o"], "需要一個值"),
    ],
)
def test_argparse_errors_are_zh_tw(argv, words, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "用法：" in err and zh_only(err.replace("--", "")), err


def test_help_is_zh_tw(capsys):
    assert main(["repair", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：") and "選項：" in out and "show this help" not in out


def test_no_python_traceback_even_on_a_bug(good, monkeypatch, capsys):
    monkeypatch.delenv("YOUZHI_DEBUG", raising=False)
    monkeypatch.setattr("youzhi.cmd.rollup.render", lambda budget: 1 / 0)
    assert main(["rollup", str(good)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("錯誤：") and "Traceback" not in err and "ZeroDivision" not in err
    assert os.environ.get("YOUZHI_DEBUG") is None


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="XFD1048576">',
        b"<c r='XFD1048576'>",
        b'<c r  ="XFD1048576">',
        b'<c\tr="XFD1048576">',
        b'<c r= "XFD1048576">',
        b'<c r\n="XFD1048576">',
    ],
    ids=["plain", "single-quotes", "two-spaces", "tab-before", "space-after", "newline"],
)
def test_the_bound_sees_a_far_cell_however_its_reference_is_spelt(cell):
    head = b'<worksheet xmlns="http://x" xmlns:r="http://y"><dimension ref="A1"/><sheetData><row r="1">'
    xml = head + cell + b"<v>1</v></c></row></sheetData></worksheet>"
    assert area_bound(xml) > CELL_BUDGET
    near = head + b'<c r="B2"><v>1</v></c></row></sheetData></worksheet>'
    assert area_bound(near) <= CELL_BUDGET  # the root's xmlns:r="http…" is no cell reference
