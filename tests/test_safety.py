"""youzhi.safety.check_file against the hostile corpus (real bytes, no mocks)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import olefile
import pytest
from hostile import (
    PASSES_SAFETY,
    compound_file,
    encrypted_file,
    hostile_corpus,
    with_macros,
    xls_file,
    zip_bomb,
)
from officialish import official_workbook

from youzhi.errors import UnreadableWorkbook
from youzhi.safety import check_file
from youzhi.sheets import load_grids


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return official_workbook(tmp_path_factory.mktemp("good") / "good.xlsx")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, good) -> dict[Path, str]:
    return hostile_corpus(tmp_path_factory.mktemp("hostile"), good)


def reason(path) -> str:
    with pytest.raises(UnreadableWorkbook) as caught:
        check_file(path)
    return str(caught.value)


def test_every_hostile_file_has_its_reason(corpus):
    assert len(corpus) == 9
    for path, expected in corpus.items():
        if path.name in PASSES_SAFETY:
            assert check_file(path) == "xlsx"
            with pytest.raises(UnreadableWorkbook, match=expected):
                load_grids(path)
            continue
        got = reason(path)
        assert expected in got, (path.name, got)
        assert "\n" not in got


def test_good_workbook_and_macro_workbook(good, tmp_path):
    assert check_file(good) == "xlsx"
    assert check_file(with_macros(tmp_path / "macro.xlsm", good)) == "xlsm"


def test_compound_files_are_real_ole_files(tmp_path):
    """The hand-built CFB files must be what a real OLE parser sees, not just bytes we search for."""
    with olefile.OleFileIO(str(encrypted_file(tmp_path / "e.xlsx"))) as ole:
        assert sorted(ole.listdir()) == [["EncryptedPackage"], ["EncryptionInfo"]]
        assert ole.openstream("EncryptionInfo").read(4) == b"\x04\x00\x04\x00"
    with olefile.OleFileIO(str(xls_file(tmp_path / "x.xls"))) as ole:
        assert ole.listdir() == [["Workbook"]]


def test_other_ole_document_and_broken_directory(tmp_path):
    doc = compound_file(tmp_path / "doc.xlsx", {"WordDocument": b"\xec\xa5"})
    assert "其他 Office 舊格式" in reason(doc)
    # A compound file cut short: olefile gives up, the byte search still finds the encryption streams.
    whole = encrypted_file(tmp_path / "whole.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[:1600])
    assert "檔案已加密" in reason(cut)


def test_missing_folder_and_size_limits(good, tmp_path):
    assert reason(tmp_path / "nope.xlsx") == "檔案不存在"
    assert "資料夾" in reason(tmp_path)
    with pytest.raises(UnreadableWorkbook, match="檔案過大"):
        check_file(good, max_bytes=1000)
    small_bomb = zip_bomb(tmp_path / "small.xlsx", megabytes=8)
    assert "zip bomb" in reason(small_bomb)  # 8 MB of zeros: the ratio gives it away
    with pytest.raises(UnreadableWorkbook, match="zip bomb"):
        check_file(good, max_uncompressed=1000)


def test_text_files_in_other_encodings(tmp_path):
    big5 = tmp_path / "big5.xlsx"
    big5.write_bytes("學校,金額\r\n○○高中,100\r\n".encode("cp950"))
    utf16 = tmp_path / "utf16.xlsx"
    utf16.write_bytes("學校\t金額\n".encode("utf-16"))
    html = tmp_path / "html.xlsx"
    html.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    for path in (big5, utf16, html):
        assert "CSV 或文字檔" in reason(path), path.name


def test_zip_without_workbook_part(tmp_path):
    xlsb = tmp_path / "binary.xlsx"
    with zipfile.ZipFile(xlsb, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x83\x01")
    assert ".xlsb" in reason(xlsb)
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(bare, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "缺少工作表" in reason(bare)


def test_check_is_cheap(good):
    start = time.perf_counter()
    for _ in range(200):
        check_file(good)
    assert (time.perf_counter() - start) / 200 < 0.005  # measured ~0.06 ms; generous for a loaded CI
