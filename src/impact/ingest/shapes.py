"""Which shape a file is in, and its rows as columns with canonical names.

A file is `canonical` when it has its source's required columns, under their own names or the
names `[mappings.<source>]` in impact.toml gives them (then it is `mapped`). Otherwise its
content says which vendor export it is: a Zendesk, Jira or Sentry shape turns its columns into
canonical ones in SQL, and conform and the loader treat it like any canonical file. `--shape`
skips the detection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from impact.config import Exports
from impact.errors import InputError
from impact.ingest.conform import missing_required
from impact.ingest.raw_file import RawFile
from impact.ingest.reshape import Columns, VendorShape
from impact.ingest.shape_jira import JIRA_SEARCH
from impact.ingest.shape_sentry import SENTRY_EVENT
from impact.ingest.shape_zendesk import ZENDESK_API, ZENDESK_FIVETRAN
from impact.ingest.sources import Source

CANONICAL = "canonical"
VENDOR_SHAPES = {s.name: s for s in (ZENDESK_API, ZENDESK_FIVETRAN, JIRA_SEARCH, SENTRY_EVENT)}
SHAPE_NAMES = (CANONICAL, *VENDOR_SHAPES)


@dataclass(frozen=True)
class Shaped:
    """A file's rows in its shape: `raw` carries canonical names, or `aliases` maps them."""

    name: str
    raw: RawFile
    aliases: Mapping[str, str]


def shape_source(shape: str | None) -> str | None:
    """The source a vendor shape's rows belong to (None for canonical files)."""
    vendor = VENDOR_SHAPES.get(shape or "")
    return vendor.source if vendor else None


def shape_file(
    source: Source, raw: RawFile, path: Path, exports: Exports, forced: str | None = None
) -> Shaped:
    """The file's rows in the shape `forced` names, else in the shape its content shows."""
    aliases = exports.mapping_for(source.name, path.name)
    columns = Columns(raw)
    if forced in VENDOR_SHAPES:
        return _vendor(VENDOR_SHAPES[forced], source, columns, path, exports)
    missing = missing_required(source, raw, aliases)
    if not missing:
        mapped = any(columns.has(column) for column in aliases.values())
        return Shaped("mapped" if mapped else CANONICAL, raw, aliases)
    if forced is None:
        for vendor in VENDOR_SHAPES.values():
            if vendor.source == source.name and vendor.matches(columns):
                return _vendor(vendor, source, columns, path, exports)
    raise InputError(_unknown_shape(source, columns, path, missing))


def _vendor(
    vendor: VendorShape, source: Source, columns: Columns, path: Path, exports: Exports
) -> Shaped:
    if vendor.source != source.name:
        raise InputError(
            f"{path}: --shape {vendor.name} reads {vendor.source}, not {source.name}; "
            f"pass --source {vendor.source}"
        )
    if vendor.json_only and not columns.all_json():
        raise InputError(f"{path}: --shape {vendor.name} reads JSON exports, not this file")
    return Shaped(vendor.name, vendor.build(columns, exports), {})


def _unknown_shape(source: Source, columns: Columns, path: Path, missing: list[str]) -> str:
    found = ", ".join(columns.raw.column_types) or "none"
    elsewhere = [
        v for v in VENDOR_SHAPES.values() if v.source != source.name and v.matches(columns)
    ]
    if elsewhere:
        vendor = elsewhere[0]
        return (
            f"{path}: looks like {vendor.label}, which holds {vendor.source}, not {source.name}; "
            f"move it to landing/{vendor.source}/ or pass --source {vendor.source}"
        )
    shapes = ", ".join(v.name for v in VENDOR_SHAPES.values() if v.source == source.name)
    return (
        f"{path}: {source.name} file lacks required column(s) {', '.join(missing)} "
        f"(found: {found}); map them in impact.toml, e.g. [mappings.{source.name}] "
        f'{missing[0]} = "<your column>"'
        + (f", or pass --shape ({shapes})" if shapes else "")
        + ", or pass --source if this is another source"
    )
