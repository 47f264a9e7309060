"""`youzhi addin install | uninstall | status` in a temporary home folder: files in place, config
written, a second run changes nothing, uninstall restores what was there; without Excel it only
says what it would do (exit 2)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from youzhi import addin_install as ai
from youzhi import cli

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "addin" / "youzhi.xlam"


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _home(tmp_path: Path, platform: str) -> Path:
    home = tmp_path / "home"
    if platform == "win":
        (home / "AppData" / "Roaming" / "Microsoft" / "Excel").mkdir(parents=True)  # Excel has run here
    else:
        (home / ai.MAC_GROUP).mkdir(parents=True)
    return home


@pytest.mark.parametrize("platform", ["win", "mac"])
def test_install_twice_then_uninstall(tmp_path, capsys, platform):
    home = _home(tmp_path, platform)
    before = _tree(home)
    args = ["addin", "install", "--platform", platform, "--home", str(home)]
    assert cli.main(args) == 0
    t = ai.target(platform, home, {})
    assert t.addin.read_bytes() == SHIPPED.read_bytes()
    assert ai.setting(t.config, t.interpreter_key) == ai.interpreter(platform)
    assert "已複製增益集" in capsys.readouterr().out
    installed = _tree(home)

    assert cli.main(args) == 0  # idempotent
    assert "沒有變更" in capsys.readouterr().out
    assert _tree(home) == installed

    assert cli.main(["addin", "status", "--platform", platform, "--home", str(home)]) == 0
    status = capsys.readouterr().out
    assert "增益集：已安裝" in status and f"{t.interpreter_key}：{ai.interpreter(platform)}" in status

    assert cli.main(["addin", "uninstall", "--platform", platform, "--home", str(home)]) == 0
    assert _tree(home) == before
    assert not (home / ".youzhi").exists()


def test_uninstall_restores_an_existing_config(tmp_path):
    home = _home(tmp_path, "win")
    config = home / ".youzhi" / "youzhi.conf"
    config.parent.mkdir(parents=True)
    original = '"INTERPRETER_WIN","C:\\old\\pythonw.exe"\n"PYTHONPATH","C:\\mine"\n'
    config.write_text(original, encoding="utf-8")
    t = ai.target("win", home, {})
    done = ai.install(t, SHIPPED, "C:\\new\\pythonw.exe")
    assert len(done) == 2
    assert ai.setting(config, "INTERPRETER_WIN") == "C:\\new\\pythonw.exe"
    assert ai.setting(config, "PYTHONPATH") == "C:\\mine"  # the user's other settings stay
    assert ai.install(t, SHIPPED, "C:\\new\\pythonw.exe") == []
    ai.uninstall(t)
    assert config.read_text(encoding="utf-8") == original
    assert not t.addin.exists() and not t.backup.exists()


def test_a_changed_addin_is_replaced(tmp_path):
    home = _home(tmp_path, "win")
    t = ai.target("win", home, {})
    t.addin.parent.mkdir(parents=True)
    t.addin.write_bytes(b"old build")
    assert ai.install(t, SHIPPED, "python")[0].startswith("已複製增益集")
    assert t.addin.read_bytes() == SHIPPED.read_bytes()


def test_without_excel_it_says_what_it_would_do_and_changes_nothing(tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    assert cli.main(["addin", "install", "--platform", "win", "--home", str(home)]) == 2
    err = capsys.readouterr().err
    assert "找不到 Excel" in err and "XLSTART" in err and "INTERPRETER_WIN" in err
    assert _tree(home) == {}
    if not (sys.platform.startswith("win") or sys.platform == "darwin"):
        assert cli.main(["addin", "install", "--home", str(home)]) == 2
        assert "沒有 Excel" in capsys.readouterr().err
        assert _tree(home) == {}


def test_windows_prefers_pythonw(tmp_path):
    exe = tmp_path / "python.exe"
    exe.write_bytes(b"")
    assert ai.interpreter("win", str(exe)) == str(exe)
    (tmp_path / "pythonw.exe").write_bytes(b"")
    assert ai.interpreter("win", str(exe)) == str(tmp_path / "pythonw.exe")
    assert ai.interpreter("mac", str(exe)) == str(exe)


def test_build_in_excel_writes_what_vbe_imports():
    """The files the in-Excel build hands to VBComponents.Import are the sources build.py stores."""
    path = REPO / "addin" / "build_in_excel.py"
    spec = importlib.util.spec_from_file_location("youzhi_build_in_excel", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    build = module._build_module()
    for m in build.all_modules():
        if m.kind == "document":
            assert "Attribute VB_" not in module.code_only(m.source)
            continue
        name, data = module.export_text(m)
        assert name == f"{m.name}.{'cls' if m.kind == 'class' else 'bas'}"
        text = data.decode("cp1252")
        assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
        if m.kind == "class":
            assert text.startswith("VERSION 1.0 CLASS\r\n")
            assert build.strip_class_header(text.replace("\r\n", "\n")).rstrip("\n") == m.source.rstrip("\n")
        else:
            assert text.replace("\r\n", "\n").rstrip("\n") == m.source.rstrip("\n")
