"""Install, remove and inspect the Excel add-in for the current user (``youzhi addin …``).

What installing means (as ``xlwings addin install`` does for its own add-in):
- ``youzhi.xlam`` is copied into the user's Excel start-up folder (XLSTART), so Excel loads it
  (and its ribbon tab) every time it starts, with nothing to tick in Excel's add-in dialog;
- the add-in's user config file (``youzhi.conf``, read by xlwings' VBA as the user layer) gets the
  running interpreter (``INTERPRETER_WIN`` / ``INTERPRETER_MAC``), so RunPython and the UDF server
  start the Python that has youzhi installed.

Every step is idempotent (a second run changes nothing) and undone by ``uninstall``: a config file
that existed before is kept as ``youzhi.conf.before-install`` and put back. Paths are computed from
an explicit platform, home folder and environment so the tests can run everything in a temporary
home folder.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from youzhi.errors import YouzhiError

ADDIN_NAME = "youzhi.xlam"
CONF_NAME = "youzhi.conf"
BACKUP_SUFFIX = ".before-install"
MAC_GROUP = "Library/Group Containers/UBF8T346G9.Office"
MAC_STARTUP = f"{MAC_GROUP}/User Content.localized/Startup.localized/Excel"
MAC_CONF_DIR = "Library/Containers/com.microsoft.Excel/Data"


@dataclass(frozen=True)
class Target:
    """Where the add-in and its config go for one user on one platform."""

    platform: str  # "win" or "mac"
    startup: Path  # Excel's per-user start-up folder
    config: Path  # the user layer of the add-in's settings
    interpreter_key: str
    excel_found: bool

    @property
    def addin(self) -> Path:
        return self.startup / ADDIN_NAME

    @property
    def backup(self) -> Path:
        return self.config.with_name(self.config.name + BACKUP_SUFFIX)


def platform_name(platform: str | None = None) -> str | None:
    platform = platform or sys.platform
    if platform.startswith("win"):
        return "win"
    if platform == "darwin" or platform == "mac":
        return "mac"
    return None


def target(platform: str | None = None, home: Path | None = None, env: dict | None = None) -> Target | None:
    """The install target, or None on a platform where Excel cannot run."""
    name = platform_name(platform)
    home = Path(home) if home else Path.home()
    env = os.environ if env is None else env
    if name == "win":
        appdata = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
        excel = appdata / "Microsoft" / "Excel"
        profile = Path(env.get("USERPROFILE") or home)
        config = profile / ".youzhi" / CONF_NAME
        return Target("win", excel / "XLSTART", config, "INTERPRETER_WIN", excel.is_dir())
    if name == "mac":
        found = (home / MAC_GROUP).is_dir() or Path("/Applications/Microsoft Excel.app").is_dir()
        return Target("mac", home / MAC_STARTUP, home / MAC_CONF_DIR / CONF_NAME, "INTERPRETER_MAC", found)
    return None


def interpreter(platform: str, executable: str | None = None) -> str:
    """The running Python; on Windows its ``pythonw.exe`` when there is one (no console window)."""
    exe = Path(executable or sys.executable)
    if platform == "win":
        windowless = exe.with_name("pythonw.exe")
        if windowless.exists():
            return str(windowless)
    return str(exe)


def shipped_addin() -> Path:
    """The built add-in next to the package (addin/youzhi.xlam in the source tree)."""
    path = Path(__file__).resolve().parents[1] / "addin" / ADDIN_NAME
    if not path.is_file():
        raise YouzhiError(f"找不到增益集檔案 {path}，請以 --file 指定 youzhi.xlam 的位置")
    return path


# --- the config file (xlwings' "KEY","VALUE" lines) -------------------------------------------------


def read_conf(path: Path) -> list[list[str]]:
    if not path.is_file():
        return []
    return [row for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))) if row]


def conf_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return out.getvalue()


def with_setting(rows: list[list[str]], key: str, value: str) -> list[list[str]]:
    kept = [row for row in rows if row[0].upper() != key.upper()]
    return [*kept, [key, value]]


def setting(path: Path, key: str) -> str | None:
    return next((row[1] for row in read_conf(path) if row[0].upper() == key.upper() and len(row) > 1), None)


# --- the three commands ------------------------------------------------------------------------------


def plan(t: Target, source: Path, python: str) -> list[str]:
    """What ``install`` does, in words (printed as is when Excel is not found)."""
    return [
        f"複製增益集 {source} → {t.addin}（Excel 啟動時自動載入「優質化」索引標籤）",
        f"在 {t.config} 寫入 {t.interpreter_key} = {python}（RunPython 與 UDF 伺服器使用這個 Python）",
    ]


def _write_atomically(path: Path, data: bytes) -> None:
    from youzhi.output import atomic_path

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)


def install(t: Target, source: Path, python: str) -> list[str]:
    """Copy the add-in and write the interpreter; returns what changed (empty: already installed)."""
    done = []
    data = source.read_bytes()
    if not t.addin.is_file() or t.addin.read_bytes() != data:
        try:
            _write_atomically(t.addin, data)
        except PermissionError as exc:
            raise YouzhiError(f"無法寫入 {t.addin}（Excel 可能正在使用它）：請先關閉 Excel 再執行") from exc
        done.append(f"已複製增益集到 {t.addin}")
    rows = read_conf(t.config)
    wanted = with_setting(rows, t.interpreter_key, python)
    if wanted != rows:
        if t.config.is_file() and not t.backup.exists():
            shutil.copy2(t.config, t.backup)
        _write_atomically(t.config, conf_text(wanted).encode("utf-8"))
        done.append(f"已在 {t.config} 設定 {t.interpreter_key} = {python}")
    return done


def uninstall(t: Target) -> list[str]:
    """Remove the add-in and restore the config file as it was before ``install``."""
    done = []
    if t.addin.is_file():
        try:
            t.addin.unlink()
        except PermissionError as exc:
            raise YouzhiError(f"無法刪除 {t.addin}（Excel 可能正在使用它）：請先關閉 Excel 再執行") from exc
        done.append(f"已移除增益集 {t.addin}")
    if t.backup.is_file():
        os.replace(t.backup, t.config)
        done.append(f"已還原 {t.config}")
    elif t.config.is_file():
        rows = [row for row in read_conf(t.config) if row[0].upper() != t.interpreter_key]
        if rows:
            _write_atomically(t.config, conf_text(rows).encode("utf-8"))
        else:
            t.config.unlink()
            if t.config.parent.name == ".youzhi" and not any(t.config.parent.iterdir()):
                t.config.parent.rmdir()
        done.append(f"已從 {t.config} 移除 {t.interpreter_key}")
    return done


def status(t: Target, source: Path | None) -> list[tuple[str, str]]:
    """(項目, 狀態) rows for ``youzhi addin status``."""
    rows = [("Excel", "已找到" if t.excel_found else "未找到")]
    if t.addin.is_file():
        same = source is not None and source.is_file() and source.read_bytes() == t.addin.read_bytes()
        rows.append(("增益集", f"已安裝：{t.addin}" + ("" if same else "（與本版不同，請重新執行 install）")))
    else:
        rows.append(("增益集", f"未安裝（應在 {t.addin}）"))
    python = setting(t.config, t.interpreter_key)
    if python is None:
        rows.append((t.interpreter_key, f"未設定（{t.config}）"))
    else:
        exists = "" if Path(python).exists() else "（此檔案不存在）"
        rows.append((t.interpreter_key, f"{python}{exists}"))
    return rows
