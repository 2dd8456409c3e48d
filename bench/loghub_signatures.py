"""Measure the error-signature masking macro on Loghub-2k.

Usage: python bench/loghub_signatures.py [FOLDER]

Loads every `*_structured.csv` in FOLDER into DuckDB, compiles `mask_message` through dbt
in-process (so the benchmark runs the pipeline's own SQL, not a copy of it), groups each
system's messages by template, and prints the grouping accuracy (GA) per system, their mean,
and how many lines per second the masking + grouping SQL handles.

GA: a line is correct when the set of lines in its predicted group (same system, same
template) is exactly the set of lines sharing its true `EventId`; GA = correct lines / lines.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEFAULT_FOLDER = REPO_ROOT.parent / "shared/bench/loghub-2k"
SYNTHETIC_LINES = 1_000_000

# dbt-SQL compiled once; it reads `messages(system, content, event_id)`.
TEMPLATED_SQL = """
select
    system,
    event_id,
    {{ mask_message('content') }} as template
from messages
"""

# A line is correct when its (template, event) pair covers both its whole template group and
# its whole event group.
ACCURACY_SQL = """
with

pair_counts as (
    select
        system,
        template,
        event_id,
        count(*) as line_count,
        sum(count(*)) over (partition by system, template) as template_line_count,
        sum(count(*)) over (partition by system, event_id) as event_line_count
    from templated
    group by system, template, event_id
)

select
    system,
    coalesce(
        sum(line_count) filter (
            where line_count = template_line_count and line_count = event_line_count
        ),
        0
    ) / sum(line_count) as grouping_accuracy,
    sum(line_count)::bigint as line_count
from pair_counts
group by system
order by system
"""


@dataclass(frozen=True)
class Throughput:
    line_count: int
    lines_per_second: float


@dataclass(frozen=True)
class Benchmark:
    accuracy: dict[str, float]
    line_counts: dict[str, int]
    throughputs: list[Throughput]

    @property
    def mean_accuracy(self) -> float:
        return sum(self.accuracy.values()) / len(self.accuracy)


class DbtCompileError(RuntimeError):
    """dbt could not compile the masking SQL."""


@contextmanager
def macro_project() -> Iterator[Path]:
    """A throwaway dbt project holding the real project file, profile and macros, no models.

    Compiling a macro should not depend on every model in the project compiling: others edit
    models concurrently. Also keeps dbt's target/, logs/ and warehouse file out of the repo.
    """
    with tempfile.TemporaryDirectory(prefix="impact-signatures-") as scratch:
        project_dir = Path(scratch) / "project"
        project_dir.mkdir()
        for name in ("dbt_project.yml", "profiles.yml"):
            shutil.copy(DBT_PROJECT_DIR / name, project_dir / name)
        shutil.copytree(DBT_PROJECT_DIR / "macros", project_dir / "macros")
        overrides = {
            "IMPACT_WAREHOUSE": str(Path(scratch) / "warehouse.duckdb"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
        }
        saved = {name: os.environ.get(name) for name in overrides}
        os.environ.update(overrides)
        try:
            yield project_dir
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def compile_dbt_sql(inline_sql: str) -> str:
    """Compile a dbt-SQL snippet with the project's macros and return plain SQL."""
    # Imported late: dbt is slow to import and only this function needs it.
    from dbt.artifacts.schemas.run import RunExecutionResult
    from dbt.cli.main import dbtRunner

    with macro_project() as project_dir:
        result = dbtRunner().invoke(
            [
                "compile",
                "--inline",
                inline_sql,
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(project_dir),
                "--target-path",
                str(project_dir / "target"),
                "--log-path",
                str(project_dir / "logs"),
                "--log-level",
                "none",
            ]
        )
    if not result.success or not isinstance(result.result, RunExecutionResult):
        raise DbtCompileError(f"dbt compile failed: {result.exception}")
    compiled_code = getattr(result.result.results[0].node, "compiled_code", None)
    if not isinstance(compiled_code, str):
        raise DbtCompileError("dbt compile returned no SQL for the inline query")
    return compiled_code


def load_messages(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    files = sorted(str(path) for path in folder.glob("*_structured.csv"))
    if not files:
        raise FileNotFoundError(f"no *_structured.csv files in {folder}")
    con.execute(
        """
        create or replace table messages as
        select
            regexp_extract(filename, '([^/]+)_2k\\.log_structured\\.csv$', 1) as system,
            "Content" as content,
            "EventId" as event_id
        from read_csv($files, filename = true, all_varchar = true)
        """,
        {"files": files},
    )


def measure_accuracy(
    con: duckdb.DuckDBPyConnection, templated_sql: str
) -> tuple[dict[str, float], dict[str, int]]:
    con.execute(f"create or replace temp table templated as {templated_sql}")
    rows = con.execute(ACCURACY_SQL).fetchall()
    return (
        {system: float(accuracy) for system, accuracy, _ in rows},
        {system: int(line_count) for system, _, line_count in rows},
    )


def measure_throughput(
    con: duckdb.DuckDBPyConnection, templated_sql: str, line_count: int
) -> Throughput:
    """Masking + grouping speed on `line_count` lines (the corpus repeated), best of 3 runs."""
    con.execute(
        """
        create or replace temp table timed_messages as
        select messages.*
        from messages, range(ceil($lines / (select count(*) from messages))::bigint)
        limit $lines
        """,
        {"lines": line_count},
    )
    assert templated_sql.count("from messages") == 1, "expected one read of `messages`"
    grouping_sql = f"""
        select system, template, count(*) as line_count
        from ({templated_sql.replace("from messages", "from timed_messages")})
        group by system, template
    """
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        con.execute(f"create or replace temp table timed_groups as {grouping_sql}")
        best = min(best, time.perf_counter() - started)
    return Throughput(line_count=line_count, lines_per_second=line_count / best)


def run_benchmark(
    folder: Path = DEFAULT_FOLDER, synthetic_lines: int = SYNTHETIC_LINES
) -> Benchmark:
    templated_sql = compile_dbt_sql(TEMPLATED_SQL)
    con = duckdb.connect()
    load_messages(con, folder)
    accuracy, line_counts = measure_accuracy(con, templated_sql)
    corpus_lines = sum(line_counts.values())
    throughputs = [
        measure_throughput(con, templated_sql, line_count)
        for line_count in (corpus_lines, synthetic_lines)
    ]
    return Benchmark(accuracy=accuracy, line_counts=line_counts, throughputs=throughputs)


def grouping_accuracy(folder: Path = DEFAULT_FOLDER) -> dict[str, float]:
    """GA per system of `mask_message` on the Loghub-2k files in `folder`."""
    con = duckdb.connect()
    load_messages(con, folder)
    accuracy, _ = measure_accuracy(con, compile_dbt_sql(TEMPLATED_SQL))
    return accuracy


def render(benchmark: Benchmark) -> str:
    lines = [f"{'system':<12}{'lines':>8}{'GA':>8}"]
    for system, accuracy in benchmark.accuracy.items():
        lines.append(f"{system:<12}{benchmark.line_counts[system]:>8}{accuracy:>8.4f}")
    total = sum(benchmark.line_counts.values())
    lines.append(f"{'mean':<12}{total:>8}{benchmark.mean_accuracy:>8.4f}")
    lines.append("")
    for throughput in benchmark.throughputs:
        lines.append(
            f"masking + grouping, {throughput.line_count:>9,} lines: "
            f"{throughput.lines_per_second:>9,.0f} lines/s"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER
    print(render(run_benchmark(folder)))
