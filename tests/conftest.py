from __future__ import annotations

import lo
import pytest


def pytest_collection_modifyitems(config, items):
    if lo.soffice() is not None:
        return
    if config.getoption("--require-libreoffice"):
        raise pytest.UsageError("LibreOffice (soffice) is required but not installed")
    skip = pytest.mark.skip(reason="LibreOffice (soffice) not installed")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


def pytest_addoption(parser):
    parser.addoption(
        "--require-libreoffice",
        action="store_true",
        help="fail instead of skipping when LibreOffice is missing (CI)",
    )
