"""`youzhi repair`: only computed cells change; LibreOffice's recalculation agrees with the roll-up."""

from __future__ import annotations

import shutil
import zipfile

import lo
import openpyxl
import pytest
from hostile import with_macros
from officialish import VARIANTS, official_workbook, variant_workbook
from openpyxl.comments import Comment

from youzhi import computed_summaries, computed_y1, rollup
from youzhi.calendar import Semester
from youzhi.cli import main
from youzhi.money import cell_to_yuan
from youzhi.reader import read_budget
from youzhi.repair import repair_workbook

STYLE_ATTRS = ("number_format", "font", "fill", "border", "alignment", "protection")


@pytest.fixture(scope="module")
def repaired(tmp_path_factory):
    """{variant: (IN, OUT, report)}; IN carries extra comments on an input cell and on y-2."""
    folder = tmp_path_factory.mktemp("repair")
    out = {}
    for name in VARIANTS:
        src = variant_workbook(name, folder)
        wb = openpyxl.load_workbook(src)
        first = wb.worksheets[0]
        first["G1"].comment = Comment("審查意見：請補說明", "審查委員")
        if "y-2" in wb.sheetnames:
            wb["y-2"]["A1"].comment = Comment("請核對", "審查委員")
        wb.save(src)
        dest = folder / f"{name}.out.xlsx"
        out[name] = (src, dest, repair_workbook(src, dest))
    return out


def _summary_sheet_names(report) -> set[str]:
    return set(report.rebuilt) | set(report.created)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_input_cell_is_kept(repaired, name):
    src, dest, report = repaired[name]
    before = openpyxl.load_workbook(src)
    after = openpyxl.load_workbook(dest)
    assert after.sheetnames[: len(before.sheetnames)] == before.sheetnames
    assert after.sheetnames[len(before.sheetnames) :] == report.created
    summaries = _summary_sheet_names(report)
    changed = 0
    for ws in before.worksheets:
        new = after[ws.title]
        assert new.sheet_state == ws.sheet_state
        if ws.title in summaries:
            old_comments = sorted(c.comment.text for r in ws.iter_rows() for c in r if c.comment)
            new_comments = sorted(c.comment.text for r in new.iter_rows() for c in r if c.comment)
            assert old_comments == new_comments
            continue
        assert sorted(map(str, new.merged_cells.ranges)) == sorted(map(str, ws.merged_cells.ranges))
        old_dv = [(str(v.sqref), v.formula1, v.type) for v in ws.data_validations.dataValidation]
        new_dv = [(str(v.sqref), v.formula1, v.type) for v in new.data_validations.dataValidation]
        assert new_dv == old_dv
        rows = max(ws.max_row, new.max_row)
        cols = max(ws.max_column, new.max_column)
        for r in range(1, rows + 1):
            for c in range(1, cols + 1):
                a, b = ws.cell(r, c), new.cell(r, c)
                if (ws.title, a.coordinate) in report.computed_refs:
                    changed += a.value != b.value
                    continue
                assert a.value == b.value, (ws.title, a.coordinate)
                for attr in STYLE_ATTRS:
                    assert repr(getattr(a, attr)) == repr(getattr(b, attr)), (ws.title, a.coordinate, attr)
                assert (a.comment and a.comment.text) == (b.comment and b.comment.text)
    assert changed > 0  # the comparison did look at rewritten cells


@pytest.mark.parametrize("name", list(VARIANTS))
def test_repaired_file_reads_the_same(repaired, name):
    src, dest, _ = repaired[name]
    before, after = rollup.summary(read_budget(src)), rollup.summary(read_budget(dest))
    for key in ("academic_year", "programme", "school", "y2", "y3", "y4", "match"):
        assert after[key] == before[key], key
    # the cached values written by repair make the 總價 visible without recalculation
    repaired_budget = read_budget(dest)
    assert not [p for p in repaired_budget.problems if "不符" in p.message]
    assert all(ln.typed_total == ln.amount for ln in repaired_budget.lines if ln.computed_total is not None)
    strip = lambda lines: [{k: v for k, v in ln.items() if k != "typed_total"} for ln in lines]  # noqa: E731
    assert strip(after["lines"]) == strip(before["lines"])


@pytest.mark.libreoffice
def test_libreoffice_recalculation_has_no_errors_and_equals_the_rollup(repaired, tmp_path):
    outs = {name: dest for name, (_, dest, _) in repaired.items()}
    recalculated = lo.recalc(list(outs.values()), tmp_path)
    checked = 0
    for name, dest in outs.items():
        out = recalculated[dest]
        assert lo.error_cells(out) == [], name
        report = repaired[name][2]
        values = lo.values(out)
        budget = report.budget
        # every figure of y-2 / y-3 / y-4 (the specs' cached values come from youzhi.rollup)
        for spec in computed_summaries.summary_sheets(budget)[:3]:
            for cell in spec.cells:
                if cell.formula is None:
                    continue
                got = values[spec.name].get(cell.ref, 0)
                if cell.style.startswith("money"):
                    assert cell_to_yuan(got) == cell_to_yuan(cell.cached), (name, spec.name, cell.ref)
                else:
                    assert got == pytest.approx(cell.cached, abs=1e-9), (name, spec.name, cell.ref)
                checked += 1
        # every y-1 computed cell: 總價 = 數量 × 單價, subtotals and totals
        for block in budget.sheets:
            for cell in computed_y1.y1_cells(block):
                got = values[block.sheet].get(cell.ref, 0)
                assert cell_to_yuan(got) == cell_to_yuan(cell.cached), (name, block.sheet, cell.ref)
                checked += 1
        # the cached values repair wrote (what a non-recalculating viewer shows) equal LibreOffice's
        shown = openpyxl.load_workbook(dest, data_only=True)
        for (sheet, ref), cached in report.cached.items():
            got = values[sheet].get(ref, 0)
            mine = shown[sheet][ref].value
            if isinstance(cached, float):
                assert mine == pytest.approx(got if got != "" else 0, abs=1e-9), (name, sheet, ref)
            else:
                assert (mine or "") == (got or ""), (name, sheet, ref)
            checked += 1
        # and the recalculated file reads back to the same roll-up
        again = rollup.summary(read_budget(out))
        expected = rollup.summary(budget)
        for key in ("y2", "y3", "y4", "match"):
            assert again[key] == expected[key], (name, key)
    assert checked > 3000


def test_hand_figures_survive_repair(repaired):
    _, dest, _ = repaired["branches-inserted-rows"]
    budget = read_budget(dest)
    m = rollup.match(budget)
    assert (m.subsidy, m.required, m.budgeted) == (75134, 13260, 32300)
    assert rollup.grand_total(budget) == 170134


def test_cli_output_and_in_place(tmp_path, capsys):
    src = variant_workbook("typed-totals", tmp_path)
    original = src.read_bytes()
    out = tmp_path / "out.xlsx"
    assert main(["repair", str(src), "-o", str(out)]) == 0
    assert src.read_bytes() == original and out.exists()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("已修復")
    # each non-empty list of the report on its own line, in order; the empty ones (text, merged) not at all
    assert lines[2:5] == [
        "  重建彙總表：y-2、y-3、y-4",
        "  新增工作表：基本資料、參數",
        "  原本手填的數字已改為公式，原值保留在儲存格註解：B(8-12月)!F6、B(8-12月)!F12",
    ]
    assert main(["repair", str(src), "--in-place"]) == 0
    backup = tmp_path / "typed-totals.xlsx.bak"
    assert backup.read_bytes() == original
    assert src.read_bytes() != original
    assert openpyxl.load_workbook(src)["B(8-12月)"]["F6"].value.startswith("=")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".youzhi-")] == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "空"), (b"name,amount\n1,2\n", "CSV"), (b"PK\x03\x04garbage", "")],
)
def test_cli_refuses_bad_files_with_one_line(tmp_path, capsys, content, reason):
    src = tmp_path / "bad.xlsx"
    src.write_bytes(content)
    assert main(["repair", str(src), "-o", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("錯誤：") and err.count("\n") == 1 and reason in err
    assert not (tmp_path / "o.xlsx").exists()


def test_cli_refuses_a_workbook_that_is_not_a_budget(tmp_path, capsys):
    src = tmp_path / "list.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["品名", "數量"])
    wb.save(src)
    assert main(["repair", str(src), "-o", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "找不到任何子計畫經費概算表" in err and err.count("\n") == 1


def test_output_equal_to_input_is_refused(tmp_path, capsys):
    src = variant_workbook("official", tmp_path)
    copy = tmp_path / "copy.xlsx"
    shutil.copy(src, copy)
    assert main(["repair", str(copy), "-o", str(copy)]) == 2
    assert copy.read_bytes() == src.read_bytes()
    assert "--in-place" in capsys.readouterr().err


def test_typed_numbers_replaced_are_kept_in_comments(repaired):
    _, dest, report = repaired["typed-totals"]
    ws = openpyxl.load_workbook(dest)["B(8-12月)"]
    assert "8.000" in ws["F6"].comment.text  # typed 8 against 6 × 1
    assert ws["F7"].comment is None  # typed 5 = 2 × 2.5: nothing lost, no note
    assert "13.800" in ws["F12"].comment.text  # the typed 小計 (8 + 5 + 0.8)
    assert report.typed_kept == ["B(8-12月)!F6", "B(8-12月)!F12"]


def test_xlsm_keeps_its_macros(tmp_path):
    good = variant_workbook("official", tmp_path)
    src = with_macros(tmp_path / "macro.xlsm", good)
    out = tmp_path / "out.xlsm"
    repair_workbook(src, out)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert b.read("xl/vbaProject.bin") == a.read("xl/vbaProject.bin")
        assert b"macroEnabled" in b.read("[Content_Types].xml")


def test_requests_of_a_code_without_sheets_are_kept_in_a_comment(tmp_path):
    src = official_workbook(
        tmp_path / "orphan.xlsx",
        fill_missing=False,
        blocks={
            ("A", Semester.FIRST): [
                {"category": "業務費", "item": "雜支", "unit": "式", "quantity": 1, "unit_price": 1}
            ]
        },
        applied={"A": 1, "D": 250.5},
        approved={"D": 200},
    )
    # y-2 of this file lists only code A; add a D row as a school would keep it after deleting D's sheets
    wb = openpyxl.load_workbook(src)
    y2 = wb["y-2"]
    y2.insert_rows(6)
    y2["A6"], y2["J6"], y2["K6"] = "D", 250.5, 200
    wb.save(src)
    budget = read_budget(src)
    assert budget.applied == {"A": 1000, "D": 250500} and budget.approved == {"D": 200000}
    assert any(p.cell == "J6" and "找不到子計畫 D" in p.message for p in budget.problems)
    report = repair_workbook(src, tmp_path / "out.xlsx")
    note = openpyxl.load_workbook(tmp_path / "out.xlsx")["y-2"]["A1"].comment.text
    assert "D：申請金額 250.500，核定金額 200.000" in note
    assert "y-2!A1" in report.typed_kept
