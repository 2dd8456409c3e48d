"""What the vendor shapes share: a file's columns by name, and a shape's SQL template over them.

A shape's template (a .sql file next to its module) selects the canonical columns it derives,
then `{kept}`: every other column of the file, which conform keeps in `extra`, and
`_row_number`. Columns the shape turned into canonical ones one to one are `consumed`, so they
are not kept twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from impact.config import Exports
from impact.ingest.conform import normalized
from impact.ingest.raw_file import RawFile, quote_identifier, quote_literal


class Columns:
    """A file's columns by normalized name (any case), with their DuckDB types."""

    def __init__(self, raw: RawFile) -> None:
        self.raw = raw
        self._actual = {normalized(column): column for column in raw.column_types}

    def has(self, *names: str) -> bool:
        return all(normalized(name) in self._actual for name in names)

    def all_json(self) -> bool:
        return all(kind == "JSON" for kind in self.raw.column_types.values())

    def name(self, name: str) -> str:
        """The file's spelling of a column; a missing one is spelled as asked (see `reshape`)."""
        return self._actual.get(normalized(name), name)

    def ref(self, name: str) -> str:
        return quote_identifier(self.name(name))

    def text(self, name: str) -> str:
        """The column's value as text, whatever its type; null when the file lacks it."""
        if not self.has(name):
            return "null::varchar"
        if self.raw.column_types[self.name(name)] == "JSON":
            return f"json_extract_string({self.ref(name)}, '$')"
        return f"{self.ref(name)}::varchar"


@dataclass(frozen=True)
class VendorShape:
    """A vendor export: how to recognise it and how to turn it into canonical columns."""

    name: str
    source: str
    label: str
    json_only: bool
    matches: Callable[[Columns], bool]
    build: Callable[[Columns, Exports], RawFile]


def sql_template(module_file: str, name: str) -> str:
    return Path(module_file).with_name(name).read_text()


def json_path(*keys: str) -> str:
    """A quoted JSON path literal, each key quoted so dots and odd characters stay in it."""
    return quote_literal("$" + "".join("." + quote_identifier(key) for key in keys))


def reshape(
    columns: Columns,
    template: str,
    outputs: dict[str, str],
    *,
    reads: tuple[str, ...] = (),
    consumed: tuple[str, ...] = (),
    **values: str,
) -> RawFile:
    """Fill `template` with `values`, `{records}` and `{kept}`.

    `outputs` are the canonical columns the template derives (name -> type). `reads` are the
    JSON columns the template refers to: a file without one gets it as null, so one template
    serves every export, whatever keys its records happen to have.
    """
    raw = columns.raw
    padding = "".join(
        f", null::json as {quote_identifier(name)}" for name in reads if not columns.has(name)
    )
    dropped = {normalized(name) for name in (*outputs, *consumed)}
    kept = [column for column in raw.column_types if normalized(column) not in dropped]
    sql = template.format(
        records=f"select *{padding} from ({raw.select_sql})",
        kept=", ".join([*(quote_identifier(column) for column in kept), "_row_number"]),
        **values,
    )
    column_types = {**outputs, **{column: raw.column_types[column] for column in kept}}
    return RawFile(sql, column_types, raw.rejected)
