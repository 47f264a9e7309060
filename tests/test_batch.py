"""`youzhi batch` on a folder of good and hostile workbooks: every file accounted for, inputs untouched."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import python_calamine
from hostile import HOSTILE_PURPOSE, PLACEHOLDER, far_cell, hostile_corpus, swap_placeholder, with_macros
from officialish import SEED_EXAMPLE, official_workbook

from youzhi import batch, cli
from youzhi.calendar import Semester

REPORT_SHEETS = ["總覽", "檢核明細", "規則統計", "明細資料", "無法讀取"]
TAIPEI = {"學校名稱": "臺北市立松山高中", "主管機關": "直轄市立", "所在縣市": "臺北市"}


def line(**changes) -> dict:
    return {**SEED_EXAMPLE, **changes}


def good_files(folder: Path) -> dict[str, Path]:
    """Good workbooks in the variety schools send (nested folders, branch sheets, macros, formula text)."""
    (folder / "north").mkdir(parents=True)
    made = {
        "plain": official_workbook(folder / "plain.xlsx"),
        "taipei": official_workbook(
            folder / "north" / "taipei.xlsx",
            school_title=TAIPEI["學校名稱"],
            school_sheet=TAIPEI,
            blocks={
                ("A", Semester.FIRST): [line(), line(item="印刷費", unit="式", quantity=1, unit_price=8)],
                ("A-1", Semester.FIRST): [line(quantity=2)],
                ("B", Semester.SECOND): [line(source="配合款", quantity=4)],
            },
        ),
    }
    made["capped"] = official_workbook(
        folder / "north" / "capped.xlsx",
        blocks={
            ("A", Semester.FIRST): [
                line(item="講座鐘點費", unit="節", quantity=2, unit_price=3, purpose="外聘")
            ]
        },
    )
    seeded = official_workbook(
        folder / "seeded.tmp",
        blocks={("A", Semester.FIRST): [line(purpose=PLACEHOLDER)], ("A", Semester.SECOND): [line()]},
    )
    made["formula_text"] = swap_placeholder(folder / "north" / "formula_text.xlsx", seeded)
    seeded.unlink()
    made["macros"] = with_macros(folder / "macros.xlsm", made["plain"])
    made["far_cell"] = far_cell(folder / "far_cell.xlsx", made["plain"])  # slow to read, still read
    return made


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    inbox = root / "inbox"
    good = good_files(inbox)
    bad = hostile_corpus(inbox / "bad", good["plain"])
    before = digests(inbox)
    report = root / "out" / "report.xlsx"
    report.parent.mkdir()
    argv = [
        "batch",
        str(inbox),
        "-o",
        str(report),
        "--jobs",
        "2",
        "--export",
        str(root / "out" / "lines.parquet"),
    ]
    code = cli.main(argv)
    return {
        "root": root,
        "inbox": inbox,
        "good": good,
        "bad": bad,
        "before": before,
        "report": report,
        "code": code,
    }


def rows(path: Path, sheet: str) -> list[dict]:
    book = openpyxl.load_workbook(path, read_only=True)
    values = list(book[sheet].iter_rows(values_only=True))
    book.close()
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]]


def test_inputs_never_written(run):
    assert digests(run["inbox"]) == run["before"]
    assert run["code"] == 1  # unreadable files present: not a clean batch


def test_every_file_has_one_overview_row_sorted_by_path(run):
    overview = rows(run["report"], "總覽")
    paths = [r["檔案"] for r in overview]
    assert paths == sorted(paths, key=batch._path_key)
    expected = {str(p) for p in run["good"].values()} | {str(p) for p in run["bad"]}
    assert set(paths) == expected  # old.xls is not collected: batch takes .xlsx/.xlsm only
    status = {r["檔案"]: r["狀態"] for r in overview}
    for path in run["bad"]:
        assert status[str(path)] == batch.STATUS_UNREADABLE
    for path in run["good"].values():
        assert status[str(path)] != batch.STATUS_UNREADABLE, path


def test_unreadable_sheet_lists_every_bad_file_with_its_reason(run):
    unreadable = {r["檔案"]: r["原因"] for r in rows(run["report"], "無法讀取")}
    assert set(unreadable) == {str(p) for p in run["bad"]}
    for path, fragment in run["bad"].items():
        assert fragment in unreadable[str(path)], (path.name, unreadable[str(path)])


def test_good_files_checked_with_exact_money(run):
    overview = {r["檔案"]: r for r in rows(run["report"], "總覽")}
    taipei = overview[str(run["good"]["taipei"])]
    # A 上: 5×2 + 1×8 千元; A-1 上: 2×2; B 下: 4×2 配合款 → 經常門 30,000 元, of which 8,000 配合款.
    assert taipei["學校"] == "臺北市立松山高中"
    assert taipei["縣市"] == "臺北市"
    assert taipei["經常門(元)"] == 30_000
    assert taipei["合計(元)"] == 30_000
    assert taipei["教育部補助款(元)"] == 22_000
    assert taipei["已編配合款(元)"] == 8_000
    plain = overview[str(run["good"]["plain"])]
    assert plain["經常門(元)"] == 20_000 and plain["資本門(元)"] == 0
    assert overview[str(run["good"]["far_cell"])]["經常門(元)"] == 20_000
    macros = overview[str(run["good"]["macros"])]
    assert macros["經常門(元)"] == 20_000  # the .xlsm was read like any workbook (its macros never run)


def test_lines_sheet_and_parquet_export(run):
    lines = rows(run["report"], "明細資料")
    taipei = [r for r in lines if r["檔案"] == str(run["good"]["taipei"])]
    assert sorted((r["子計畫"], r["項目"], r["總價(元)"]) for r in taipei) == [
        ("A", "印刷費", 8000),
        ("A", "諮詢費、輔導費、指導費", 10000),
        ("A-1", "諮詢費、輔導費、指導費", 4000),
        ("B", "諮詢費、輔導費、指導費", 8000),
    ]
    assert {r["經費來源"] for r in taipei if r["子計畫"] == "B"} == {"配合款"}
    frame = pd.read_parquet(run["root"] / "out" / "lines.parquet")
    assert len(frame) == len(lines)
    assert frame["總價(元)"].dtype == "int64"
    assert int(frame["總價(元)"].sum()) == sum(r["總價(元)"] for r in lines)


def test_formula_text_stays_text(run):
    """=HYPERLINK(…) typed as 說明用途 reaches the report as a string cell, never as a formula."""
    with zipfile.ZipFile(run["report"]) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    book = python_calamine.CalamineWorkbook.from_path(str(run["report"]))
    values = book.get_sheet_by_name("明細資料").to_python()
    purpose = values[0].index("說明用途")
    texts = [r[purpose] for r in values[1:]]
    assert HOSTILE_PURPOSE in texts


def test_every_sheet_has_autofilter_and_frozen_header(run):
    book = openpyxl.load_workbook(run["report"])
    assert book.sheetnames == REPORT_SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title


def test_json_and_csv_outputs(run, capsys, tmp_path):
    csv_path = tmp_path / "lines.csv"
    code = cli.main(["batch", str(run["inbox"]), "--json", "--export", str(csv_path), "--jobs", "1"])
    assert code == 1
    payload = json.loads(capsys.readouterr().out)
    assert {u["file"] for u in payload["unreadable"]} == {str(p) for p in run["bad"]}
    assert len(payload["files"]) == len(run["good"]) + len(run["bad"])
    assert payload["counts"]["unreadable"] == len(run["bad"])
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8 correctly
    frame = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert len(frame) == len(rows(run["report"], "明細資料"))
    assert "'" + HOSTILE_PURPOSE in set(frame["說明用途"])  # CSV-injection guard: a leading apostrophe
    assert digests(run["inbox"]) == run["before"]


def test_report_is_deterministic(run, tmp_path):
    again = tmp_path / "again.xlsx"
    assert cli.main(["batch", str(run["inbox"]), "-o", str(again), "--jobs", "1"]) == 1
    for sheet in ("檢核明細", "明細資料", "無法讀取"):
        assert rows(again, sheet) == rows(run["report"], sheet), sheet
    strip = [{k: v for k, v in r.items() if k != "處理秒數"} for r in rows(again, "總覽")]
    assert strip == [{k: v for k, v in r.items() if k != "處理秒數"} for r in rows(run["report"], "總覽")]


def test_per_file_time_limit_reported(run, tmp_path):
    report = tmp_path / "slow.xlsx"
    plain = run["good"]["plain"]
    assert cli.main(["batch", str(plain), "-o", str(report), "--timeout", "0.000001"]) == 1
    (row,) = rows(report, "無法讀取")
    assert row["檔案"] == str(plain) and "處理逾時" in row["原因"]


def test_report_inside_the_input_folder_is_not_an_input(tmp_path):
    official_workbook(tmp_path / "school.xlsx")
    report = tmp_path / "report.xlsx"
    assert cli.main(["batch", str(tmp_path), "-o", str(report)]) == 0
    assert cli.main(["batch", str(tmp_path), "-o", str(report)]) == 2  # exists: refused without --force
    assert cli.main(["batch", str(tmp_path), "-o", str(report), "--force"]) == 0
    assert [r["檔案"] for r in rows(report, "總覽")] == [str(tmp_path / "school.xlsx")]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".youzhi-")]  # no temp file left


def test_usage_errors_are_one_line(tmp_path, capsys):
    assert cli.main(["batch", str(tmp_path / "missing"), "-o", str(tmp_path / "r.xlsx")]) == 2
    assert cli.main(["batch", str(tmp_path)]) == 2
    assert cli.main(["batch", str(tmp_path), "-o", str(tmp_path / "r.xlsx")]) == 2  # no workbooks
    assert cli.main(["batch", str(tmp_path), "--export", str(tmp_path / "x.txt")]) == 2
    school = official_workbook(tmp_path / "school.xlsx")
    assert cli.main(["batch", str(school), "-o", str(school)]) == 2
    assert cli.main(["batch", str(school), "-o", str(tmp_path / "no" / "r.xlsx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 6 and all(e.startswith("錯誤：") for e in err), err
    assert "不可覆寫輸入檔" in err[4] and "資料夾不存在" in err[5]
    assert "Traceback" not in "".join(err)


def test_findings_and_rule_statistics(run):
    """講座鐘點費 at 3,000 元 a 節 breaks the 外聘 cap of 2,000 元 (seed 002): an error in every table."""
    capped = str(run["good"]["capped"])
    overview = {r["檔案"]: r for r in rows(run["report"], "總覽")}
    assert overview[capped]["狀態"] == batch.STATUS_ERROR and overview[capped]["錯誤"] == 1
    findings = [r for r in rows(run["report"], "檢核明細") if r["檔案"] == capped]
    (cap,) = [r for r in findings if r["嚴重度"] == "錯誤"]
    assert (cap["工作表"], cap["儲存格"], cap["數值"], cap["上限"]) == ("A(8-12月)", "E6", 3000, 2000)
    assert "講座鐘點費" in cap["說明"]
    assert cap["依據"].startswith("《109學年度教育部高中優質化輔助方案計畫申請&成果報告撰寫手冊》")
    stats = {r["規則"]: r for r in rows(run["report"], "規則統計")}
    rule = stats[cap["規則"]]
    assert rule["學校數"] == 1 and rule["筆數"] == 1 and rule["嚴重度"] == "錯誤" and rule["說明"]
    every = rows(run["report"], "檢核明細")
    for code, stat in stats.items():  # the statistics agree with the findings table
        assert stat["筆數"] == sum(1 for r in every if r["規則"] == code)
        assert stat["學校數"] == len({r["檔案"] for r in every if r["規則"] == code})


@pytest.mark.libreoffice
def test_libreoffice_reads_the_report_as_we_wrote_it(run, tmp_path):
    """An independent engine opens the streamed report and finds the same cells on every sheet."""
    import lo

    converted = lo.convert([run["report"]], tmp_path)[run["report"]]
    ours, theirs = openpyxl.load_workbook(run["report"]), openpyxl.load_workbook(converted)
    assert theirs.sheetnames == REPORT_SHEETS
    for sheet in REPORT_SHEETS:
        a = list(ours[sheet].iter_rows(values_only=True))
        b = list(theirs[sheet].iter_rows(values_only=True))
        assert len(a) == len(b) and len(a) > 1, sheet
        for row_a, row_b in zip(a, b, strict=True):
            for x, y in zip(row_a, row_b, strict=True):
                assert x == y or (isinstance(x, float) and abs(x - y) < 1e-9), (sheet, x, y)


def test_broken_rule_file_stops_the_batch_once(tmp_path, monkeypatch, capsys):
    official_workbook(tmp_path / "school.xlsx")
    broken = tmp_path / "rules.toml"
    broken.write_text("[[rule]\ncode = ", encoding="utf-8")
    monkeypatch.setenv("YOUZHI_RULES", str(broken))
    assert cli.main(["batch", str(tmp_path), "-o", str(tmp_path / "r.xlsx")]) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err.startswith("錯誤：") and "規則檔" in err
    assert not (tmp_path / "r.xlsx").exists()


def test_ctrl_c_stops_everything_and_leaves_no_report(tmp_path):
    """Ctrl-C (SIGINT to the process group) mid-batch: exit 130, one zh-TW line, no report, no workers."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    school = official_workbook(tmp_path / "school.xlsx")
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(600):  # ~3 s of work with one worker: still running when the signal comes
        shutil.copyfile(school, inbox / f"s{i:03d}.xlsx")
    report = tmp_path / "report.xlsx"
    command = [sys.executable, "-m", "youzhi.cli", "batch", str(inbox), "-o", str(report), "--jobs", "1"]
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(command, cwd=root, start_new_session=True, stderr=subprocess.PIPE, text=True)
    time.sleep(1.2)
    os.killpg(process.pid, signal.SIGINT)
    stderr = process.communicate(timeout=30)[1]
    assert process.returncode == 130 and stderr.strip() == "已中斷"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "school.xlsx"]
    time.sleep(0.3)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # no worker of that batch is left


def test_report_is_an_ordinary_file(run):
    assert run["report"].stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_big5_file_name_is_shown_readably(tmp_path, capsys):
    """A name written in Big5 (a Windows zip unpacked on Linux) is listed as people read it."""
    import os
    import shutil

    school = official_workbook(tmp_path / "school.xlsx")
    inbox = tmp_path / "in"
    inbox.mkdir()
    big5 = os.fsdecode(os.fsencode(inbox) + b"/" + "臺北高中.xlsx".encode("cp950"))
    shutil.copyfile(school, big5)
    report = tmp_path / "report.xlsx"
    assert cli.main(["batch", str(inbox), "-o", str(report), "--json"]) in (0, 1)
    (row,) = rows(report, "總覽")
    assert row["檔案"] == str(inbox / "臺北高中.xlsx")
    assert json.loads(capsys.readouterr().out)["files"][0]["檔案"] == str(inbox / "臺北高中.xlsx")
