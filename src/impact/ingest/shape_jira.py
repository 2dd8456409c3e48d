"""Jira issues as defects: the REST search API's JSON (`{"issues": [...]}` pages).

The contract's matching rules come from the `[jira]` settings: labels with a prefix
(`code:EXPORT_EMPTY`, `tag:empty_export`, `service:billing`, `category:data_integrity`), or
custom fields holding error codes, a message pattern or ticket tags.
"""

from __future__ import annotations

from impact.config import Exports
from impact.ingest.raw_file import RawFile, quote_literal
from impact.ingest.reshape import Columns, VendorShape, json_path, reshape, sql_template

_SQL = sql_template(__file__, "shape_jira_search.sql")
_OUTPUTS = {
    "defect_id": "VARCHAR",
    "title": "VARCHAR",
    "status": "VARCHAR",
    "created_at": "VARCHAR",
    "service": "VARCHAR",
    "category": "VARCHAR",
    "error_codes": "VARCHAR[]",
    "message_pattern": "VARCHAR",
    "ticket_tags": "VARCHAR[]",
}


def _is_search(columns: Columns) -> bool:
    return columns.has("key", "fields") and columns.all_json()


def _search(columns: Columns, exports: Exports) -> RawFile:
    settings, fields = exports.jira, columns.ref("fields")
    codes = _labelled(settings.error_code_label_prefix)
    tags = _labelled(settings.ticket_tag_label_prefix)
    return reshape(
        columns,
        _SQL,
        _OUTPUTS,
        reads=("key", "fields"),
        consumed=("key",),
        key=columns.ref("key"),
        fields=fields,
        service=f"{_labelled(settings.service_label_prefix)}[1]",
        category=f"{_labelled(settings.category_label_prefix)}[1]",
        error_codes=_with_field(codes, fields, settings.error_codes_field_id),
        message_pattern=_text_field(fields, settings.pattern_field_id),
        ticket_tags=_with_field(tags, fields, settings.ticket_tags_field_id),
    )


def _labelled(prefix: str) -> str:
    """The issue's labels that start with `prefix`, without it."""
    wanted = quote_literal(prefix.lower())
    return (
        f"list_transform(list_filter(_labels, lambda label: starts_with(lower(label), {wanted})), "
        f"lambda label: substr(label, {len(prefix) + 1}))"
    )


def _text_field(fields: str, field_id: str | None) -> str:
    if field_id is None:
        return "null::varchar"
    return f"nullif(trim(json_extract_string({fields}, {json_path(field_id)})), '')"


def _with_field(labelled: str, fields: str, field_id: str | None) -> str:
    """Labelled values plus a custom field's: a list (labels, options) or a text of words."""
    if field_id is None:
        return labelled
    value = f"json_extract({fields}, {json_path(field_id)})"
    listed = (
        f"case json_type({value}) "
        f"when 'ARRAY' then list_transform(json_extract({value}, '$[*]'), "
        f"lambda v: coalesce(json_extract_string(v, '$.value'), json_extract_string(v, '$'))) "
        f"when 'VARCHAR' then string_split_regex(trim(json_extract_string({value}, '$')), "
        f"'[\\s,]+') end"
    )
    return f"list_filter(list_concat({labelled}, {listed}), lambda v: trim(v) <> '')"


JIRA_SEARCH = VendorShape(
    name="jira_search",
    source="defects",
    label="a Jira search export",
    json_only=True,
    matches=_is_search,
    build=_search,
)
