"""The unchanged ribbon macros, run through xlwings' own remote engine.

Each test builds ``xw.Book(json=payload)`` from a real workbook (``tests/officialish.py`` or our
template), sets it as the mock caller, calls the macro and asserts on the actions the engine
recorded: values, formulas, fills, notes, sheets and the message box. Where it matters the actions
are applied to the file (``apply_actions``, as a client would) and LibreOffice recalculates it.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from officialish import official_workbook
from openpyxl.utils import get_column_letter
from remote_payload import actions, apply_actions, enable_remote_engine, payload_from_xlsx, remote_book

import macros
from validators.finding import SEVERITY_RANK
from youzhi import addin_files, annotate, cli, rollup
from youzhi import addin_ribbon as ribbon
from youzhi.calendar import Semester
from youzhi.reader import read_budget
from youzhi.template import write_template

LECTURE = {
    "category": "業務費",
    "item": "講座鐘點費",
    "unit": "節",
    "quantity": 2,
    "unit_price": 3,  # 千元: NT$3,000 a 節, over the 外聘 cap of 2,000
    "purpose": "外聘講座",
    "source": "",
}
NO_PURPOSE = {
    "category": "業務費",
    "item": "諮詢費、輔導費、指導費",
    "unit": "人次",
    "quantity": 5,
    "unit_price": 2,
    "purpose": "",
    "source": "",
}


@pytest.fixture
def faulty(tmp_path) -> Path:
    return official_workbook(tmp_path / "faulty.xlsx", blocks={("A", Semester.FIRST): [LECTURE, NO_PURPOSE]})


def _cell(action) -> str:
    return f"{get_column_letter(action['start_column'] + 1)}{action['start_row'] + 1}"


def _file_findings(path):
    """What ``youzhi check --json`` reports for the same file, errors first (as the add-in lists them)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main(["check", str(path), "--json"])
    found = [SimpleNamespace(**f) for f in json.loads(out.getvalue())["findings"]]
    return sorted(found, key=lambda f: SEVERITY_RANK[f.severity])


def test_check_marks_every_finding_and_writes_the_result_sheet(faulty):
    book = remote_book(faulty)
    message = macros.check()
    expected = _file_findings(faulty)
    assert any(f.rule == "YZ201" and f.cell == "E6" for f in expected)
    assert any(f.rule == "YZ101" and f.cell == "G7" for f in expected)

    fills = {(a["sheet_position"], _cell(a)): a["args"][0] for a in actions(book, "setRangeColor")}
    assert fills[(0, "E6")] == ribbon.FILLS["error"]
    assert fills[(0, "G7")] == ribbon.FILLS["error"]
    filled = {(f.sheet, f.cell) for f in expected if f.cell and f.severity in ("error", "warning")}
    assert len(fills) == len(filled)

    notes = {(a["sheet_position"], a["args"][0]): a["args"][1] for a in actions(book, "addNote")}
    lecture = notes[(0, "$E$6")]
    assert "3,000" in lecture and "2,000" in lecture and lecture.startswith("[錯誤] YZ201")
    assert "說明用途" in notes[(0, "$G$7")]

    added = actions(book, "addSheet")
    assert [a["args"][1] for a in added] == [ribbon.RESULT_SHEET]
    table = actions(book, "setValues")[-1]["values"]
    assert table[0] == [*annotate.RESULT_HEADER, "標示", "原底色"]
    rows = table[1:]
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        (f.rule, f.sheet, f.cell, f.message) for f in expected
    ]
    assert {r[8] for r in rows if r[3] in ("E6", "G7")} == {"底色+註解"}

    alerts = actions(book, "alert")
    assert alerts[-1]["args"][0] == message and message.startswith("檢核完成：錯誤 ")
    assert actions(book, "setFormula") == []  # checking never rewrites a cell


def test_check_then_clear_restores_the_workbook(faulty, tmp_path):
    book = remote_book(faulty)
    macros.check()
    checked = apply_actions(faulty, actions(book), tmp_path / "checked.xlsx")

    book = remote_book(checked)
    message = macros.clear_marks()
    cleared = {(a["sheet_position"], _cell(a)): a["args"][0] for a in actions(book, "setRangeColor")}
    assert cleared[(0, "E6")] is None and cleared[(0, "G7")] is None
    assert {a["args"][0] for a in actions(book, "deleteNote")} >= {"$E$6", "$G$7"}
    assert [a["func"] for a in actions(book) if a["func"] == "sheetDelete"] == ["sheetDelete"]
    assert message.startswith("已清除 ")

    restored = apply_actions(checked, actions(book), tmp_path / "restored.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(restored)
    assert ribbon.RESULT_SHEET not in wb.sheetnames
    ws = wb.worksheets[0]
    assert ws["E6"].comment is None and ws["G7"].comment is None
    assert ws["E6"].fill.fill_type is None
    assert ws["E6"].value == 3 and ws["G7"].value is None  # what the user typed is untouched


def test_a_users_own_note_is_never_replaced_or_removed(faulty, tmp_path):
    import openpyxl
    from openpyxl.comments import Comment

    wb = openpyxl.load_workbook(faulty)
    wb.worksheets[0]["E6"].comment = Comment("講師為外校教授", "主計")
    wb.save(tmp_path / "noted.xlsx")
    book = remote_book(tmp_path / "noted.xlsx")
    macros.check()
    assert "$E$6" not in {a["args"][0] for a in actions(book, "addNote")}
    table = actions(book, "setValues")[-1]["values"]
    assert next(r for r in table[1:] if r[3] == "E6")[8] == "底色"  # fill only: no note of ours

    checked = apply_actions(tmp_path / "noted.xlsx", actions(book), tmp_path / "checked.xlsx")
    book = remote_book(checked)
    macros.clear_marks()
    assert "$E$6" not in {a["args"][0] for a in actions(book, "deleteNote")}


def test_checking_twice_replaces_the_first_marks(faulty, tmp_path):
    book = remote_book(faulty)
    macros.check()
    checked = apply_actions(faulty, actions(book), tmp_path / "checked.xlsx")
    book = remote_book(checked)
    macros.check()
    funcs = [a["func"] for a in actions(book)]
    assert funcs.index("sheetDelete") < funcs.index("addSheet")  # old result sheet out first
    assert funcs.index("deleteNote") < funcs.index("addNote")
    assert [a["args"][1] for a in actions(book, "addSheet")] == [ribbon.RESULT_SHEET]


def test_clear_marks_without_a_check_changes_nothing(faulty):
    book = remote_book(faulty)
    assert macros.clear_marks() == "沒有需要清除的檢核標示。"
    assert [a["func"] for a in actions(book)] == ["alert"]


def test_on_save_warns_without_writing(faulty):
    book = remote_book(faulty)
    message = macros.on_save()
    assert message.startswith("存檔前檢核：錯誤 ") and "（檔案照常儲存）" in message
    assert "A(8-12月)!E6" in message and "A(8-12月)!G7" in message
    assert [a["func"] for a in actions(book)] == ["alert"]


def test_on_save_is_silent_for_other_workbooks_and_clean_ones(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "家庭收支"
    wb.save(tmp_path / "other.xlsx")
    book = remote_book(tmp_path / "other.xlsx")
    assert macros.on_save() == ""
    assert actions(book) == []

    clean = official_workbook(tmp_path / "clean.xlsx")
    book = remote_book(clean)
    found = [f for f in _file_findings(clean) if f.severity in ("error", "warning")]
    assert (macros.on_save() == "") is (not found)


def test_on_save_never_raises(faulty, monkeypatch):
    book = remote_book(faulty)

    def broken(*args):
        raise RuntimeError("規則表損毀")

    monkeypatch.setattr(ribbon, "checked", broken)
    message = macros.on_save()
    assert message == "存檔前檢核未能完成（檔案照常儲存）：規則表損毀"
    assert [a["func"] for a in actions(book)] == ["alert"]


def test_on_save_without_a_caller_is_silent(monkeypatch):
    """The entry point's own step (``xw.Book.caller()``) failing must not stop the save either."""

    def no_caller():
        raise RuntimeError("no calling workbook")

    monkeypatch.setattr(macros, "_book", no_caller)
    assert macros.on_save() == ""


@pytest.mark.libreoffice
def test_repair_rewrites_formulas_that_libreoffice_agrees_with(tmp_path):
    import lo

    blocks = {
        ("A", Semester.FIRST): [LECTURE | {"unit_price": 2}, NO_PURPOSE | {"purpose": "專家諮詢"}],
        ("B", Semester.SECOND): [NO_PURPOSE | {"purpose": "專家諮詢", "source": "自籌款"}],
        ("C", Semester.FIRST): [
            {"category": "設備及投資", "item": "筆記型電腦", "unit": "臺", "quantity": 2, "unit_price": 28}
            | {"purpose": "課程教學", "source": ""}
        ],
    }
    src = official_workbook(tmp_path / "broken.xlsx", blocks=blocks)  # y-2/y-3/y-4 hold #REF!, #DIV/0!
    book = remote_book(src)
    message = macros.repair()
    formulas = {(a["sheet_position"], _cell(a)): a["values"][0][0] for a in actions(book, "setFormula")}
    assert formulas[(0, "F6")].startswith("=IF(COUNT(D6:E6)=2")
    assert message.startswith("已重寫 ") and "y-2、y-3、y-4" in message
    # The official summaries are rebuilt in place; the form has no school block, so it is added.
    assert [a["args"][1] for a in actions(book, "addSheet")] == ["基本資料", "參數"]

    repaired = apply_actions(src, actions(book), tmp_path / "repaired.xlsx")
    out = lo.recalc([repaired], tmp_path / "lo")[repaired]
    assert lo.error_cells(out) == []
    budget = read_budget(src)
    y2 = lo.values(out)["y-2"]
    total_row = next(r for r in range(1, 40) if y2.get(f"A{r}") == "小計")
    assert round(y2[f"F{total_row}"] * 1000) == rollup.grand_total(budget) == 2 * 2000 + 10_000 * 2 + 56_000
    assert round(y2[f"B{total_row}"] * 1000) == 4000 + 10_000 + 56_000  # 教育部補助款
    assert round(y2[f"D{total_row}"] * 1000) == 10_000  # 自籌款
    assert round(y2[f"H{total_row}"] * 1000) == rollup.capital_total(budget) == 56_000


def test_new_template_writes_the_year_and_programme_asked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("YOUZHI_TEMPLATE_DIR", str(tmp_path))
    book = remote_book(official_workbook(tmp_path / "any.xlsx"))
    path = Path(macros.new_template(macros.from_hex("0031003100350020"), "2"))  # "115 " typed, 高職
    assert path.parent == tmp_path and path.exists()
    budget = read_budget(path)
    assert (budget.academic_year, budget.programme) == (115, "vocational")
    assert str(path) in actions(book, "alert")[-1]["args"][0]  # the remote engine cannot open files
    mine = path.read_bytes()
    again = Path(macros.new_template("115", "高職"))
    assert again.name == path.stem + " (2).xlsx" and path.read_bytes() == mine  # never replaces a file


def test_new_template_explains_bad_input(tmp_path, monkeypatch):
    monkeypatch.setenv("YOUZHI_TEMPLATE_DIR", str(tmp_path))
    book = remote_book(official_workbook(tmp_path / "any.xlsx"))
    assert macros.new_template("明年", "1") == "學年度請輸入民國年（例如 114），收到「明年」"
    assert macros.new_template("114", "3") == "方案請輸入 1（高中優質化）或 2（高職優質化），收到「3」"
    assert [a["func"] for a in actions(book)] == ["alert", "alert"]
    assert list(tmp_path.glob("*學年度*")) == []


def test_batch_checks_a_folder_and_writes_the_report(tmp_path):
    folder = tmp_path / "學校"
    folder.mkdir()
    official_workbook(folder / "甲校.xlsx", blocks={("A", Semester.FIRST): [LECTURE]})
    write_template(folder / "乙校.xlsx", "senior-high", 114)
    (folder / "損毀.xlsx").write_bytes(b"not a workbook")
    book = remote_book(folder / "甲校.xlsx")
    message = macros.batch(str(folder))
    report = folder / addin_files.BATCH_REPORT
    assert report.exists() and message == f"已檢核 3 個檔案，報告寫在「{report}」。"
    assert actions(book, "alert")[0]["args"][0] == message
    import openpyxl

    wb = openpyxl.load_workbook(report, read_only=True)
    text = " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert "甲校.xlsx" in text and "乙校.xlsx" in text and "損毀.xlsx" in text
    wb.close()


def test_batch_needs_a_folder(tmp_path):
    book = remote_book(official_workbook(tmp_path / "any.xlsx"))
    assert macros.batch() == "批次檢核需在桌面版 Excel 中選擇資料夾"
    assert macros.batch(str(tmp_path / "沒有")) == f"找不到資料夾「{tmp_path / '沒有'}」"
    assert [a["func"] for a in actions(book)] == ["alert", "alert"]


def test_the_engine_refuses_a_client_of_another_xlwings_version(faulty):
    xw = enable_remote_engine()
    payload = payload_from_xlsx(faulty, client="VBA", version="0.30.0")
    with pytest.raises(Exception, match="xlwings version is different"):
        xw.Book(json=payload)
    assert xw.Book(json=payload_from_xlsx(faulty, client="VBA")).sheets[0].name == "A(8-12月)"


def test_grids_from_a_live_book_equal_the_file_reader(faulty):
    from youzhi import xlwings_adapter
    from youzhi.sheets import load_grids

    book = remote_book(faulty)
    live = xlwings_adapter.grids_from_book(book)
    file = load_grids(faulty, "openpyxl")
    assert [s.name for s in live.sheets] == [s.name for s in file.sheets]
    for mine, theirs in zip(live.sheets, file.sheets, strict=True):
        for r in range(1, theirs.max_row + 1):
            for c in range(1, theirs.max_col + 1):
                assert (mine.value(r, c) or None) == (theirs.value(r, c) or None), (mine.name, r, c)
    assert live.errors == file.errors and file.errors["y-2"][0] == ("B6", "#REF!")  # the official #REF!


def test_clear_marks_on_a_file_annotated_by_the_cli(faulty, tmp_path):
    """``youzhi check --annotate`` merges notes with the user's; clearing leaves notes, drops fills."""
    annotated = annotate.annotate(faulty, _file_findings(faulty), tmp_path / "annotated.xlsx")
    book = remote_book(annotated)
    message = macros.clear_marks()
    cleared = {(a["sheet_position"], _cell(a)) for a in actions(book, "setRangeColor")}
    assert {(0, "E6"), (0, "G7")} <= cleared
    assert actions(book, "deleteNote") == []
    assert [a["func"] for a in actions(book, "sheetDelete")] == ["sheetDelete"]
    assert message.startswith("已清除 ")


class _ExcelSheetApi:
    """A stand-in for Excel's Worksheet object (COM): only the protection members the adapter uses."""

    def __init__(self, password: str = ""):
        self.ProtectContents = True
        self.Protection = SimpleNamespace(
            AllowFormattingCells=True,
            AllowFormattingColumns=True,
            AllowFormattingRows=False,
            AllowInsertingRows=True,
            AllowDeletingRows=True,
            AllowSorting=False,
            AllowFiltering=False,
        )
        self.password, self.calls = password, []

    def Unprotect(self):
        if self.password:
            raise RuntimeError("The password you supplied is not correct.")
        self.calls.append("Unprotect")
        self.ProtectContents = False

    def Protect(self, **options):
        self.calls.append(("Protect", options))
        self.ProtectContents = True


def test_protection_is_lifted_while_writing_and_restored(faulty):
    from youzhi.errors import YouzhiError
    from youzhi.xlwings_adapter import unprotected

    api = _ExcelSheetApi()
    sheet = SimpleNamespace(api=api, name="A(8-12月)")
    with unprotected(sheet):
        assert api.ProtectContents is False
    assert api.calls[0] == "Unprotect"
    assert api.calls[1] == ("Protect", {"Contents": True, **vars(api.Protection)})

    locked = SimpleNamespace(api=_ExcelSheetApi(password="secret"), name="y-2")
    with pytest.raises(YouzhiError, match="「y-2」設有密碼保護"), unprotected(locked):
        pass

    book = remote_book(faulty)  # the remote engine has no protection to lift
    with unprotected(book.sheets[0]):
        pass
    assert actions(book) == []


def test_our_own_template_is_checked_and_repaired_like_the_official_form(tmp_path):
    from builders import filled_template

    path = filled_template(
        tmp_path / "template.xlsx",
        school={"name": "示範高中", "authority": "直轄市立", "county": "新北市"},
        blocks={("A", Semester.FIRST): [LECTURE, NO_PURPOSE]},
    )
    # The builder saves with openpyxl, which drops cached results: the file check reports them
    # (UNCACHED), while in Excel, as in a client's payload, every formula has its value.
    expected = [f for f in _file_findings(path) if not (f.rule == "YZ001" and "沒有計算結果" in f.message)]
    book = remote_book(path)
    macros.check()
    table = actions(book, "setValues")[-1]["values"]
    # The payload carries no value for the 總價 formulas openpyxl left uncached (Excel would have
    # one), so the add-in sees blank 總價 cells: YZ122 there is the payload's, not the workbook's.
    seen = [(r[1], r[2], r[3]) for r in table[1:] if r[1] != "YZ122"]
    assert seen == [(f.rule, f.sheet, f.cell) for f in expected]
    assert {"YZ201", "YZ101"} <= {f.rule for f in expected}

    book = remote_book(path)
    assert macros.on_save().startswith("存檔前檢核：錯誤 ")

    book = remote_book(path)
    message = macros.repair()
    assert "y-2、y-3、y-4、基本資料" in message
    assert actions(book, "addSheet") == []
    assert actions(book, "namesAdd") == []  # our template has its 參數 and names already


def test_the_result_sheet_keeps_submitted_text_as_text(tmp_path):
    """A sheet named like a formula stays text in the add-in's 檢核結果 (Excel would evaluate
    a value set as ``=…``): the add-in writes it with Excel's hidden text prefix, as the CSV export does."""
    path = official_workbook(
        tmp_path / "injected.xlsx",
        blocks={("A", Semester.FIRST): [LECTURE]},
        sheet_names={("A", Semester.FIRST): "=1+1"},
    )
    book = remote_book(path)
    macros.check()
    rows = actions(book, "setValues")[-1]["values"][1:]
    sheets = {r[2] for r in rows}
    assert "'=1+1" in sheets
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for r in rows for v in r)
