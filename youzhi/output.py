"""Every file the tool writes goes through here: checked first, then written atomically.

``check_output(dest, inputs=…, force=…)`` refuses, with one zh-TW sentence, an output that is one of
the inputs (after resolving links, folders included), a symbolic link, a folder, a file that exists
(unless ``force``), or a place that cannot be written. ``atomic_path(dest)`` hands out a temporary name
in the destination folder (``.youzhi-tmp-…``, a name ``batch`` never reads as a submission); when the
block succeeds the file is flushed to disk, given the mode a new file gets under the user's umask and
renamed over ``dest``. On any exception (and on SIGTERM/SIGINT, see ``install_signal_cleanup``) the
temporary file is removed, so a failed run leaves neither a partial output nor a stray file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator

from youzhi.errors import YouzhiError

TEMP_PREFIX = ".youzhi-tmp-"
OWN_PREFIXES = (".youzhi-", ".yz-")  # the tool's temp names, this version's and earlier ones
LOCK_PREFIXES = ("~$", "._")  # Excel's owner (lock) files, macOS resource forks on shared drives
_LIVE: set[str] = set()  # temp files being written by this process
_MAIN_PID = os.getpid()

_REASONS = {
    errno.ENOSPC: "磁碟空間不足",
    errno.EDQUOT: "超過磁碟配額",
    errno.EACCES: "沒有寫入權限",
    errno.EPERM: "沒有寫入權限",
    errno.EROFS: "唯讀的磁碟或資料夾",
    errno.ENOENT: "資料夾不存在",
    errno.ENOTDIR: "路徑中有一段不是資料夾",
    errno.EISDIR: "這是資料夾",
    errno.ENAMETOOLONG: "檔名過長",
    errno.EFBIG: "檔案過大",
}


def is_ignored_name(name: str) -> bool:
    """A file a folder scan must not take as a submission: our temp files, Excel's lock files."""
    return name.startswith(OWN_PREFIXES) or name.startswith(LOCK_PREFIXES)


def os_reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0) or exc.strerror or "系統錯誤"


def write_error(dest: str | os.PathLike, exc: OSError) -> YouzhiError:
    return YouzhiError(f"無法寫入 {os.fspath(dest)}：{os_reason(exc)}")


def new_file_mode() -> int:
    """The mode ``open(…, "w")`` gives a new file under the current umask (0644 under umask 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def check_output(
    dest: str | os.PathLike,
    *,
    inputs: Iterable[str | os.PathLike] = (),
    force: bool = False,
    what: str = "輸出檔",
) -> str:
    """Refuse an output path that would lose data or cannot be written; return it as ``str``."""
    dest = os.fspath(dest)
    if os.path.islink(dest):
        raise YouzhiError(f"{what}是符號連結（捷徑），為免寫到別處，請改用實際的檔名：{dest}")
    if os.path.isdir(dest):
        raise YouzhiError(f"{what}路徑是資料夾：{dest}")
    for given in inputs:
        if same_file(dest, given):
            raise YouzhiError(f"{what}不可覆寫輸入檔：{dest}（請另取檔名）")
    if os.path.lexists(dest) and not force:
        raise YouzhiError(f"檔案已存在：{dest}（為免覆蓋，如確定要覆寫請加 --force）")
    folder = os.path.dirname(os.path.abspath(dest))
    if not os.path.isdir(folder):
        raise YouzhiError(f"輸出資料夾不存在：{folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise YouzhiError(f"輸出資料夾無法寫入：{folder}")
    return dest


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
    _LIVE.discard(path)


def _fsync(path: str, *, folder: bool = False) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if folder else 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(dest: str | os.PathLike, suffix: str | None = None, mode: int | None = None) -> Iterator[str]:
    """A temporary path next to ``dest``; flushed, given the usual mode and renamed over ``dest`` only
    when the block succeeds. An ``OSError`` becomes one zh-TW sentence (exit 2); nothing is left."""
    dest = os.fspath(dest)
    folder = os.path.dirname(os.path.abspath(dest))
    suffix = suffix if suffix is not None else (os.path.splitext(dest)[1] or ".tmp")
    try:
        handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=folder)
    except OSError as exc:
        raise write_error(dest, exc) from None
    os.close(handle)
    _LIVE.add(temp)
    try:
        yield temp
        _fsync(temp)
        os.chmod(temp, new_file_mode() if mode is None else mode)
        os.replace(temp, dest)
        _LIVE.discard(temp)
        _fsync(folder, folder=True)
    except OSError as exc:
        _remove(temp)
        raise write_error(dest, exc) from None
    except BaseException:
        _remove(temp)
        raise


def cleanup() -> None:
    """Remove every temp file this process is still writing (a signal arrived mid-write)."""
    for path in list(_LIVE):
        _remove(path)


def _on_signal(signum, frame) -> None:
    if os.getpid() != _MAIN_PID:  # a forked worker: die as the signal says, the parent cleans up
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    cleanup()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def install_signal_cleanup() -> None:
    """SIGTERM (and SIGHUP) end the run through the normal exception path, so ``atomic_path`` removes
    its temp file; the CLI calls this once. SIGKILL cannot be caught: its leftovers are ``.youzhi-tmp-``
    files that batch ignores."""
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                signal.signal(getattr(signal, name), _on_signal)


# ------------------------------------------------------------------ backups (repair --in-place)
def backup_names(src: str):
    yield f"{src}.bak"
    for n in range(2, 1000):
        yield f"{src}.{n}.bak"


def make_backup(src: str, made: list[str] | None = None) -> str:
    """A new backup of ``src`` under the first free backup name (never over an existing file);
    its name is appended to ``made`` as soon as it exists."""
    made = [] if made is None else made
    for name in backup_names(src):
        try:
            os.link(src, name)  # the original's own bytes: nothing copied, nothing to go wrong
            made.append(name)
            return name
        except FileExistsError:
            continue
        except OSError:
            return _copy_backup(src, name, made)
    raise YouzhiError(f"備份檔過多：{src}.bak … 請先整理舊的備份")


def _copy_backup(src: str, name: str, made: list[str]) -> str:
    """Where hard links are not possible (FAT, some network drives): an exclusive-create copy."""
    try:
        with open(src, "rb") as source, open(name, "xb") as target:
            made.append(name)
            shutil.copyfileobj(source, target)
            target.flush()
            os.fsync(target.fileno())
    except FileExistsError:
        return make_backup(src, made)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.remove(name)
        if name in made:
            made.remove(name)
        raise write_error(name, exc) from None
    shutil.copystat(src, name)
    return name
