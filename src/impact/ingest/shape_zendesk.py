"""Zendesk tickets: the Support API's JSON, and the flat ticket table warehouse loaders write.

Escalation and the linked bug key come from the `[zendesk]` settings: a custom field (by id in
the API's `custom_fields`, by column in a flat export), or tags.
"""

from __future__ import annotations

from impact.config import Exports, ZendeskFields
from impact.ingest.conform import typed_value
from impact.ingest.raw_file import RawFile, quote_literal
from impact.ingest.reshape import Columns, VendorShape, reshape, sql_template
from impact.ingest.sources import Kind

_API_SQL = sql_template(__file__, "shape_zendesk_api.sql")
_FLAT_SQL = sql_template(__file__, "shape_zendesk_fivetran.sql")
_OUTPUTS = {
    "ticket_id": "VARCHAR",
    "account_id": "VARCHAR",
    "channel": "VARCHAR",
    "escalated": "BOOLEAN",
    "linked_defect_id": "VARCHAR",
}
# A custom field's value means escalated when it reads as true; any other value (a dropdown's
# "tier_2", an empty field) means not escalated rather than a row to quarantine.
_TRUE = "('true', 't', 'yes', 'y', '1')"


def _is_api(columns: Columns) -> bool:
    return columns.has("id", "created_at", "organization_id", "via") and columns.all_json()


def _is_flat(columns: Columns) -> bool:
    return columns.has("id", "created_at", "organization_id") and (
        columns.has("via_channel") or columns.has("_fivetran_synced")
    )


def _api(columns: Columns, exports: Exports) -> RawFile:
    settings, tags = exports.zendesk, _tags(columns)
    return reshape(
        columns,
        _API_SQL,
        _OUTPUTS,
        reads=("id", "organization_id", "via", "custom_fields"),
        consumed=("id", "organization_id"),
        id=columns.ref("id"),
        organization_id=columns.ref("organization_id"),
        via=columns.ref("via"),
        escalated=_escalated(_field(columns, settings.escalated_field_id), tags, settings),
        linked_defect_id=_linked(_field(columns, settings.linked_defect_field_id), tags, settings),
    )


def _flat(columns: Columns, exports: Exports) -> RawFile:
    settings, tags = exports.zendesk, _tags(columns)
    return reshape(
        columns,
        _FLAT_SQL,
        _OUTPUTS,
        consumed=("id", "organization_id", "via_channel"),
        id=columns.text("id"),
        organization_id=columns.text("organization_id"),
        via_channel=columns.text("via_channel"),
        escalated=_escalated(_column(columns, settings.escalated_column), tags, settings),
        linked_defect_id=_linked(_column(columns, settings.linked_defect_column), tags, settings),
    )


def _tags(columns: Columns) -> str:
    if not columns.has("tags"):
        return "null::varchar[]"
    name = columns.name("tags")
    return typed_value(Kind.LIST, name, columns.raw.column_types[name])


def _field(columns: Columns, field_id: int | None) -> str | None:
    """The value of the API ticket's custom field with this id, as text."""
    if field_id is None:
        return None
    wanted = quote_literal(str(field_id))
    return (
        f"json_extract_string(list_filter(json_extract({columns.ref('custom_fields')}, '$[*]'), "
        f"lambda f: json_extract_string(f, '$.id') = {wanted})[1], '$.value')"
    )


def _column(columns: Columns, name: str | None) -> str | None:
    return None if name is None else columns.text(name)


def _escalated(field_value: str | None, tags: str, settings: ZendeskFields) -> str:
    """Escalated when the field says so (a checkbox, or yes/true/1) or a tag says so."""
    rules = []
    if field_value is not None:
        rules.append(f"coalesce(lower(trim({field_value})) in {_TRUE}, false)")
    if settings.escalated_tags:
        wanted = ", ".join(quote_literal(tag.lower()) for tag in settings.escalated_tags)
        rules.append(
            f"coalesce(list_has_any(list_transform({tags}, lambda t: lower(t)), [{wanted}]), false)"
        )
    return f"({' or '.join(rules)})" if rules else "null::boolean"


def _linked(field_value: str | None, tags: str, settings: ZendeskFields) -> str:
    """The field's bug key, else the first tag with the prefix, upper-cased (bug-501: BUG-501)."""
    candidates = [] if field_value is None else [f"nullif(trim({field_value}), '')"]
    if settings.linked_defect_tag_prefix:
        prefix = quote_literal(settings.linked_defect_tag_prefix.lower())
        candidates.append(
            f"upper(list_filter({tags}, lambda t: starts_with(lower(t), {prefix}))[1])"
        )
    return f"coalesce({', '.join([*candidates, 'null::varchar'])})"


ZENDESK_API = VendorShape(
    name="zendesk_api",
    source="tickets",
    label="a Zendesk Support API tickets export",
    json_only=True,
    matches=_is_api,
    build=_api,
)

ZENDESK_FIVETRAN = VendorShape(
    name="zendesk_fivetran",
    source="tickets",
    label="a flat Zendesk ticket table (Fivetran)",
    json_only=False,
    matches=_is_flat,
    build=_flat,
)
