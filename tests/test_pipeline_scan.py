"""The check reads a file once: ``safety.read_checked`` sniffs as ``check_file`` does and hands its zip
to the error-cell scan; the scan tells the reader when no text can hold a control character."""

from __future__ import annotations

import pytest
from hostile import EXPECTED, PASSES_SAFETY, PLACEHOLDER, hostile_corpus, swap_placeholder
from officialish import default_blocks, official_workbook

from youzhi.errors import UnreadableWorkbook
from youzhi.safety import check_file, read_checked
from youzhi.sheets import load_grids


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    blocks = default_blocks()
    blocks[next(iter(blocks))][0].update(purpose=PLACEHOLDER)
    return official_workbook(tmp_path_factory.mktemp("scan") / "tpl.xlsx", blocks=blocks)


def test_read_checked_refuses_what_check_file_refuses(tmp_path, template):
    corpus = hostile_corpus(tmp_path / "bad", template)
    refused = 0
    for path, expected in corpus.items():
        if path.name in PASSES_SAFETY:
            continue
        with pytest.raises(UnreadableWorkbook, match=expected):
            check_file(path)
        with pytest.raises(UnreadableWorkbook, match=expected):
            read_checked(path)
        refused += 1
    assert refused == len([n for n, reason in EXPECTED.items() if reason]) - len(PASSES_SAFETY)


def test_read_checked_hands_over_the_bytes_and_an_open_zip(template):
    kind, data, archive = read_checked(template)
    with archive:
        assert kind == check_file(template) == "xlsx"
        assert data == template.read_bytes() and "xl/workbook.xml" in archive.namelist()


@pytest.mark.parametrize(
    ("text", "engines"),
    [("諮詢費\x1b[2J\x07", ("calamine",)),  # raw bytes: invalid XML, which openpyxl refuses outright
     ("諮詢費_x001B_[2J", ("calamine",))],  # Excel's escape of an ESC (openpyxl leaves it as text)
)  # fmt: skip
def test_control_characters_are_still_found_and_removed(tmp_path, template, text, engines):
    path = swap_placeholder(tmp_path / "escape.xlsx", template, text)
    for engine in engines:
        grids = load_grids(path, engine)
        assert grids.controls, engine
        cells = [v for g in grids.sheets for row in g.rows for v in row if isinstance(v, str)]
        assert any(v.startswith("諮詢費[2J") for v in cells), engine
        assert not any("\x1b" in v for v in cells), engine


def test_a_clean_workbook_skips_the_control_character_pass(tmp_path, template, monkeypatch):
    from youzhi import sheets

    passes = []
    real = sheets.strip_control_characters
    monkeypatch.setattr(sheets, "strip_control_characters", lambda grids: passes.append(1) or real(grids))
    clean = swap_placeholder(tmp_path / "clean.xlsx", template, "辦理課程研習")
    assert load_grids(clean).controls == {} and passes == []  # no cell was looked at
    dirty = swap_placeholder(tmp_path / "dirty.xlsx", template, "辦理\x1b課程")
    assert load_grids(dirty).controls and passes == [1]
