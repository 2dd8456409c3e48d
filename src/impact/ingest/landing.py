"""The landing zone: files dropped per source, found by content hash, loaded once."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from impact.config import Exports
from impact.errors import InputError
from impact.ingest.loader import READERS, FileLoad, file_hash, landed_hashes, load_files
from impact.ingest.schema import ensure_schema
from impact.ingest.shapes import shape_source
from impact.ingest.sources import SOURCES


def landed_files(landing: Path) -> list[tuple[Path, str]]:
    """Every file in landing/<source>/ with its source, hidden files aside."""
    return [
        (path, source)
        for source in SOURCES
        for path in sorted((landing / source).rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    ]


def pending_files(con: duckdb.DuckDBPyConnection, landing: Path) -> list[tuple[Path, str]]:
    """Landed files the ledger has no row for (by source, file name and content), oldest first.

    A copy of an already loaded file under another name is pending too: loading it records
    every row as a duplicate, so the ledger accounts for every delivered file. Names, not full
    paths, so a home that was moved or copied is not read again. Only new files are read for
    their hash (landed_hashes).
    """
    seen = {
        (source, Path(path).name, digest)
        for source, path, digest in con.execute(
            "select source, path, file_hash from ingest.files"
        ).fetchall()
    }
    landed = landed_files(landing)
    found = [
        (path, source)
        for (path, source), digest in zip(landed, landed_hashes(con, landed), strict=True)
        if (source, path.name, digest) not in seen
    ]
    return sorted(found, key=lambda item: (item[0].stat().st_mtime, str(item[0])))


def ingest_pending(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    quarantine: Path,
    exports: Exports | None = None,
) -> list[FileLoad]:
    ensure_schema(con)
    return ingest_files(con, pending_files(con, landing), quarantine, exports)


def ingest_files(
    con: duckdb.DuckDBPyConnection,
    files: list[tuple[Path, str]],
    quarantine: Path,
    exports: Exports | None = None,
    shape: str | None = None,
) -> list[FileLoad]:
    """Load each (path, source), in order within a source; `shape` forces how they are read
    (default: by content). The loads are returned in the order of `files`."""
    ensure_schema(con)
    loads: dict[int, FileLoad] = {}
    for source in dict.fromkeys(source for _, source in files):
        positions = [i for i, (_, of_source) in enumerate(files) if of_source == source]
        paths = [files[i][0] for i in positions]
        loaded = load_files(con, paths, SOURCES[source], quarantine, exports, shape)
        loads.update(zip(positions, loaded, strict=True))
    return [loads[i] for i in range(len(files))]


def land(
    paths: list[Path], landing: Path, source: str | None, shape: str | None = None
) -> list[tuple[Path, str]]:
    """Copy files (or the files in folders) into landing/<source>/, never overwriting.

    The source is `source`, else the one a vendor `shape` reads, else the file's folder name.
    """
    implied = shape_source(shape)
    if source and implied and source != implied:
        raise InputError(f"--shape {shape} reads {implied}, not {source}: drop --source")
    landed = []
    for path in _expand(paths):
        name = source or implied or path.parent.name
        if name not in SOURCES:
            raise InputError(
                f"{path}: cannot tell its source from folder '{path.parent.name}'; "
                f"pass --source ({', '.join(SOURCES)})"
            )
        if path.suffix.lower() not in READERS:
            raise InputError(f"{path}: unsupported file type (use {', '.join(sorted(READERS))})")
        landed.append((_copy_in(path, landing / name), name))
    return landed


def _expand(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            files += [
                p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(".")
            ]
        else:
            files.append(path)
    return files


def _copy_in(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.resolve() == path.resolve():
        return target
    if target.exists():
        if file_hash(target) == file_hash(path):
            return target
        # Never overwrite a landed file: it is the record of what was delivered.
        target = folder / f"{path.stem}.{file_hash(path)[:12]}{path.suffix}"
    shutil.copy2(path, target)
    return target
