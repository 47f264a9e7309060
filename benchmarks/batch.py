"""Benchmark `youzhi batch`: N realistic workbooks, raw python-calamine read rate vs. batch rate, peak memory.

    .venv/bin/python benchmarks/batch.py [--n 1000] [--jobs N] [--repeat 2] [--keep DIR]

Generates ``--bases`` distinct workbooks in the variety of the test fixtures (official-looking files
from ``tests/officialish.py`` with branch sheets, hidden / renamed sheets, typed totals, text numbers;
our own template filled with openpyxl from ``tests/builders.py``; both programmes, several 學年度,
1–12 lines per block, all four sources, capital lines, counties of every tier), then makes N copies,
each with its own school name (a cheap edit of the shared strings). Then, in one run:

1. raw read: python-calamine opens every file and reads every sheet (one process, then ``--jobs``
   processes), the floor any reader pays;
2. ``youzhi batch`` on the N/4 subset and on all N files (a real subprocess, report written), timing
   the wall clock and sampling the resident memory of the whole process tree (parent + workers) and
   its temporary disk (every file it holds open under its own ``TMPDIR``, deleted spools included).

The batch rate is divided by the raw rate **at the same number of processes** (``--jobs``): the
ratio is what the checks cost over the read, not what a second CPU adds. On a shared machine wall
rates move with the load; the CPU time a file (raw read ÷ batch, all processes) does not.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from builders import filled_template  # noqa: E402
from officialish import official_workbook  # noqa: E402

from youzhi import forms  # noqa: E402
from youzhi.calendar import Semester  # noqa: E402

TOKEN = "ZQSCHOOLQZ"
# Every copy's purposes differ too (as real schools' do), so no cache keyed by a line's text carries
# over from one file to the next and flatters the rate.
PURPOSE_TOKEN = "ZQPURPOSEQZ"
COUNTIES = [
    "臺北市",
    "新北市",
    "桃園市",
    "臺中市",
    "臺南市",
    "高雄市",
    "新竹縣",
    "宜蘭縣",
    "彰化縣",
    "花蓮縣",
]
AUTHORITIES = ["國立", "直轄市立", "縣市立", "私立"]
PRICES = {  # 千元, mostly within the standards, a few beyond (as in real submissions)
    forms.OPERATING: [0.4, 0.5, 1, 1.2, 2, 2, 2.5, 3],
    forms.GRANTS: [1, 2, 5, 12],
    forms.CAPITAL: [8, 12, 15, 20, 25, 30, 35],
}
PURPOSES = ["辦理課程研習", "聘請外部專家諮詢", "印製成果手冊", "採購教學設備", "學生專題競賽"]


# ------------------------------------------------------------------ generating the corpus
def _lines(rng: random.Random, programme: str, year: int, count: int) -> list[dict]:
    lines = []
    for _ in range(count):
        category = rng.choices(forms.CATEGORIES, weights=(7, 1, 2))[0]
        items = forms.items(programme, year, category) or ["物品費"]
        item = rng.choice(items)
        unit = forms.standard_unit(programme, year, item) or rng.choice(["式", "人次", "臺", "本"])
        quantity = rng.choice([1, 2, 3, 5, 8, 10, 20, 40])
        price = rng.choice(PRICES[category])
        lines.append(
            {
                "category": category,
                "item": item,
                "unit": unit,
                "quantity": quantity if rng.random() > 0.05 else str(quantity),  # a few text numbers
                "unit_price": price,
                "purpose": "" if rng.random() < 0.03 else f"{rng.choice(PURPOSES)}（{PURPOSE_TOKEN}）",
                "source": rng.choice(["", "", "", *forms.SOURCES]),
            }
        )
    return lines


def _blocks(rng: random.Random, programme: str, year: int, size: int) -> dict:
    codes = [s.code for s in forms.programme(programme, year).subplans]
    if rng.random() < 0.3:
        codes.append(f"{codes[0]}-1")
    return {
        (code, sem): _lines(rng, programme, year, rng.randint(1, size)) for code in codes for sem in Semester
    }


def make_base(path: Path, seed: int) -> Path:
    rng = random.Random(seed)
    programme = "vocational" if seed % 4 == 3 else "senior-high"
    year = rng.choice([109, 110, 112, 113, 114])
    county = rng.choice(COUNTIES)
    authority = rng.choice(AUTHORITIES)
    blocks = _blocks(rng, programme, year, rng.choice([3, 6, 12]))
    if seed % 3 == 2:  # our own template, filled with openpyxl
        try:
            return filled_template(
                path,
                programme=programme,
                academic_year=year,
                subplans=sorted({code for code, _ in blocks}),
                school={"name": TOKEN, "authority": authority, "county": county},
                blocks=blocks,
            )
        except (ValueError, KeyError):  # more lines than the template's rows: fall back to an official file
            pass
    variant = {}
    if seed % 5 == 1:
        variant["typed_subtotals"] = True
    if seed % 7 == 2:
        variant["blank_rows"] = (1,)
    return official_workbook(
        path,
        academic_year=year,
        programme=programme,
        school_title=TOKEN,
        blocks=blocks,
        school_sheet={"學校名稱": TOKEN, "主管機關": authority, "所在縣市": county},
        fingerprint={"form": "youzhi-budget", "programme": programme, "academic_year": year},
        **variant,
    )


def copy_as(base: Path, target: Path, school: str, tag: str) -> None:
    """Copy ``base`` with the school name token and the purposes' token replaced (only the members
    that hold them are touched)."""
    swaps = ((TOKEN.encode(), school.encode()), (PURPOSE_TOKEN.encode(), tag.encode()))
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            for needle, text in swaps:
                data = data.replace(needle, text) if needle in data else data
            out.writestr(item, data)


def generate(folder: Path, n: int, bases: int) -> list[Path]:
    base_dir = folder / "_bases"
    base_dir.mkdir(parents=True)
    made = [make_base(base_dir / f"base{i:02d}.xlsx", i) for i in range(bases)]
    files = []
    for i in range(n):
        group = folder / f"part{i * 4 // n}"  # four sub-folders: part0 is the N/4 subset
        group.mkdir(exist_ok=True)
        target = group / f"school{i:05d}.xlsx"
        copy_as(made[i % bases], target, f"{COUNTIES[i % len(COUNTIES)]}立第{i:04d}高中", f"第{i}校區")
        files.append(target)
    shutil.rmtree(base_dir)
    return files


# ------------------------------------------------------------------ raw read
def raw_read(path: str) -> int:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(path)
    cells = 0
    for name in book.sheet_names:
        cells += sum(len(row) for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    book.close()
    return cells


def raw_rate(files: list[Path], jobs: int) -> tuple[float, float]:
    """(files per second, CPU seconds per file) of plain python-calamine reads."""
    paths = [str(p) for p in files]
    cpu = time.process_time()
    start = time.perf_counter()
    if jobs == 1:
        for path in paths:
            raw_read(path)
        cpu = time.process_time() - cpu
    else:
        before = _cpu_children()
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(raw_read, paths, chunksize=16))
        cpu = _cpu_children() - before
    return len(paths) / (time.perf_counter() - start), cpu / len(paths)


# ------------------------------------------------------------------ batch under a memory sampler
def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc; cheap: only the tree is read)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, frontier = 0, [root]
    while frontier:
        pid = frontier.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * page
        except OSError:
            continue
        frontier.extend(_children(pid))
    return total


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pids(root: int) -> list[int]:
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        found.append(pid)
        frontier.extend(_children(pid))
    return found


def _temp_bytes(root: int, tmp: Path) -> int:
    """Bytes of every file under ``tmp`` that the tree holds open (unlinked spools included) or that
    lies there, each counted once."""
    seen: dict[tuple[int, int], int] = {}
    prefix = str(tmp)
    for pid in _pids(root):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(prefix):
                    st = os.stat(f"/proc/{pid}/fd/{fd}")
                    seen[(st.st_dev, st.st_ino)] = st.st_size
            except OSError:
                continue
    for path in tmp.rglob("*"):
        try:
            st = path.stat()
            seen[(st.st_dev, st.st_ino)] = st.st_size
        except OSError:
            continue
    return sum(seen.values())


def run_batch(folder: Path, jobs: int, out: Path, code: Path = ROOT) -> dict:
    """``youzhi batch`` as a subprocess, with the ``youzhi`` package of ``code`` (a checkout)."""
    command = [sys.executable, "-m", "youzhi.cli", "batch", str(folder), "-o", str(out), "--no-progress"]
    command += ["--jobs", str(jobs), "--force"]
    tmp = Path(tempfile.mkdtemp(prefix="youzhi-bench-tmp-"))
    env = {**os.environ, "TMPDIR": str(tmp)}
    cpu_before = _cpu_children()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=code, stderr=subprocess.PIPE, text=True, env=env)
    peak = disk = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        disk = max(disk, _temp_bytes(process.pid, tmp))
        time.sleep(0.05)
    shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read()
    if process.returncode not in (0, 1):
        raise SystemExit(f"youzhi batch failed ({process.returncode}):\n{stderr}")
    return {
        "seconds": elapsed,
        "cpu": _cpu_children() - cpu_before,
        "peak_tree_mb": peak / 2**20,
        "peak_temp_mb": disk / 2**20,
        "summary": stderr.strip().splitlines()[-1],
    }


def _fastest(repeat: int, step) -> dict:
    """The least disturbed of ``repeat`` runs (the machine may be shared); its memory peak is kept too."""
    runs = [step() for _ in range(max(1, repeat))]
    best = min(runs, key=lambda r: r["seconds"])
    return {
        **best,
        "peak_tree_mb": max(r["peak_tree_mb"] for r in runs),
        "peak_temp_mb": max(r["peak_temp_mb"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--bases", type=int, default=24, help="distinct generated workbooks")
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each step; the fastest is shown")
    parser.add_argument("--corpus", type=Path, help="use the workbooks a --keep run left here (kept)")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also run the batch with the code of this checkout (a git worktree of an earlier commit) "
        "on the same files in the same run: before / after",
    )
    args = parser.parse_args()
    folder = args.corpus or args.keep or Path(tempfile.mkdtemp(prefix="youzhi-bench-"))
    out = None
    try:
        start = time.perf_counter()
        files = sorted(args.corpus.rglob("*.xlsx")) if args.corpus else generate(folder, args.n, args.bases)
        size = sum(p.stat().st_size for p in files) / len(files) / 1024
        took = time.perf_counter() - start
        print(f"{'found' if args.corpus else 'generated'} {len(files)} workbooks (mean {size:.0f} KB) "
              f"in {took:.1f} s; {os.cpu_count()} CPUs, --jobs {args.jobs}")  # fmt: skip
        raw_read(str(files[0]))  # warm the import
        raw1, raw1_cpu = max(raw_rate(files, 1) for _ in range(args.repeat))
        rawj, _ = max(raw_rate(files, args.jobs) for _ in range(args.repeat))
        print(f"raw python-calamine read, all sheets: {raw1:7.1f} files/s (1 process, "
              f"{raw1_cpu * 1000:.2f} ms CPU a file), "
              f"{rawj:7.1f} files/s ({args.jobs} processes)")  # fmt: skip
        out = Path(tempfile.mkdtemp(prefix="youzhi-bench-report-"))  # outside the inputs
        quarter = _fastest(args.repeat, lambda: run_batch(folder / "part0", args.jobs, out / "quarter.xlsx"))
        full = _fastest(args.repeat, lambda: run_batch(folder, args.jobs, out / "full.xlsx"))
        runs = [("N/4", len(files) // 4, quarter), ("N", len(files), full)]
        if args.baseline:  # the same files, the same --jobs, the same run: only the code differs
            before = lambda: run_batch(folder, args.jobs, out / "base.xlsx", args.baseline)  # noqa: E731
            base = _fastest(args.repeat, before)
            runs.append((f"N with {args.baseline.name}", len(files), base))
        for label, count, res in runs:
            rate = count / res["seconds"]
            print(f"youzhi batch {label:>3} = {count:5d} files: {res['seconds']:6.2f} s wall, "
                  f"{rate:7.1f} files/s = {rate / rawj:.2f}× raw at {args.jobs} processes "
                  f"({rate / raw1:.2f}× raw in 1); {res['cpu'] / count * 1000:.2f} ms CPU a file "
                  f"(all processes); peak RSS parent+workers {res['peak_tree_mb']:.0f} MB, "
                  f"peak temp disk {res['peak_temp_mb']:.1f} MB")  # fmt: skip
            cpu = res["cpu"] / count
            print(f"    CPU a file: raw read {raw1_cpu * 1000:.2f} ms ÷ batch {cpu * 1000:.2f} ms = "
                  f"{raw1_cpu / cpu:.2f}× (independent of other load on the machine)")  # fmt: skip
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"largest single process RSS (getrusage children): {largest:.0f} MB")
        print(f"batch's own summary: {full['summary']}")
        print(f"report size: {(out / 'full.xlsx').stat().st_size / 2**20:.1f} MB; "
              f"load average during the run: {os.getloadavg()[0]:.2f}")  # fmt: skip
    finally:
        if not (args.keep or args.corpus):
            shutil.rmtree(folder, ignore_errors=True)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
