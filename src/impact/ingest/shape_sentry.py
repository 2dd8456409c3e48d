"""Sentry events as error events: the event JSON, one event per file, per line, or an array.

Tags come as an object (the SDK's payload) or as `[key, value]` pairs (the event JSON Sentry
shows and exports); `[sentry]` settings name the tags that hold the account, the service and
the error code.
"""

from __future__ import annotations

from impact.config import Exports
from impact.ingest.raw_file import RawFile, quote_literal
from impact.ingest.reshape import Columns, VendorShape, reshape, sql_template

_SQL = sql_template(__file__, "shape_sentry_event.sql")
_OUTPUTS = {
    "occurred_at": "VARCHAR",
    "account_id": "VARCHAR",
    "service": "VARCHAR",
    "error_code": "VARCHAR",
    "message": "VARCHAR",
    "release": "VARCHAR",
    "endpoint": "VARCHAR",
    "http_status": "VARCHAR",
    "user_id": "VARCHAR",
    "trace_id": "VARCHAR",
}
_READS = (
    "timestamp",
    "datetime",
    "logentry",
    "message",
    "exception",
    "release",
    "transaction",
    "contexts",
    "user",
    "tags",
)


def _is_event(columns: Columns) -> bool:
    return (
        columns.has("event_id")
        and (columns.has("timestamp") or columns.has("datetime"))
        and any(columns.has(key) for key in ("exception", "logentry", "platform", "sdk"))
        and columns.all_json()
    )


def _event(columns: Columns, exports: Exports) -> RawFile:
    settings = exports.sentry
    refs = {name: columns.ref(name) for name in _READS}
    return reshape(
        columns,
        _SQL,
        _OUTPUTS,
        reads=_READS,
        consumed=("timestamp", "datetime", "transaction"),
        occurred_at=_occurred_at(refs["timestamp"], refs["datetime"]),
        account_id=_tag(settings.account_tag),
        service=_tag(settings.service_tag),
        error_code=_tag(settings.error_code_tag),
        http_status=_tag("http.status_code"),
        **refs,
    )


def _occurred_at(timestamp: str, datetime: str) -> str:
    """`timestamp` is seconds since the epoch or RFC 3339 text; `datetime` is the latter."""
    return (
        f"case when json_type({timestamp}) in ('DOUBLE', 'UBIGINT', 'BIGINT') "
        f"then make_timestamp((json_extract({timestamp}, '$')::double * 1e6)::bigint)::varchar "
        f"else coalesce(json_extract_string({timestamp}, '$'), "
        f"json_extract_string({datetime}, '$')) end"
    )


def _tag(key: str) -> str:
    return f"list_filter(_tags, lambda t: t.k = {quote_literal(key)})[1].v"


SENTRY_EVENT = VendorShape(
    name="sentry_event",
    source="error_events",
    label="a Sentry event export",
    json_only=True,
    matches=_is_event,
    build=_event,
)
