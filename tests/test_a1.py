from __future__ import annotations

import subprocess
import sys

import pytest
from openpyxl.utils import get_column_letter as reference

from youzhi.a1 import get_column_letter


@pytest.mark.parametrize("col", [1, 2, 25, 26, 27, 52, 53, 702, 703, 16384, 18278])
def test_same_letters_as_openpyxl(col):
    assert get_column_letter(col) == reference(col)


@pytest.mark.parametrize("col", [0, -1, 18279])
def test_out_of_range(col):
    with pytest.raises(ValueError):
        get_column_letter(col)


def test_reading_and_checking_do_not_import_openpyxl():
    """The batch's read path stays light: no openpyxl (and so no numpy) at import."""
    code = (
        "import sys, youzhi.reader, youzhi.rollup, youzhi.batch, validators, youzhi.cmd.batch;"
        "print('openpyxl' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
