"""Load landed files into their raw tables, each file all or nothing, and record them in the
ledger.

Every row read ends up in exactly one place: the raw table (loaded), ingest.quarantine (with a
reason), or nowhere because an identical row is already loaded (duplicate). The ledger row says
how many went where: rows_read = rows_loaded + rows_quarantined + rows_duplicate.

A source's files are staged one by one in temporary tables (batch_rows, batch_quarantine,
batch_files) and stored together, in one transaction with their ledger rows: one large insert
costs much less than many small ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from impact.config import Exports
from impact.errors import ImpactError, InputError
from impact.ingest.conform import conform_sql, original_row
from impact.ingest.raw_file import RawFile, quote_identifier, quote_literal
from impact.ingest.read_csv import read_csv
from impact.ingest.read_json import read_json, read_json_lines
from impact.ingest.read_parquet import read_parquet
from impact.ingest.shapes import CANONICAL, shape_file
from impact.ingest.sources import Source

Reader = Callable[[duckdb.DuckDBPyConnection, Path, str], RawFile]

READERS: dict[str, tuple[str, Reader]] = {
    ".csv": ("csv", read_csv),
    ".jsonl": ("jsonl", read_json_lines),
    ".ndjson": ("jsonl", read_json_lines),
    ".json": ("json", read_json),
    ".parquet": ("parquet", read_parquet),
}


# Staged rows that are stored together. 31 daily files of 645k events took 70 s stored one by
# one and 53 s stored four at a time, with no gain from larger batches (README, "Performance");
# it also bounds what is staged in memory.
STORE_ROWS = 2_500_000


@dataclass(frozen=True)
class FileLoad:
    """One ledger row: what happened to one delivered file."""

    path: str
    source: str
    file_hash: str
    status: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_duplicate: int
    message: str | None = None


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def landed_hashes(con: duckdb.DuckDBPyConnection, files: list[tuple[Path, str]]) -> list[str]:
    """Each (path, source)'s hash, remembered by source, name, size and modification time
    (ingest.landed_hashes): a file is read for its hash once, when it is new."""
    known = {
        (source, name, size, mtime_ns): digest
        for source, name, size, mtime_ns, digest in con.execute(
            "select source, name, size, mtime_ns, file_hash from ingest.landed_hashes"
        ).fetchall()
    }
    digests, hashed = [], []
    for path, source in files:
        stat = path.stat()
        key = (source, path.name, stat.st_size, stat.st_mtime_ns)
        if key not in known:
            known[key] = file_hash(path)
            hashed.append([*key, known[key]])
        digests.append(known[key])
    if hashed:
        con.executemany("insert into ingest.landed_hashes values (?, ?, ?, ?, ?)", hashed)
    return digests


@dataclass(frozen=True)
class _Staged:
    """A file read into the batch tables; its rows_loaded and rows_duplicate are known once the
    batch is stored."""

    position: int
    load: FileLoad
    load_seq: int
    file_format: str
    good_rows: int


def load_files(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    source: Source,
    quarantine: Path,
    exports: Exports | None = None,
    shape: str | None = None,
) -> list[FileLoad]:
    """Load `paths`, files of `source`, in order; a file that cannot be read is recorded as
    rejected, not raised.

    The result is the same as loading them one by one: a row repeating one of an earlier file
    is a duplicate. `exports` says how vendor exports and mapped files become canonical
    columns; `shape` forces a shape instead of detecting it. Quarantined rows are also written
    to `quarantine/<source>/<file>.<hash>.csv` for people.
    """
    loads: dict[int, FileLoad] = {}
    staged: list[_Staged] = []
    for position, path in enumerate(paths):
        [digest] = landed_hashes(con, [(path, source.name)])
        if any(each.load.file_hash == digest for each in staged):
            # The same bytes as a staged file: store that first, so the ledger knows it.
            loads.update(_store(con, source, staged, quarantine))
            staged = []
        earlier = con.execute(
            "select rows_read from ingest.files where file_hash = ? and source = ? "
            "and status = 'loaded' limit 1",
            [digest, source.name],
        ).fetchone()
        if earlier is not None:
            # The same bytes again: every row is a duplicate of a row already loaded.
            loads[position] = _record(
                con,
                FileLoad(
                    str(path), source.name, digest, "duplicate_file", earlier[0], 0, 0, earlier[0]
                ),
            )
            continue
        # Each file is staged all or nothing: temporary tables roll back too.
        con.execute("begin transaction")
        try:
            file = _stage(con, position, path, source, digest, exports or Exports(), shape)
        except (duckdb.Error, InputError) as exc:
            con.execute("rollback")
            message = exc.args[0] if isinstance(exc, InputError) else _reader_error(path, exc)
            loads[position] = _record(
                con, FileLoad(str(path), source.name, digest, "rejected", 0, 0, 0, 0, message)
            )
            continue
        con.execute("commit")
        staged.append(file)
        if sum(each.good_rows for each in staged) >= STORE_ROWS:
            loads.update(_store(con, source, staged, quarantine))
            staged = []
    loads.update(_store(con, source, staged, quarantine))
    return [loads[position] for position in range(len(paths))]


def _stage(
    con: duckdb.DuckDBPyConnection,
    position: int,
    path: Path,
    source: Source,
    digest: str,
    exports: Exports,
    shape: str | None,
) -> _Staged:
    """Read one file into the batch tables."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise InputError(
            f"{path}: unsupported file type '{suffix or path.name}' "
            f"(use {', '.join(sorted(READERS))})"
        )
    file_format, reader = READERS[suffix]
    (load_seq,) = _one(con, "select nextval('ingest.load_seq')")
    shaped = shape_file(source, reader(con, path, f"_read_{load_seq}"), path, exports, shape)
    raw = shaped.raw
    if shaped.name != CANONICAL:
        # The ledger says which export a file was read as: "json:zendesk_api".
        file_format = f"{file_format}:{shaped.name}"
    conformed = conform_sql(source, raw, shaped.aliases)
    _create_batch_tables(con, conformed)
    con.execute(
        f"insert into batch_rows by name select *, {load_seq} as _load_seq from ({conformed})"
    )
    con.execute("insert into batch_files values (?, ?)", [load_seq, digest])
    if source.name == "defects":
        _reject_invalid_patterns(con, load_seq)
    good, bad = _one(
        con,
        "select count(*) filter (_reason is null), count(*) filter (_reason is not null) "
        "from batch_rows where _load_seq = ?",
        [load_seq],
    )
    if bad:  # Only then is the file read again, for the content of its bad rows.
        con.execute(_insert_quarantined(raw), [load_seq, source.name, str(path), load_seq])
    if raw.rejected:
        con.executemany(
            "insert into batch_quarantine values (?, ?, ?, ?, ?, ?)",
            [
                [load_seq, source.name, str(path), r.row_number, r.reason, r.content]
                for r in raw.rejected
            ],
        )
    _drop_temporaries(con)
    quarantined = bad + len(raw.rejected)
    # Loaded and duplicate rows are counted when the batch is stored.
    load = FileLoad(str(path), source.name, digest, "loaded", good + quarantined, 0, quarantined, 0)
    return _Staged(position, load, load_seq, file_format, good)


def _create_batch_tables(con: duckdb.DuckDBPyConnection, conformed: str) -> None:
    """The staged rows (conformed, with their load), quarantined rows and file hashes."""
    con.execute(
        "create temp table if not exists batch_rows as "
        f"select *, 0::bigint as _load_seq from ({conformed}) limit 0; "
        "create temp table if not exists batch_quarantine as "
        "select * from ingest.quarantine limit 0; "
        "create temp table if not exists batch_files (_load_seq bigint, file_hash varchar)"
    )


def _store(
    con: duckdb.DuckDBPyConnection, source: Source, staged: list[_Staged], quarantine: Path
) -> dict[int, FileLoad]:
    """Insert the staged files' new rows and quarantined rows, and record them in the ledger,
    in one transaction."""
    if not staged:
        return {}
    con.execute("begin transaction")
    try:
        con.execute(_insert_loaded(source))
        con.execute("insert into ingest.quarantine select * from batch_quarantine")
        loaded = dict(
            con.execute(
                f"select _load_seq, count(*) from raw.{source.name} "
                "where _load_seq >= ? group by _load_seq",
                [staged[0].load_seq],
            ).fetchall()
        )
        loads = {}
        for file in staged:
            rows_loaded = loaded.get(file.load_seq, 0)
            load = replace(
                file.load, rows_loaded=rows_loaded, rows_duplicate=file.good_rows - rows_loaded
            )
            loads[file.position] = _record(con, load, file.load_seq, file.file_format)
    except duckdb.Error as exc:
        con.execute("rollback")
        detail = " ".join(str(exc).split())[:200]
        raise ImpactError(
            f"storing {len(staged)} {source.name} file(s) failed, none was recorded: {detail}"
        ) from exc
    con.execute("commit")
    con.execute("drop table batch_rows; drop table batch_quarantine; drop table batch_files")
    for load in loads.values():
        if load.rows_quarantined:
            _write_quarantine_file(con, load, quarantine / source.name)
    return loads


def _insert_loaded(source: Source) -> str:
    """Insert of the batch's good rows that are new."""
    columns = ", ".join(quote_identifier(c) for c in source.column_names)
    return f"""
        insert into raw.{source.name} ({columns}, extra, _row_key, _file_hash, _load_seq,
            _row_number)
        select {columns}, extra, _row_key, batch_files.file_hash, _load_seq, _row_number
        from batch_rows
        inner join batch_files using (_load_seq)
        where _reason is null
            -- Not a repeat of a good row earlier in the batch (in its file or an earlier one).
            -- Only keys that repeat are ranked: counting them is a hash aggregate, ranking every
            -- row a sort (2.6M staged events: 0.4-0.5 s to 0.25-0.4 s).
            and (_load_seq, _row_number) not in (
                select (_load_seq, _row_number) from batch_rows
                where _reason is null
                    and _row_key in (
                        select _row_key from batch_rows
                        where _reason is null
                        group by _row_key
                        having count(*) > 1
                    )
                qualify row_number() over (
                    partition by _row_key order by _load_seq, _row_number
                ) > 1
            )
            -- nor of a row already loaded. Probe the history with the batch's keys: the hash
            -- table then holds the batch's keys, not every key ever loaded.
            and _row_key not in (
                select _row_key from raw.{source.name}
                where _row_key in (select _row_key from batch_rows)
            )
        """


def _insert_quarantined(raw: RawFile) -> str:
    """Insert of a staged file's rows with a reason; parameters: the load number, the source,
    the path, the load number.

    Their content is the row as read: the file's rows are read again and matched by number.
    """
    return (
        "insert into batch_quarantine select ?, ?, ?, _row_number, staged._reason, "
        f"{original_row(raw, 'original')} "
        f"from batch_rows as staged join ({raw.select_sql}) as original using (_row_number) "
        "where staged._load_seq = ? and staged._reason is not null"
    )


def _reject_invalid_patterns(con: duckdb.DuckDBPyConnection, load_seq: int) -> None:
    """A message_pattern DuckDB's regex engine cannot compile would break every later build."""
    patterns = con.execute(
        "select distinct message_pattern from batch_rows "
        "where _load_seq = ? and message_pattern is not null",
        [load_seq],
    ).fetchall()
    # Compile on a scratch connection: an error would abort the load's transaction.
    with duckdb.connect() as scratch:
        invalid = [p for (p,) in patterns if not _compiles(scratch, p)]
    for pattern in invalid:
        con.execute(
            "update batch_rows set _reason = concat_ws('; ', _reason, "
            "'invalid regular expression in message_pattern') "
            "where _load_seq = ? and message_pattern = ?",
            [load_seq, pattern],
        )


def _compiles(con: duckdb.DuckDBPyConnection, pattern: str) -> bool:
    try:
        con.execute("select regexp_matches('', ?)", [pattern]).fetchall()
    except duckdb.Error:
        return False
    return True


def _write_quarantine_file(con: duckdb.DuckDBPyConnection, load: FileLoad, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{Path(load.path).name}.{load.file_hash[:12]}.csv"
    con.execute(
        f"copy (select path as source_file, row_number, reason, row_content "
        f"from ingest.quarantine where path = ? and load_seq = (select max(load_seq) "
        f"from ingest.files where file_hash = ?) order by row_number) "
        f"to {quote_literal(str(target))} (header)",
        [load.path, load.file_hash],
    )


def _drop_temporaries(con: duckdb.DuckDBPyConnection) -> None:
    """Readers stage rows in temp relations; a long session must not pile them up."""
    for name, kind in con.execute(
        "select table_name, table_type from information_schema.tables "
        "where table_catalog = 'temp' and (table_name like '\\_%' escape '\\')"
    ).fetchall():
        con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {quote_identifier(name)}")


def _record(
    con: duckdb.DuckDBPyConnection,
    load: FileLoad,
    load_seq: int | None = None,
    file_format: str | None = None,
) -> FileLoad:
    if load_seq is None:
        (load_seq,) = _one(con, "select nextval('ingest.load_seq')")
    con.execute(
        "insert into ingest.files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_seq,
            load.file_hash,
            load.source,
            load.path,
            file_format,
            load.status,
            load.rows_read,
            load.rows_loaded,
            load.rows_quarantined,
            load.rows_duplicate,
            load.message,
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )
    return load


def _one(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: list[object] | None = None
) -> tuple[int, ...]:
    row = con.execute(sql, parameters or []).fetchone()
    assert row is not None
    return tuple(int(v) for v in row)


def _reader_error(path: Path, exc: duckdb.Error) -> str:
    detail = " ".join(str(exc).split())
    return f"{path}: cannot be read ({detail[:200]})"
