"""The Python side of an Excel save: cold ``import macros`` and ``macros.on_save()`` on the example.

    XLWINGS_LICENSE_KEY=noncommercial .venv/bin/python benchmarks/save_path.py [--repeat 20]

Prints, each as a median in ms:
- cold ``import macros`` in a fresh interpreter (what every save paid before ``USE UDF SERVER``:
  RunPython started a new Python), with pandas importable and with pandas blocked (xlwings imports
  pandas whenever it is installed; youzhi never uses it);
- ``import macros`` when xlwings is already loaded (the UDF server: xlwings is the server);
- the first ``on_save()`` in a process (lazy imports of reader and validators included) and the
  warm ``on_save()`` (the UDF server keeps the process), on examples/示範高中_114.xlsx read by
  xlwings' remote engine (the same ``xw.Book`` API the desktop engine gives; the Excel-side COM
  round trips are not included and can only be measured in Excel).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))
EXAMPLE = REPO / "examples" / "示範高中_114.xlsx"

COLD = (
    "import sys, time\n{block}t, c = time.perf_counter(), time.process_time()\nimport macros\n"
    "print(time.perf_counter() - t, time.process_time() - c)\n"
)
NO_PANDAS = "sys.modules['pandas'] = None  # what an environment without pandas sees\n"
XLWINGS_FIRST = "import xlwings\n"


def _subprocess_ms(code: str, repeat: int) -> tuple[float, float]:
    """Median wall and CPU time in ms (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        command = [sys.executable, "-c", code]
        out = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
        w, c = out.stdout.strip().splitlines()[-1].split()
        wall.append(float(w) * 1000)
        cpu.append(float(c) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _on_save_ms(repeat: int) -> tuple[float, float, str]:
    from remote_payload import remote_book

    import macros

    remote_book(EXAMPLE)
    start = time.perf_counter()
    message = macros.on_save()
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        macros.on_save()
        times.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(times), message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    rows = [
        ("cold import macros (pandas installed)", _subprocess_ms(COLD.format(block=""), args.repeat)),
        ("cold import macros (pandas blocked)", _subprocess_ms(COLD.format(block=NO_PANDAS), args.repeat)),
        (
            "import macros, xlwings already loaded (UDF server)",
            _subprocess_ms(COLD.format(block=NO_PANDAS + XLWINGS_FIRST), args.repeat),
        ),
    ]
    first, warm, message = _on_save_ms(args.repeat)
    rows += [("first on_save() in a process", (first, None)), ("warm on_save() (UDF server)", (warm, None))]
    for label, (wall, cpu) in rows:
        print(f"{label:<52} {wall:8.1f} ms" + (f"  (CPU {cpu:6.1f} ms)" if cpu is not None else ""))
    print(f"on_save message: {message.splitlines()[0] if message else '(none: no error or warning)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
