"""Turn a file's own columns into the source's canonical, typed columns.

Each canonical column is matched case-insensitively, parsed by its kind, and checked; a row's
`_reason` lists everything wrong with it (null when the row is good). Columns the contract does
not name are kept in `extra` (JSON). Everything here builds one SQL statement: no row-by-row
Python.
"""

from __future__ import annotations

from collections.abc import Mapping

from impact.ingest.raw_file import RawFile, quote_identifier, quote_literal
from impact.ingest.sources import Column, Kind, Source

_TEMPORAL = ("TIMESTAMP", "DATE")
_NUMERIC = ("DECIMAL", "DOUBLE", "FLOAT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT")
_TRUE = "('true', 't', 'yes', 'y', '1')"
_FALSE = "('false', 'f', 'no', 'n', '0')"


Aliases = Mapping[str, str]


def normalized(column: str) -> str:
    """A column name as matched: any case, surrounding spaces and a byte-order mark ignored."""
    return column.strip().lstrip("\ufeff").lower()


def canonical_names(
    source: Source, raw: RawFile, aliases: Aliases | None = None
) -> dict[str, list[str]]:
    """Canonical column -> the file's columns that spell it.

    `aliases` (canonical column -> a file column, from impact.toml) win over a column that
    happens to carry the canonical name, which is then kept in `extra` like any other.
    """
    matches: dict[str, list[str]] = {name: [] for name in source.column_names}
    for actual in raw.column_types:
        if normalized(actual) in matches:
            matches[normalized(actual)].append(actual)
    for name, alias in (aliases or {}).items():
        spelled = [actual for actual in raw.column_types if normalized(actual) == normalized(alias)]
        if spelled:
            matches = {
                key: [a for a in found if a not in spelled] for key, found in matches.items()
            }
            matches[name] = spelled
    return matches


def missing_required(source: Source, raw: RawFile, aliases: Aliases | None = None) -> list[str]:
    matches = canonical_names(source, raw, aliases)
    return [name for name in source.required if not matches[name]]


def typed_value(kind: Kind, column: str, source_type: str) -> str:
    """SQL for one column of the file parsed as `kind`, the way conform parses it."""
    upper = source_type.upper()
    return _typed(kind, _as_text(column, upper), quote_identifier(column), upper)


def conform_sql(source: Source, raw: RawFile, aliases: Aliases | None = None) -> str:
    """SELECT of canonical columns, `extra`, `_row_key`, `_row_number` and `_reason`."""
    matches = canonical_names(source, raw, aliases)
    matched = {actual for spellings in matches.values() for actual in spellings}
    parsed: list[str] = []
    reasons: list[str] = []
    for column in source.columns:
        given, value = _parse(column, matches[column.name], raw.column_types)
        parsed += [f"{given} as {_given(column)}", f"{value} as {quote_identifier(column.name)}"]
        reasons += _checks(column)
    extras = [c for c in raw.column_types if c not in matched]
    return f"""
        select *, {_row_key(source)} as _row_key
        from (
            select
                {", ".join(_stored(column) for column in source.columns)},
                _extra as extra,
                _row_number,
                nullif(concat_ws('; ', {", ".join(reasons)}), '') as _reason
            from (
                select
                    {", ".join(parsed)},
                    {_json_object(extras)} as _extra,
                    _row_number
                from ({raw.select_sql})
            )
        )
    """


def original_row(raw: RawFile, relation: str) -> str:
    """The file's row as read, as JSON text (what a quarantined row keeps), from `relation`.

    Not part of `conform_sql`: only quarantined rows need it, and building it for every row
    costs more than reading the few quarantined ones again.
    """
    return f"{_json_object(list(raw.column_types), f'{relation}.')}::varchar"


def _stored(column: Column) -> str:
    name = quote_identifier(column.name)
    if column.kind is Kind.LIST:
        # An empty list says no more than a missing one: one spelling, so duplicates match.
        return f"case when len({name}) > 0 then {name} end as {name}"
    return name


def _given(column: Column) -> str:
    return quote_identifier(f"_given_{column.name}")


def _parse(column: Column, spellings: list[str], types: dict[str, str]) -> tuple[str, str]:
    """(the value as given, the typed value) for one canonical column.

    The value as given is what the typed value is parsed from: the file's own value when it
    has a fitting type (a timestamp column for a timestamp), else the trimmed text.
    """
    if not spellings:
        return "null::varchar", f"null::{column.kind.sql_type}"
    texts = [_as_text(s, types[s]) for s in spellings]
    text = texts[0] if len(texts) == 1 else f"coalesce({', '.join(texts)})"
    source_type = types[spellings[0]].upper()
    native = quote_identifier(spellings[0]) if len(spellings) == 1 else text
    given = native if _parses_native(column.kind, source_type) else text
    return given, _typed(column.kind, text, native, source_type)


def _as_text(name: str, source_type: str) -> str:
    ref = quote_identifier(name)
    raw_text = f"json_extract_string({ref}, '$')" if source_type == "JSON" else f"{ref}::varchar"
    return f"nullif({_trimmed(raw_text)}, '')"


def _trimmed(text: str) -> str:
    """trim(text) (spaces only), without its copy of every value that has none to trim: most
    have none (staging 31 files of 645k events: 19-22 s to 13-14 s)."""
    return (
        f"case when starts_with({text}, ' ') or ends_with({text}, ' ') "
        f"then trim({text}) else {text} end"
    )


def _parses_native(kind: Kind, source_type: str) -> bool:
    """Whether a `kind` value is parsed from a column of `source_type` itself, not its text."""
    if kind is Kind.TIMESTAMP:
        return source_type.startswith(_TEMPORAL)
    if kind in (Kind.DECIMAL, Kind.INTEGER):
        return source_type.startswith(_NUMERIC)
    if kind is Kind.BOOLEAN:
        return source_type == "BOOLEAN"
    return kind is Kind.LIST and source_type.endswith("[]")


def _typed(kind: Kind, text: str, native: str, source_type: str) -> str:
    if kind is Kind.TEXT:
        return text
    from_native = _parses_native(kind, source_type)
    operand = native if from_native else text
    if kind is Kind.TIMESTAMP:
        # Cast through TIMESTAMPTZ so an explicit offset is honoured; no offset means UTC.
        return f"try_cast(try_cast({operand} as timestamptz) as timestamp)"
    if kind in (Kind.DECIMAL, Kind.INTEGER):
        return f"try_cast({operand} as {kind.sql_type})"
    if kind is Kind.BOOLEAN:
        if from_native:
            return native
        return (
            f"case when lower({text}) in {_TRUE} then true "
            f"when lower({text}) in {_FALSE} then false end"
        )
    if from_native:
        return f"try_cast({native} as varchar[])"
    # A JSON array as text, else whitespace-separated words (how Zendesk exports tags).
    return (
        f"case when {text} like '[%' then try_cast(try_cast({text} as json) as varchar[]) "
        f"else string_split_regex({text}, '\\s+') end"
    )


def _checks(column: Column) -> list[str]:
    value, given, name = quote_identifier(column.name), _given(column), column.name
    checks = []
    if column.required:
        checks.append(f"case when {given} is null then 'missing {name}' end")
    if column.kind is not Kind.TEXT:
        kind = column.kind.name.lower()
        # Made text only here, for the few invalid values: formatting every timestamp of a
        # file as text would cost more than parsing it.
        text = f"nullif(trim({given}::varchar), '')"
        checks.append(
            f"case when {given} is not null and {value} is null then "
            f"'invalid {kind} in {name}: ' || left({text}, 60) end"
        )
    if column.non_negative:
        checks.append(f"case when {value} < 0 then '{name} must be >= 0' end")
    return checks


def _json_object(columns: list[str], qualifier: str = "") -> str:
    if not columns:
        return "null::json"
    pairs = ", ".join(f"{quote_literal(c)}, {qualifier}{quote_identifier(c)}" for c in columns)
    return f"json_object({pairs})"


def _row_key(source: Source) -> str:
    """What makes two rows the same row: the source's identity, else the whole content."""
    fields = ", ".join(
        f"{quote_identifier(c)} := {quote_identifier(c)}" for c in source.column_names
    )
    content = f"md5(to_json(struct_pack({fields}, extra := extra))::varchar)"
    if source.identity_column is None:
        return content
    identity = quote_identifier(source.identity_column)
    return f"case when {identity} is not null then 'id:' || {identity} else {content} end"
