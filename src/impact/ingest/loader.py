"""Load one landed file into its raw table, all or nothing, and record it in the ledger.

Every row read ends up in exactly one place: the raw table (loaded), ingest.quarantine (with a
reason), or nowhere because an identical row is already loaded (duplicate). The ledger row says
how many went where: rows_read = rows_loaded + rows_quarantined + rows_duplicate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from impact.config import Exports
from impact.errors import InputError
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


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: Source,
    quarantine: Path,
    exports: Exports | None = None,
    shape: str | None = None,
) -> FileLoad:
    """Load `path` as `source`; a file that cannot be read is recorded as rejected, not raised.

    `exports` says how vendor exports and mapped files become canonical columns; `shape`
    forces a shape instead of detecting it. Quarantined rows are also written to
    `quarantine/<source>/<file>.<hash>.csv` for people.
    """
    [digest] = landed_hashes(con, [(path, source.name)])
    earlier = con.execute(
        "select rows_read from ingest.files where file_hash = ? and source = ? "
        "and status = 'loaded' limit 1",
        [digest, source.name],
    ).fetchone()
    if earlier is not None:
        # The same bytes again: every row is a duplicate of a row already loaded.
        return _record(
            con,
            FileLoad(
                str(path), source.name, digest, "duplicate_file", earlier[0], 0, 0, earlier[0]
            ),
        )
    con.execute("begin transaction")
    try:
        result = _load(con, path, source, digest, exports or Exports(), shape)
    except (duckdb.Error, InputError) as exc:
        con.execute("rollback")
        message = exc.args[0] if isinstance(exc, InputError) else _reader_error(path, exc)
        return _record(
            con, FileLoad(str(path), source.name, digest, "rejected", 0, 0, 0, 0, message)
        )
    con.execute("commit")
    if result.rows_quarantined:
        _write_quarantine_file(con, result, quarantine / source.name)
    return result


def _load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: Source,
    digest: str,
    exports: Exports,
    shape: str | None,
) -> FileLoad:
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
    con.execute(f"create temp table _incoming as {conform_sql(source, raw, shaped.aliases)}")
    if source.name == "defects":
        _reject_invalid_patterns(con)
    good, bad = _one(
        con,
        "select count(*) filter (_reason is null), count(*) filter (_reason is not null) "
        "from _incoming",
    )
    (loaded,) = _one(con, _insert_loaded(source), [digest, load_seq])
    if bad:  # Only then is the file read again, for the content of its bad rows.
        con.execute(_insert_quarantined(raw), [load_seq, source.name, str(path)])
    if raw.rejected:
        con.executemany(
            "insert into ingest.quarantine values (?, ?, ?, ?, ?, ?)",
            [
                [load_seq, source.name, str(path), r.row_number, r.reason, r.content]
                for r in raw.rejected
            ],
        )
    # A good row not loaded repeats an earlier one.
    quarantined, duplicate = bad + len(raw.rejected), good - loaded
    _drop_temporaries(con)
    result = FileLoad(
        str(path),
        source.name,
        digest,
        "loaded",
        loaded + quarantined + duplicate,
        loaded,
        quarantined,
        duplicate,
    )
    return _record(con, result, load_seq, file_format)


def _insert_loaded(source: Source) -> str:
    """Insert of the good rows that are new; parameters: the file hash, the load number."""
    columns = ", ".join(quote_identifier(c) for c in source.column_names)
    return f"""
        insert into raw.{source.name} ({columns}, extra, _row_key, _file_hash, _load_seq,
            _row_number)
        select {columns}, extra, _row_key, ?, ?, _row_number
        from _incoming
        where _reason is null
            -- Not a repeat of a good row earlier in the file,
            and _row_number not in (
                select _row_number from _incoming
                where _reason is null
                qualify row_number() over (partition by _row_key order by _row_number) > 1
            )
            -- nor of a row already loaded. Probe the history with this file's keys: the hash
            -- table then holds the file's keys, not every key ever loaded.
            and _row_key not in (
                select _row_key from raw.{source.name}
                where _row_key in (select _row_key from _incoming)
            )
        """


def _insert_quarantined(raw: RawFile) -> str:
    """Insert of the rows with a reason; parameters: the load number, the source, the path.

    Their content is the row as read: the file's rows are read again and matched by number.
    """
    return (
        "insert into ingest.quarantine select ?, ?, ?, _row_number, _incoming._reason, "
        f"{original_row(raw, 'original')} "
        f"from _incoming join ({raw.select_sql}) as original using (_row_number) "
        "where _incoming._reason is not null"
    )


def _reject_invalid_patterns(con: duckdb.DuckDBPyConnection) -> None:
    """A message_pattern DuckDB's regex engine cannot compile would break every later build."""
    patterns = con.execute(
        "select distinct message_pattern from _incoming where message_pattern is not null"
    ).fetchall()
    # Compile on a scratch connection: an error would abort the load's transaction.
    with duckdb.connect() as scratch:
        invalid = [p for (p,) in patterns if not _compiles(scratch, p)]
    for pattern in invalid:
        con.execute(
            "update _incoming set _reason = concat_ws('; ', _reason, "
            "'invalid regular expression in message_pattern') where message_pattern = ?",
            [pattern],
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
