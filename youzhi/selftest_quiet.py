"""Where ``youzhi addin selftest`` tells the add-in to stay quiet: while the marker file exists,
``youzhi.xlwings_adapter.alert`` logs its messages instead of showing them (a hidden Excel must never
wait for a click). A module of its own so that the adapter and the selftest do not import each other.
"""

from __future__ import annotations

from pathlib import Path

QUIET = Path.home() / ".youzhi" / "selftest.quiet"
ALERT_LOG = QUIET.with_name("selftest.log")
