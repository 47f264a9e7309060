"""Hostile suite, data loss: no output ever replaces an input, an existing file (without --force), or
writes through a link; repair --in-place keeps the original byte for byte whatever happens; a failed
or killed run leaves no partial output and no stray file; outputs get the usual mode."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from officialish import official_workbook

from youzhi import output, repair
from youzhi.cli import main
from youzhi.output import is_ignored_name


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return official_workbook(tmp_path_factory.mktemp("good") / "good.xlsx")


@pytest.fixture
def school(good, tmp_path) -> Path:
    target = tmp_path / "school.xlsx"
    target.write_bytes(good.read_bytes())
    return target


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert err and err[-1].startswith("錯誤："), err
    assert "Traceback" not in "\n".join(err)
    return err[-1]


# ------------------------------------------------------------------ an output that is an input
def test_repair_into_the_input_through_a_symlinked_folder_is_refused(school, tmp_path, capsys):
    link = tmp_path / "linkdir"
    link.symlink_to(tmp_path, target_is_directory=True)
    before = school.read_bytes()
    assert main(["repair", str(school), "-o", str(link / school.name), "--force"]) == 2
    assert "原檔" in one_error_line(capsys)
    assert school.read_bytes() == before
    assert listing(tmp_path) == {"school.xlsx", "linkdir"}


def test_batch_report_over_a_submission_inside_the_folder_is_refused(school, tmp_path, capsys):
    before = school.read_bytes()
    assert main(["batch", str(tmp_path), "-o", str(school), "--force"]) == 2
    assert "不可覆寫輸入檔" in one_error_line(capsys)
    assert school.read_bytes() == before


def test_quiet_when_the_output_is_elsewhere(school, tmp_path):
    out = tmp_path / "out" / "r.xlsx"
    out.parent.mkdir()
    assert main(["repair", str(school), "-o", str(out)]) == 0
    assert out.exists() and listing(out.parent) == {"r.xlsx"}


# ------------------------------------------------------------------ existing outputs and links
@pytest.mark.parametrize(
    "argv",
    [
        ["repair", "{in}", "-o", "{out}.xlsx"],
        ["check", "{in}", "--annotate", "{out}.xlsx"],
        ["batch", "{in}", "-o", "{out}.xlsx"],
        ["batch", "{in}", "--export", "{out}.csv"],
        ["template", "--year", "115", "-o", "{out}.xlsx"],
    ],
    ids=["repair", "annotate", "batch", "export", "template"],
)
def test_an_existing_output_needs_force(argv, school, tmp_path, capsys):
    out = tmp_path / "taken"
    argv = [a.replace("{in}", str(school)).replace("{out}", str(out)) for a in argv]
    existing = Path(argv[-1])
    existing.write_bytes(b"someone's work")
    assert main(argv) == 2
    assert "--force" in one_error_line(capsys)
    assert existing.read_bytes() == b"someone's work"
    assert main([*argv, "--force"]) in (0, 1)
    assert existing.read_bytes() != b"someone's work"
    assert not [n for n in listing(tmp_path) if is_ignored_name(n)]


def test_never_writes_through_a_symlink(school, tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "out.xlsx"
    link.symlink_to(victim)
    assert main(["repair", str(school), "-o", str(link), "--force"]) == 2
    assert "符號連結" in one_error_line(capsys)
    assert victim.read_text() == "keep me" and link.is_symlink()
    linked_input = tmp_path / "linked.xlsx"
    linked_input.symlink_to(school)
    before = school.read_bytes()
    assert main(["repair", str(linked_input), "--in-place"]) == 2
    assert "符號連結" in one_error_line(capsys)
    assert school.read_bytes() == before and not list(tmp_path.glob("*.bak"))


# ------------------------------------------------------------------ repair --in-place
def test_in_place_twice_keeps_the_original_in_the_first_backup(school, tmp_path):
    original = school.read_bytes()
    school.chmod(0o600)
    assert main(["repair", str(school), "--in-place"]) == 0
    assert school.stat().st_mode & 0o777 == 0o600  # the repaired file keeps the original's mode
    once = school.read_bytes()
    assert once != original
    assert main(["repair", str(school), "--in-place"]) == 0
    assert (tmp_path / "school.xlsx.bak").read_bytes() == original  # never overwritten
    assert (tmp_path / "school.xlsx.2.bak").read_bytes() == once
    assert listing(tmp_path) == {"school.xlsx", "school.xlsx.bak", "school.xlsx.2.bak"}


def _fail(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


FAULTS = {  # a failure injected at each step of repair --in-place, after the workbook was read
    "save": ("youzhi.repair.add_cached_values", _fail),
    "backup": ("youzhi.repair.make_backup", _fail),
    "rename": ("youzhi.output.os.replace", _fail),
    "interrupt": ("youzhi.output._fsync", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt)),
}


@pytest.mark.parametrize("step", list(FAULTS))
def test_in_place_failure_at_each_step_leaves_the_original_and_nothing_else(
    step, school, tmp_path, monkeypatch
):
    target, fault = FAULTS[step]
    original = school.read_bytes()
    monkeypatch.setattr(target, fault)
    code = main(["repair", str(school), "--in-place"])
    assert code in (2, 130)
    assert school.read_bytes() == original
    assert listing(tmp_path) == {"school.xlsx"}


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from youzhi import cli, output, repair
    point, signum = sys.argv[1], int(sys.argv[2])
    def killer(original):
        def wrapped(*args, **kwargs):
            result = original(*args, **kwargs)
            os.kill(os.getpid(), signum)
            return result
        return wrapped
    if point == "saved":
        repair.add_cached_values = killer(repair.add_cached_values)
    elif point == "backup":
        repair.make_backup = killer(repair.make_backup)
    elif point == "read":
        repair.clean_workbook = killer(repair.clean_workbook)
    sys.exit(cli.main(["repair", sys.argv[3], "--in-place"]))
    """
)


@pytest.mark.parametrize("point", ["read", "saved", "backup"])
def test_in_place_killed_by_sigterm_leaves_the_original_and_nothing_else(point, school, tmp_path):
    original = school.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", _KILLER, point, str(int(signal.SIGTERM)), str(school)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert school.read_bytes() == original
    assert listing(tmp_path) == {"school.xlsx"}


@pytest.mark.parametrize("point", ["read", "saved", "backup"])
def test_in_place_killed_by_sigkill_keeps_the_original(point, school, tmp_path):
    """SIGKILL cannot be caught: the original is intact, and what may be left is a temp file that
    batch ignores or a backup identical to the original."""
    original = school.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", _KILLER, point, str(int(signal.SIGKILL)), str(school)], timeout=120
    )
    assert done.returncode == -signal.SIGKILL
    assert school.read_bytes() == original
    for name in listing(tmp_path) - {"school.xlsx"}:
        if name.endswith(".bak"):
            assert (tmp_path / name).read_bytes() == original
        else:
            assert is_ignored_name(name), name
    if point == "read":
        assert listing(tmp_path) == {"school.xlsx"}


# ------------------------------------------------------------------ places that cannot be written
def test_unwritable_outputs_are_one_sentence_and_leave_nothing(school, tmp_path, capsys, monkeypatch):
    cases = [
        (tmp_path / "missing" / "o.xlsx", "資料夾不存在"),
        (tmp_path, "資料夾"),
        (Path("/proc/self/o.xlsx"), "無法"),
    ]
    for out, words in cases:
        assert main(["repair", str(school), "-o", str(out)]) == 2
        assert words in one_error_line(capsys), out
    monkeypatch.setattr("youzhi.output.os.replace", _fail)  # the disk fills up as the file lands
    for argv in (
        ["repair", str(school), "-o", str(tmp_path / "full.xlsx")],
        ["template", "--year", "115", "-o", str(tmp_path / "full.xlsx")],
        ["batch", str(school), "-o", str(tmp_path / "full.xlsx")],
        ["batch", str(school), "--export", str(tmp_path / "full.parquet")],
        ["check", str(school), "--annotate", str(tmp_path / "full.xlsx")],
    ):
        assert main(argv) == 2, argv
        assert "磁碟空間不足" in one_error_line(capsys)
        assert listing(tmp_path) == {"school.xlsx"}


def test_outputs_get_the_mode_of_a_new_file(school, tmp_path):
    previous = os.umask(0o027)
    try:
        outs = {
            "repair": (["repair", str(school), "-o", "{}"], "r.xlsx"),
            "template": (["template", "--year", "115", "-o", "{}"], "t.xlsx"),
            "batch": (["batch", str(school), "-o", "{}"], "b.xlsx"),
            "export": (["batch", str(school), "--export", "{}"], "e.csv"),
            "annotate": (["check", str(school), "--annotate", "{}"], "a.xlsx"),
        }
        for argv, name in outs.values():
            main([a.replace("{}", str(tmp_path / name)) for a in argv])
            assert (tmp_path / name).stat().st_mode & 0o777 == 0o640, name
    finally:
        os.umask(previous)
    assert output.new_file_mode() == 0o666 & ~previous


def test_batch_skips_temp_and_lock_files(good, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a.xlsx", ".youzhi-tmp-x1y2.xlsx", ".yz-old.xlsx", "~$a.xlsx"):
        (inbox / name).write_bytes(good.read_bytes())
    assert main(["batch", str(inbox), "--json"]) in (0, 1)
    assert '"counts": {"files": 1,' in capsys.readouterr().out


def test_backup_names_never_repeat(school):
    names = repair.backup_names(str(school))
    assert [next(names) for _ in range(3)] == [f"{school}.bak", f"{school}.2.bak", f"{school}.3.bak"]
