"""Print rows as a terminal table, JSON, CSV or Markdown (`--format`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from impact.warehouse import Row

FORMATS = ("table", "json", "csv", "markdown")


def render(rows: Sequence[Row], fmt: str, *, title: str | None = None) -> str:
    columns = list(rows[0]) if rows else []
    if fmt == "json":
        return json.dumps(list(rows), indent=2, default=_json_default)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _text(v) for k, v in row.items()} for row in rows)
        return out.getvalue()
    if fmt == "markdown":
        return markdown_table(rows)
    return _rich_table(rows, columns, title)


def markdown_table(rows: Sequence[Row]) -> str:
    if not rows:
        return "_(no rows)_\n"
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = (_text(row[c]).replace("|", "\\|").replace("\n", " ") for c in columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _rich_table(rows: Sequence[Row], columns: list[str], title: str | None) -> str:
    table = Table(title=title, show_lines=False)
    for column in columns:
        numeric = bool(rows) and isinstance(rows[0][column], int | float | Decimal)
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(_text(row[c]) for c in columns))
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(table if rows else f"{title or 'result'}: no rows")
    return console.export_text()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, list | dict):
        return json.dumps(value, default=_json_default)
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)
