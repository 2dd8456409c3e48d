"""How the daily pipeline scales: 1M, 5M and 20M error events against a plain DuckDB baseline.

    .venv/bin/python bench/pipeline_bench.py [--scales 1M,5M,20M] [--repeat 3]
                                             [--work /tmp/impact-bench]

For each scale (one after the other) it generates the demo month with that many background
error events, one account per 500 events and the generator's 1.25 tickets per account, cached
under WORK/<scale>/data (generation is not measured), then measures, each in a fresh process and
on a settled disk (what earlier steps wrote is synced first) as a scheduled `impact run` would be:

* full: a new home that loads all 31 daily event files and builds, validates and publishes;
* 30 days, then +1 day: a home that loads 30 days, then the daily run after day 31's file
  lands (incremental), with its ratio to the full run;
* baseline: bench/baseline.sql, the same known-defect numbers in one plain DuckDB script;
* assess: `impact assess --defect-id BUG-501` against the full home, as a command (cold), as a
  command while `impact assess-service` runs for the home, and as a second call in a process
  that already ran one (warm).

The full run, the baseline and the new day are each measured `--repeat` times (a full run in a
new home each time, a new day on a fresh copy of the 30-day home, put back at the home's path,
where dbt's saved parse holds): runs of the same code on the same data differ by 10-40% on a
small machine, more than most changes do, so each figure is the median run's, given with the
range of all runs. Per stage it prints seconds, error events per second, peak RSS (VmHWM, reset
before each stage) and CPU seconds, of the run's process and the helper processes it starts
(the build, the audit) together. It checks that the published numbers of every known defect
equal the baseline's, and that the incremental run published exactly what the full run did; a
mismatch exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]
BASELINE_SQL = Path(__file__).with_name("baseline.sql")
IMPACT = Path(sys.executable).with_name("impact")
AS_OF = datetime(2026, 11, 1)  # the demo month's as_of (impact.demo.generator.DEMO_AS_OF)
EVENTS_PER_ACCOUNT = 500
STAGE_NAMES = {
    "ingest_step": "ingest",
    "build_step": "dbt",
    "validate_step": "validation",
    "publish_step": "publish",
    "report_step": "report",
}
# Ticket clusters rank equally central tickets in no fixed order: two full builds of the same
# data can differ there, so they are left out of the incremental = full check.
UNORDERED_TABLES = ("ticket_clusters", "ticket_cluster_members")
# Known-defect numbers the baseline must reproduce exactly (ARR to the cent).
COMPARED = (
    "affected_accounts",
    "repeat_affected_accounts",
    "affected_arr_usd",
    "enterprise_accounts",
    "strategic_accounts",
    "event_count",
    "ticket_count",
    "escalated_ticket_count",
    "trend",
    "severity_score",
    "severity_level",
)


@dataclass
class Measured:
    """One measured process: its wall time, and its stages when it is a pipeline run."""

    seconds: float
    stages: list[dict[str, Any]] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def startup(self) -> float:
        return self.seconds - sum(stage["seconds"] for stage in self.stages)


@dataclass
class Repeated:
    """The same measurement taken several times; its median run stands for it."""

    runs: list[Measured]

    @property
    def median(self) -> Measured:
        """The run with the median time (the lower middle one of an even number)."""
        return sorted(self.runs, key=lambda run: run.seconds)[(len(self.runs) - 1) // 2]

    @property
    def seconds(self) -> float:
        return self.median.seconds

    @property
    def peak_rss_mb(self) -> float:
        return max(run.peak_rss_mb for run in self.runs)

    def cell(self) -> str:
        """Seconds of the median run, and the range of all runs when there are several."""
        times = sorted(run.seconds for run in self.runs)
        spread = f" ({times[0]:.1f}-{times[-1]:.1f})" if len(times) > 1 else ""
        return f"{self.seconds:.1f} s{spread}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1M,5M,20M", help="comma-separated, e.g. 1M,5M")
    parser.add_argument("--work", type=Path, default=Path("/tmp/impact-bench"))
    parser.add_argument("--skip-incremental", action="store_true", help="no 30 days + 1 day")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the full run, baseline and new day"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        raise SystemExit("--repeat: at least 1")
    scales = [(label, _parse_scale(label)) for label in args.scales.split(",") if label]
    _say(_machine())
    summary, ok = [], True
    for label, events in scales:
        row, scale_ok = bench_scale(
            args.work / label, label, events, not args.skip_incremental, args.repeat
        )
        summary.append(row)
        ok = ok and scale_ok
    _say("\n" + _markdown(summary))
    return 0 if ok else 1


def bench_scale(
    work: Path, label: str, events: int, incremental: bool, repeat: int
) -> tuple[dict, bool]:
    accounts = max(50, events // EVENTS_PER_ACCOUNT)
    _say(f"\n== {label}: {events:,} background error events, {accounts:,} accounts ==")
    data = generate(work / "data", events, accounts)
    day_files = sorted((data / "error_events").glob("*.parquet"))
    total_events = _count_events(data)
    _say(f"data: {data} ({total_events:,} error event rows in {len(day_files)} daily files)")

    full_home = work / "full"
    full = repeated_runs(
        "full run (31 days at once)",
        total_events,
        lambda: _fresh_home(full_home, data, day_files),
        repeat,
    )
    ok = True

    base = Repeated([baseline(data) for _ in range(repeat)])
    _say(
        f"baseline (bench/baseline.sql, plain DuckDB): {base.cell()}, "
        f"peak RSS {base.peak_rss_mb:,.0f} MB; pipeline / baseline = "
        f"{full.seconds / base.seconds:.2f}x"
    )
    mismatches = compare_with_baseline(full_home, base.median.detail["rows"])
    ok = ok and not mismatches
    _say(
        "check: published known defects = baseline "
        + ("ok" if not mismatches else "MISMATCH\n  " + "\n  ".join(mismatches))
    )

    daily: Repeated | None = None
    if incremental:
        home = _fresh_home(work / "incremental", data, day_files[:-1])
        print_run("30 days", measure_run(home), total_events - _count_events(data, day_files[-1:]))
        # Each new day runs on a copy of this home put back at its path: dbt's saved parse
        # holds for a home where it was made, as in a scheduled run.
        thirty_days = _copy(home, work / "30days")

        def next_day() -> Path:
            _copy(thirty_days, home)
            os.link(day_files[-1], home / "landing" / "error_events" / day_files[-1].name)
            return home

        daily = repeated_runs(
            "+1 day on 30 days (incremental)",
            _count_events(data, day_files[-1:]),
            next_day,
            repeat,
        )
        _say(f"incremental / full = {daily.seconds / full.seconds:.1%} (median runs)")
        differences = compare_published(home, full_home)
        ok = ok and not differences
        _say(
            "check: incremental run published the same tables as the full run "
            + ("ok" if not differences else "MISMATCH\n  " + "\n  ".join(differences))
        )

    assess = assess_latency(full_home)
    _say(
        f"impact assess --defect-id BUG-501: {assess['alone']:.1f} s as a command; with "
        f"`impact assess-service` running {assess['served_first']:.1f} s the first time, then "
        f"{assess['served']:.1f} s; {assess['warm']:.1f} s as a second call in one process"
    )
    return {
        "scale": label,
        "events": total_events,
        "full": full,
        "baseline": base,
        "daily": daily,
        "assess": assess,
    }, ok


def generate(folder: Path, events: int, accounts: int) -> Path:
    """The demo landing files for one scale, generated once and reused while the generator and
    its knobs are unchanged."""
    landing = folder / "landing"
    stamp = folder / "stamp.json"
    knobs = {
        "seed": 7,
        "accounts": accounts,
        "background_events": events,
        "code": _generator_hash(),
    }
    if stamp.exists() and json.loads(stamp.read_text()) == knobs:
        return landing
    from impact.demo.generator import generate_demo

    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    _say(f"generating {events:,} events into {landing} (not measured) ...")
    generate_demo(landing, seed=7, accounts=accounts, background_events=events)
    stamp.write_text(json.dumps(knobs))
    _say(f"generated in {time.perf_counter() - started:.0f} s")
    return landing


def repeated_runs(title: str, events: int, prepare: Callable[[], Path], repeat: int) -> Repeated:
    """`repeat` daily runs, each in the home `prepare` makes; prints each run's stages in a
    line, and the median run's in full."""
    _say(f"{title}: running {repeat} time(s) ...")
    runs = []
    for number in range(1, repeat + 1):
        measured = measure_run(prepare())
        stages = ", ".join(f"{s['stage']} {s['seconds']:.1f}" for s in measured.stages)
        _say(f"  run {number}: {measured.seconds:.1f} s ({stages})")
        runs.append(measured)
    repeated = Repeated(runs)
    print_run(f"  the median run of {repeat}", repeated.median, events)
    return repeated


def measure_run(home: Path) -> Measured:
    """One daily run in a fresh process."""
    _settle_disk()
    started = time.perf_counter()
    output = _child(["run", str(home)])
    measured = Measured(time.perf_counter() - started, output["stages"], detail=output)
    measured.peak_rss_mb = max(stage["peak_rss_mb"] for stage in measured.stages)
    return measured


def print_run(title: str, measured: Measured, events: int) -> None:
    """A run's stages: seconds, events per second, peak RSS, CPU; and its slowest dbt nodes."""
    _say(f"{title}:")
    _say(f"  {'stage':<12}{'seconds':>9}{'events/s':>14}{'peak RSS MB':>14}{'CPU s':>9}")
    _say(f"  {'start-up':<12}{measured.startup:>9.1f}")
    for stage in measured.stages:
        rate = events / stage["seconds"] if stage["seconds"] else 0
        _say(
            f"  {stage['stage']:<12}{stage['seconds']:>9.1f}{rate:>14,.0f}"
            f"{stage['peak_rss_mb']:>14,.0f}{stage['cpu_seconds']:>9.1f}"
        )
    _say(f"  {'end to end':<12}{measured.seconds:>9.1f}{events / measured.seconds:>14,.0f}")
    slowest = ", ".join(
        f"{name} {seconds:.1f} s" for name, seconds in measured.detail["slowest_nodes"]
    )
    _say(f"  slowest dbt nodes: {slowest}")


def baseline(landing: Path) -> Measured:
    _settle_disk()
    started = time.perf_counter()
    output = _child(["baseline", str(landing)])
    return Measured(time.perf_counter() - started, peak_rss_mb=output["peak_rss_mb"], detail=output)


def assess_latency(home: Path) -> dict[str, float]:
    """Seconds of `impact assess`: alone, with the assessment service running, and warm."""
    command = [str(IMPACT), "assess", "--home", str(home), "--defect-id", "BUG-501"]
    command += ["--as-of", AS_OF.isoformat(), "--format", "json"]

    def timed() -> float:
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=_environment())
        return time.perf_counter() - started

    _settle_disk()
    seconds = {"alone": timed()}
    service = subprocess.Popen(
        [str(IMPACT), "assess-service", "--home", str(home)],
        stdout=subprocess.PIPE,
        text=True,
        env=_environment(),
    )
    try:
        assert service.stdout is not None
        service.stdout.readline()  # "assessing for ...": it is listening
        seconds["served_first"] = timed()
        seconds["served"] = timed()
    finally:
        service.terminate()
        service.wait(timeout=60)
    seconds["warm"] = _child(["assess", str(home)])["seconds"]
    return seconds


def compare_with_baseline(home: Path, expected: list[dict[str, Any]]) -> list[str]:
    """Every difference between the published known defects and the baseline's rows."""
    columns = ", ".join(("defect_id", *COMPARED))
    with duckdb.connect() as con:
        published = {
            row[0]: dict(zip(("defect_id", *COMPARED), row, strict=True))
            for row in con.execute(
                f"select {columns} from read_parquet(?) where source = 'known'",
                [str(home / "published" / "current" / "hotfix_priority.parquet")],
            ).fetchall()
        }
    problems = []
    if sorted(published) != sorted(row["defect_id"] for row in expected):
        problems.append(f"defects differ: {sorted(published)}")
    for row in expected:
        got = published.get(row["defect_id"], {})
        for column in COMPARED:
            if not _same(got.get(column), row[column]):
                problems.append(
                    f"{row['defect_id']}.{column}: pipeline {got.get(column)!r}, "
                    f"baseline {row[column]!r}"
                )
    return problems


def compare_published(home: Path, reference: Path) -> list[str]:
    """Tables whose rows differ between two homes' published snapshots (run ids aside)."""
    problems = []
    ours = home / "published" / "current"
    with duckdb.connect() as con:
        for theirs in sorted((reference / "published" / "current").glob("*.parquet")):
            if theirs.stem in UNORDERED_TABLES:
                continue
            mine = ours / theirs.name
            if not mine.exists():
                problems.append(f"{theirs.name}: missing")
                continue
            names = [
                r[0]
                for r in con.execute(
                    "describe select * from read_parquet(?)", [str(mine)]
                ).fetchall()
            ]
            kept = ", ".join(f'"{n}"' for n in names if n != "run_id")
            (differing,) = con.execute(
                f"select count(*) from ((select {kept} from read_parquet(?) except all "
                f"select {kept} from read_parquet(?)) union all (select {kept} from "
                f"read_parquet(?) except all select {kept} from read_parquet(?)))",
                [str(mine), str(theirs), str(theirs), str(mine)],
            ).fetchone() or (0,)
            if differing:
                problems.append(f"{theirs.name}: {differing} rows differ")
    return problems


def _settle_disk() -> None:
    """Write out what earlier steps left in the page cache before a measured step starts.

    A scheduled run starts on a settled disk. Right after the 30-day run had written its 3.6 GB
    warehouse, the new day's first commits waited for those pages (its ingestion at 20M:
    7.8-10.5 s instead of 5.7-6.6 s).
    """
    os.sync()


# --- child processes: each measurement runs in a process of its own -------------------------


def _child(arguments: list[str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", *arguments],
        capture_output=True,
        text=True,
        env=_environment(),
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _child_main(arguments: list[str]) -> None:
    kind, target = arguments
    if kind == "run":
        print(json.dumps(_run_stages(Path(target))))
    elif kind == "baseline":
        print(json.dumps(_run_baseline(Path(target)), default=_plain))
    elif kind == "assess":
        print(json.dumps(_run_assess_twice(Path(target))))


def _run_stages(home: Path) -> dict[str, Any]:
    from impact import build_process, helper_process, pipeline
    from impact.config import load_settings
    from impact.locking import writer_lock
    from impact.transform import DbtNodeResult

    # Keep the build's dbt nodes, to show where dbt's time goes.
    nodes: list[DbtNodeResult] = []
    build = build_process.build

    def recording(settings: Any, *arguments: str) -> list[DbtNodeResult]:
        result = build(settings, *arguments)
        nodes.extend(result)
        return result

    # A helper process the run ends (the build's) counts with what it used until then.
    close = helper_process.close

    def measured_close(process: subprocess.Popen[bytes]) -> None:
        _closed[process.pid] = (_cpu_of(process.pid), _peak_mb_of(process.pid))
        close(process)

    build_process.build = recording  # type: ignore[assignment]
    helper_process.close = measured_close  # type: ignore[assignment]
    settings = load_settings(home)
    run = pipeline.new_run(AS_OF)
    stages = []
    with writer_lock(settings.warehouse):
        for step in pipeline.DAILY_STEPS:
            _reset_peak_rss()
            started, cpu = time.perf_counter(), _cpu_seconds()
            run = step(settings, run)
            stages.append(
                {
                    "stage": STAGE_NAMES.get(step.__name__, step.__name__),
                    "seconds": time.perf_counter() - started,
                    "cpu_seconds": sum(
                        seconds - cpu.get(pid, 0.0) for pid, seconds in _cpu_seconds().items()
                    ),
                    "peak_rss_mb": _peak_rss_mb(),
                }
            )
    slowest = sorted(nodes, key=lambda node: -node.seconds)[:6]
    return {
        "stages": stages,
        "slowest_nodes": [[_node_name(node.unique_id), node.seconds] for node in slowest],
    }


def _node_name(unique_id: str) -> str:
    kind, _, name = unique_id.split(".")[:3]
    return name if kind == "model" else f"{kind} {name}"


def _run_baseline(landing: Path) -> dict[str, Any]:
    con = duckdb.connect()
    con.execute("set variable landing = ?", [str(landing)])
    con.execute("set variable as_of = ?::timestamp", [AS_OF])
    cursor = con.execute(BASELINE_SQL.read_text())
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {"rows": rows, "peak_rss_mb": _peak_rss_mb()}


def _run_assess_twice(home: Path) -> dict[str, Any]:
    from impact.assess import DefectDefinition, assess
    from impact.config import load_settings

    settings = load_settings(home)
    assess(settings, DefectDefinition("BUG-501"), AS_OF)
    started = time.perf_counter()
    assess(settings, DefectDefinition("BUG-501"), AS_OF)
    return {"seconds": time.perf_counter() - started}


# Helper processes the run ended: their CPU seconds and peak RSS (MB) just before.
_closed: dict[int, tuple[float, float]] = {}


def _processes() -> list[int]:
    """This process and its children (the helper processes): a stage's CPU time and peak
    memory are theirs together."""
    me, children = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == me:
                children.append(int(stat.parent.name))
    return [me, *children]


def _cpu_seconds() -> dict[int, float]:
    """CPU seconds used so far by each of `_processes()` and the helper processes ended."""
    used = {pid: cpu for pid, (cpu, _) in _closed.items()}
    for pid in _processes():
        with contextlib.suppress(OSError):
            used[pid] = _cpu_of(pid)
    return used or {os.getpid(): time.process_time()}


def _cpu_of(pid: int) -> float:
    """Linux: user + system time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reset_peak_rss() -> None:
    """Linux: writing 5 to clear_refs resets VmHWM, so each stage reports its own peak."""
    _closed.clear()
    for pid in _processes():
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def _peak_rss_mb() -> float:
    """The sum of the peaks of `_processes()` and the helper processes ended meanwhile: an
    upper bound of their peak together."""
    peaks = [peak for _, peak in _closed.values()]
    for pid in _processes():
        with contextlib.suppress(OSError):
            peaks.append(_peak_mb_of(pid))
    return sum(peaks) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mb_of(pid: int) -> float:
    match = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else 0.0


# --- helpers ---------------------------------------------------------------------------------


def _fresh_home(home: Path, data: Path, day_files: list[Path]) -> Path:
    """A new home whose landing zone holds the fixed files and the given days (hard links)."""
    shutil.rmtree(home, ignore_errors=True)
    for path in sorted(data.rglob("*")):
        if path.is_file() and path.parent != data and path.suffix != ".parquet":
            target = home / "landing" / path.relative_to(data)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
    events = home / "landing" / "error_events"
    events.mkdir(parents=True, exist_ok=True)
    for path in day_files:
        os.link(path, events / path.name)
    return home


def _copy(home: Path, to: Path) -> Path:
    """`to` made a copy of `home` (files, times and modes)."""
    shutil.rmtree(to, ignore_errors=True)
    subprocess.run(["cp", "-a", str(home), str(to)], check=True)
    return to


def _count_events(data: Path, files: list[Path] | None = None) -> int:
    paths = [str(p) for p in files] if files else [str(data / "error_events" / "*.parquet")]
    with duckdb.connect() as con:
        row = con.execute("select count(*) from read_parquet(?)", [paths]).fetchone()
    return int(row[0]) if row else 0


def _plain(value: Any) -> Any:
    """JSON for the values DuckDB returns: decimals as numbers, anything else as text."""
    return float(value) if isinstance(value, Decimal) else str(value)


def _same(got: Any, expected: Any) -> bool:
    if isinstance(expected, str) or expected is None:
        return bool(got == expected)
    return got is not None and abs(float(got) - float(expected)) < 0.005


def _generator_hash() -> str:
    digest = hashlib.sha256()
    demo = ROOT / "src" / "impact" / "demo"
    for path in sorted([demo / "generator.py", *demo.glob("sql/*.sql")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _parse_scale(label: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", label.strip())
    if not match:
        raise SystemExit(f"--scales: cannot read {label!r} (use e.g. 200k, 1M, 20M)")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def _environment() -> dict[str, str]:
    """The stack runs in-process without Prefect, as `impact run` does without a server."""
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return environment


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    import dbt.version

    return (
        f"machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GB RAM, load average {load}; "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"dbt-core {dbt.version.__version__}"
    )


def _markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| events | full run | baseline | full / baseline | +1 day on 30 | +1 day / full "
        "| assess (command / with service) | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        full, base, daily = row["full"], row["baseline"], row["daily"]
        peak = max(full.peak_rss_mb, daily.peak_rss_mb if daily else 0)
        daily_cells = f"{daily.cell()} | {daily.seconds / full.seconds:.1%}" if daily else "- | -"
        lines.append(
            f"| {row['events'] / 1e6:.1f}M | {full.cell()} | {base.cell()} "
            f"| {full.seconds / base.seconds:.2f}x | {daily_cells} "
            f"| {row['assess']['alone']:.1f} s / {row['assess']['served']:.1f} s "
            f"| {peak / 1024:.1f} GB |"
        )
    return "\n".join(lines)


def _say(text: str) -> None:
    print(text, flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child_main(sys.argv[2:])
        gc.freeze()  # and exit as the `impact` command does (impact.cli.run)
    else:
        sys.exit(main())
