"""The guarded pool: a worker that crashes, hangs or runs out of memory costs one file, never the batch."""

from __future__ import annotations

import ctypes
import os
import signal
import time

from youzhi import batch_pool


def task(item: int) -> int:
    if item == 3:
        os._exit(7)  # a worker that dies without a word
    if item == 4:
        ctypes.string_at(0)  # segmentation fault in C code
    if item == 5:
        while True:  # stuck in Python: the soft limit (SIGALRM) stops it
            pass
    if item == 6:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)  # deaf to the soft limit: the parent kills it
        time.sleep(60)
    if item == 7:
        return len(bytearray(3 * 1024**3))  # beyond the worker's memory cap
    if item == 8:
        raise ValueError("壞掉的儲存格")
    return item * 10


def test_every_item_reported_once_and_good_ones_done():
    start = time.perf_counter()
    outcomes = list(batch_pool.run(task, range(20), jobs=2, timeout=1, grace=1, max_memory=1024**3))
    elapsed = time.perf_counter() - start
    by_item = {o.item: o for o in outcomes}
    assert len(outcomes) == 20 and set(by_item) == set(range(20))
    good = [i for i in range(20) if i not in (3, 4, 5, 6, 7, 8)]
    assert all(by_item[i].ok and by_item[i].value == i * 10 for i in good)
    assert "異常結束" in by_item[3].reason and "異常結束" in by_item[4].reason
    assert by_item[5].reason == "處理逾時（超過 1 秒）"
    assert "已強制停止" in by_item[6].reason
    assert "記憶體不足" in by_item[7].reason
    assert by_item[8].reason == "處理時發生錯誤：壞掉的儲存格"
    assert elapsed < 10  # two stuck files cost ~1 s and ~2 s, not the batch


def test_empty_input_and_single_job():
    assert list(batch_pool.run(task, [], jobs=2)) == []
    assert [o.value for o in batch_pool.run(task, [1, 2], jobs=1)] == [10, 20]
