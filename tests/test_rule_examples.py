"""Every rule row's own examples (``[rule.example]`` fire / quiet), run on real workbooks.

The line examples of a programme are typed into one workbook of our template (one row each); each
workbook example (shares, the match, y-2 figures …) gets its own. LibreOffice recalculates them all
in one call, as a school's Excel would have, and ``youzhi check``'s pipeline reads them back. A line
rule must fire on its fire row and stay quiet on its quiet row; a workbook rule must fire on its fire
workbook and not on its quiet one.
"""

from __future__ import annotations

import json

import openpyxl
import pytest
from builders import filled_budget, filled_template
from lo import recalc

import validators
from validators import engine, names, summaries
from youzhi import diff_rules, forms, template
from youzhi.calendar import Semester
from youzhi.diff import diff
from youzhi.reader import read_budget, read_grids
from youzhi.sheets import load_grids
from youzhi.y1form import LineCounts

YEAR = 114
# Budget kinds whose findings point at the line's own row: their examples are lines too.
ROW_KINDS = {"reader_problem", "implausible_price", "hidden_money", "blank_total"}
CASES = [
    (programme, rule, which)
    for programme in forms.PROGRAMMES
    for rule in validators.rules_for(programme, YEAR)
    for which in ("fire", "quiet")
]


def _packed(rule) -> bool:
    return (rule.kind in engine.LINE_KINDS or rule.kind in ROW_KINDS) and "lines" not in rule.example["fire"]


def _line(programme: str, ex: dict) -> dict:
    """A builders line dict (千元 as typed) from an example line."""
    item = ex.get("item")
    category = ex.get("category") or forms.category_of(programme, YEAR, item) or forms.OPERATING
    total = ex.get("total")
    return {
        "category": category,
        "item": item,
        "unit": ex.get("unit"),
        "quantity": None if isinstance(ex.get("quantity"), str) else ex.get("quantity"),
        "unit_price": ex.get("price"),
        "total": total if isinstance(total, int | float) else None,
        "purpose": ex.get("purpose"),
        "source": ex.get("source", forms.MINISTRY),
    }


def _write(path, programme: str, examples: list[dict], school=None) -> list[tuple[str, int]]:
    """Type the example lines into block A (first semester); their (sheet, row)s in order."""
    lines = [_line(programme, ex) for ex in examples]
    block_key = (template.parse_subplans(programme, YEAR, None)[0], Semester.FIRST)
    counts = LineCounts(
        operating=max(15, sum(1 for ln in lines if ln["category"] == forms.OPERATING)),
        grants=max(5, sum(1 for ln in lines if ln["category"] == forms.GRANTS)),
        capital=max(8, sum(1 for ln in lines if ln["category"] == forms.CAPITAL)),
    )
    kw = dict(
        programme=programme, academic_year=YEAR, school=school, blocks={block_key: lines}, counts=counts
    )
    filled_template(path, **kw)
    block = next(b for b in filled_budget(**kw).sheets if (b.code, b.semester) == block_key)
    places = [(block.sheet, line.row) for line in block.lines]
    edits = [(ex, place) for ex, place in zip(examples, places, strict=True) if _needs_edit(ex)]
    if edits:  # what a school does that the template helper cannot: hide a row, clear 總價, type words
        wb = openpyxl.load_workbook(path)
        for ex, (sheet, row) in edits:
            if ex.get("hidden"):
                wb[sheet].row_dimensions[row].hidden = True
            if isinstance(ex.get("quantity"), str):  # typed as words: the reader cannot read it
                wb[sheet].cell(row, 4).value = ex["quantity"]
            if ex.get("total") == "blank":
                wb[sheet].cell(row, 6).value = None
        wb.save(path)
    return places


def _needs_edit(ex: dict) -> bool:
    return bool(ex.get("hidden")) or isinstance(ex.get("quantity"), str) or ex.get("total") == "blank"


def _type_cells(path, programme: str, cells: dict) -> None:
    """Type figures (千元) over the first sub-plan's y-2 cells (by column), as a school overwrites them."""
    located = summaries.locate(load_grids(path), names.standard_items(programme, YEAR))
    wb = openpyxl.load_workbook(path)
    for key, value in cells.items():
        sheet, ref = located.y2_cell(template.parse_subplans(programme, YEAR, None)[0], key)
        wb[sheet][ref].value = value
    wb.save(path)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """{(programme, code, which): findings of that example's workbook, row (None: the whole workbook)}."""
    root = tmp_path_factory.mktemp("examples")
    files, where = {}, {}
    for programme in forms.PROGRAMMES:
        packed = [(r, w) for p, r, w in CASES if p == programme and _packed(r)]
        path = root / f"{programme}-lines.xlsx"
        places = _write(path, programme, [r.example[w] for r, w in packed])
        files[path] = [((programme, r.code, w), place) for (r, w), place in zip(packed, places, strict=True)]
        for p, rule, which in CASES:
            if p != programme or _packed(rule):
                continue
            ex = rule.example[which]
            path = root / f"{programme}-{rule.code}-{which}.xlsx"
            _write(path, programme, ex.get("lines", [ex]), school=ex.get("school"))
            if ex.get("cells"):
                _type_cells(path, programme, ex["cells"])
            files[path] = [((programme, rule.code, which), None)]
    done = recalc(list(files), root / "recalc")
    for path, keys in files.items():
        grids = load_grids(done[path])
        found = validators.check(read_grids(grids), grids=grids)
        for key, place in keys:
            where[key] = (found, place)
    return where


@pytest.mark.parametrize(
    ("programme", "rule", "which"), CASES, ids=[f"{p}-{r.code}-{w}" for p, r, w in CASES]
)
def test_rule_fires_on_its_fire_example_only(checked, programme, rule, which):
    found, place = checked[(programme, rule.code, which)]
    hits = [f for f in found if f.rule == rule.code]
    if place is not None:
        sheet, row = place
        hits = [
            f for f in hits if f.sheet == sheet and f.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == str(row)
        ]
    if which == "fire":
        assert hits, f"{rule.code} did not fire on {rule.example['fire']}"
    else:
        assert not hits, [f.message for f in hits]


def test_every_rule_row_has_both_examples():
    missing = [r.code for p in forms.PROGRAMMES for r in validators.rules_for(p, YEAR) if not r.example]
    assert missing == []


def test_an_example_with_an_unknown_key_stops_the_load(tmp_path, monkeypatch):
    table = tmp_path / "mine.toml"
    table.write_text(
        '[[rule]]\ncode = "YZ901"\ntitle = "t"\nkind = "purpose_required"\nseverity = "info"\n'
        'citation = "c"\n'
        '[rule.example]\nfire = { item = "印刷費", pirce = 1 }\nquiet = { item = "印刷費" }\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUZHI_RULES", str(table))
    with pytest.raises(validators.RuleTableError, match="pirce"):
        validators.rules_for("senior-high", YEAR)


def test_rules_lists_the_examples_and_the_change_rules(capsys):
    from youzhi.cli import main

    assert main(["rules", "--programme", "senior-high"]) == 0
    text = capsys.readouterr().out
    assert "例（會提示）：「講座鐘點費」2 節 × 2.500 千元（說明用途「外聘講師專題演講」）" in text
    assert "例（不提示）：「講座鐘點費」2 節 × 2.000 千元（說明用途「外聘講師專題演講」）" in text
    assert text.index("經費變更規則") < text.index("YZ601  錯誤  資本門經費流用至經常門")
    assert main(["rules", "--json"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["YZ201"]["command"] == "check" and rows["YZ601"]["command"] == "diff"
    assert rows["YZ103"]["example"]["fire"].endswith("總價填 12.000 千元）")


# --- the change rules of `youzhi diff` (validators/rules/changes.toml): two versions each -----------

CHANGE_CASES = [(rule, which) for rule in diff_rules.change_rules() for which in ("fire", "quiet")]


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Each distinct list of example lines written once and read back: {lines as JSON: Budget}."""
    root = tmp_path_factory.mktemp("versions")
    out: dict[str, object] = {}
    for rule, which in CHANGE_CASES:
        for lines in (rule.example[which]["old"], rule.example[which]["new"]):
            key = json.dumps(lines, ensure_ascii=False, sort_keys=True)
            if key not in out:
                path = root / f"v{len(out)}.xlsx"
                _write(path, "senior-high", list(lines))
                out[key] = read_budget(path)
    return out


@pytest.mark.parametrize(("rule", "which"), CHANGE_CASES, ids=[f"{r.code}-{w}" for r, w in CHANGE_CASES])
def test_change_rule_fires_on_its_fire_example_only(versions, rule, which):
    ex = rule.example[which]
    old, new = (versions[json.dumps(ex[k], ensure_ascii=False, sort_keys=True)] for k in ("old", "new"))
    approved = {new.sheets[0].code: round(ex["approved"] * 1000)} if "approved" in ex else None
    hits = [f for f in diff_rules.change_findings(diff(old, new), approved) if f.rule == rule.code]
    assert bool(hits) == (which == "fire"), [f.message for f in hits]
