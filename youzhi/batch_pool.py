"""A small guarded process pool: one task per file, and no file can stop or hang the batch.

Why not ``ProcessPoolExecutor``: when one worker dies (segfault, out of memory) it breaks the whole
pool and cannot say which file did it, and it cannot kill a worker stuck inside C code. Here each
worker has its own pipe and an ordered queue of at most ``PREFETCH`` tasks, so the parent always
knows which file a worker is on; it kills and replaces a worker that dies or overruns the hard
deadline, reports that file, and hands the worker's other queued files to the next worker.

Inside a worker a soft limit (``signal.setitimer``) raises ``FileTimeout`` in Python code; the hard
deadline (soft limit + ``GRACE``) covers code that never returns to Python. ``max_memory`` caps a
worker's address space (``RLIMIT_AS``) so a file that inflates beyond it raises ``MemoryError``.
"""

from __future__ import annotations

import collections
import contextlib
import faulthandler
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from youzhi.errors import reason_of

PREFETCH = 2  # tasks queued per worker: one running, one waiting (keeps the pipe busy)
GRACE = 5.0  # seconds beyond the soft limit before the parent kills a worker


class FileTimeout(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    item: object
    ok: bool
    value: object = None  # func's result when ok
    reason: str = ""  # zh-TW when not ok
    seconds: float = 0.0


def _alarm(signum, frame):
    raise FileTimeout


def _limit_memory(max_memory: int | None) -> None:
    if not max_memory:
        return
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = max_memory if hard == resource.RLIM_INFINITY else min(max_memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # not on Windows; refusing is not fatal
        pass


def _worker(conn, func: Callable, timeout: float, max_memory: int | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    faulthandler.disable()  # a crash is reported in the batch result, not dumped on the terminal
    has_timer = hasattr(signal, "setitimer")
    if has_timer:
        signal.signal(signal.SIGALRM, _alarm)
    _limit_memory(max_memory)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        start = time.perf_counter()
        try:
            if has_timer:
                signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                message = ("ok", func(item), "")
            finally:
                if has_timer:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except FileTimeout:
            message = ("fail", None, f"處理逾時（超過 {timeout:g} 秒）")
        except MemoryError:
            message = ("fail", None, "記憶體不足（檔案內容過大）")
        except Exception as exc:
            message = ("fail", None, f"處理時發生錯誤：{_sentence(exc)}")
        try:
            conn.send((*message, time.perf_counter() - start))
        except Exception as exc:  # the result itself would not pickle: report that instead
            conn.send(("fail", None, f"處理結果無法傳回：{type(exc).__name__}", time.perf_counter() - start))


@dataclass
class _Slot:
    process: multiprocessing.process.BaseProcess
    conn: object
    queue: collections.deque = field(default_factory=collections.deque)
    head_started: float = 0.0


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else "spawn")


def run(
    func: Callable,
    items: Iterable,
    *,
    jobs: int | None = None,
    timeout: float = 60.0,
    max_memory: int | None = None,
    grace: float = GRACE,
) -> Iterator[Outcome]:
    """Yield one ``Outcome`` per item, in completion order. ``func`` must be picklable (module level)."""
    pending = collections.deque(items)
    if not pending:
        return
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
    context = _context()

    def start() -> _Slot:
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, func, timeout, max_memory), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def stop(slot: _Slot, *, kill: bool) -> None:
        if kill:
            slot.process.kill()
        else:
            with contextlib.suppress(OSError):
                slot.conn.send(None)
        slot.process.join(timeout=None if kill else 5)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join()
        slot.conn.close()

    slots = [start() for _ in range(jobs)]
    try:
        while pending or any(slot.queue for slot in slots):
            now = time.perf_counter()
            for slot in slots:
                while pending and len(slot.queue) < PREFETCH:
                    item = pending.popleft()
                    if not slot.queue:
                        slot.head_started = now
                    slot.queue.append(item)
                    try:
                        slot.conn.send(item)
                    except OSError:  # the worker died: found below, its queue goes to the others
                        break
            busy = [slot for slot in slots if slot.queue]
            deadline = min(slot.head_started for slot in busy) + timeout + grace
            waitables = [slot.conn for slot in busy] + [slot.process.sentinel for slot in busy]
            ready = set(wait(waitables, timeout=max(0.0, deadline - time.perf_counter())))
            for index, slot in enumerate(slots):
                if not slot.queue:
                    continue
                replaced = None
                if slot.conn in ready or slot.conn.poll():
                    try:
                        status, value, reason, seconds = slot.conn.recv()
                    except (EOFError, OSError):
                        replaced = "處理時程式異常結束（可能是檔案內容觸發的錯誤）"
                    else:
                        item = slot.queue.popleft()
                        slot.head_started = time.perf_counter()
                        yield Outcome(item, status == "ok", value, reason, seconds)
                        continue
                elif slot.process.sentinel in ready or not slot.process.is_alive():
                    code = slot.process.exitcode
                    replaced = f"處理時程式異常結束（結束代碼 {code}，可能是記憶體不足或檔案觸發的錯誤）"
                elif time.perf_counter() - slot.head_started > timeout + grace:
                    replaced = f"處理逾時（超過 {timeout:g} 秒，已強制停止）"
                if replaced:
                    culprit = slot.queue.popleft()
                    elapsed = time.perf_counter() - slot.head_started
                    pending.extendleft(reversed(slot.queue))
                    stop(slot, kill=True)
                    slots[index] = start()
                    yield Outcome(culprit, False, None, replaced, elapsed)
    finally:
        for slot in slots:
            stop(slot, kill=bool(slot.queue))


def _sentence(exc: Exception) -> str:
    """The exception's own text when it is already a zh-TW sentence, else one of ours (never
    "InvalidOperation: [<class …>]")."""
    text = str(exc)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    return reason_of(exc)
