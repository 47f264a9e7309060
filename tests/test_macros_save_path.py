"""The save path stays light: ``import macros`` and ``on_save()`` never load openpyxl (nor any other
writer), and the add-in routes RunPython through xlwings' UDF server so a save reuses one Python."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from remote_payload import payload_from_xlsx

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "示範高中_114.xlsx"
HEAVY = ("openpyxl", "xlsxwriter", "formulas", "python_calamine", "youzhi.template", "youzhi.repair")

SAVE = """
import json, sys
from xlwings.main import Engine
import xlwings as xw
if "remote" not in [e.name for e in xw.engines]:
    from xlwings.pro import _xlremote
    xw.engines.add(Engine(impl=_xlremote.engine))
import macros
loaded_by_import = [m for m in {heavy!r} if m in sys.modules]
book = xw.Book(json=json.load(open(sys.argv[1], encoding="utf-8")))
book.set_mock_caller()
message = macros.on_save()
print(json.dumps({{"import": loaded_by_import, "save": [m for m in {heavy!r} if m in sys.modules],
                   "message": message}}))
"""


def _run(code: str, *args: str) -> dict:
    env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial")}
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_and_on_save_load_no_writer(tmp_path):
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(payload_from_xlsx(EXAMPLE), ensure_ascii=False), encoding="utf-8")
    result = _run(SAVE.format(heavy=HEAVY), str(payload))
    assert result["message"].startswith("存檔前檢核：")  # the example has findings: on_save really ran
    assert result["import"] == []
    assert result["save"] == []


def test_the_heavy_list_is_not_empty_by_accident():
    """The check above can fail: checking a workbook through the file door does load openpyxl."""
    code = "import sys, macros\nfrom youzhi import annotate\nannotate.fill_for('error')\n"
    code += f"import json; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "openpyxl" in json.loads(out.stdout.strip().splitlines()[-1])


def test_runpython_goes_through_the_udf_server():
    conf = (REPO / "addin" / "xlwings.conf").read_text(encoding="utf-8")
    assert '"USE UDF SERVER","True"' in conf.splitlines()
    assert '"UDF MODULES","macros"' in conf.splitlines()
