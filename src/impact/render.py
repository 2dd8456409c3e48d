"""Print rows as a terminal table, JSON, CSV or Markdown (`--format`).

JSON, CSV and Markdown carry every column as it is. The terminal table shows the `Column`s a
command picks, with short headers, numbers right-aligned, ARR as money, long text cut with an
ellipsis and severity levels in colour, so it reads in a 100-160 column terminal.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from impact.warehouse import Row

FORMATS = ("table", "json", "csv", "markdown")

LEVEL_STYLES = {"S1": "bold red", "S2": "bold dark_orange", "S3": "yellow", "S4": "dim"}
STATUS_STYLES = {
    "published": "green",
    "loaded": "green",
    "running": "cyan",
    "duplicate": "dim",
    "new": "red",
    "rising": "red",
    "stopped": "green",
}


@dataclass(frozen=True)
class Column:
    """One column of a terminal table: the row key, its header and how to show its values."""

    key: str
    header: str
    # text | int | number | usd | when | date | level | status
    kind: str = "text"
    max_width: int | None = None
    # A flexible column gives up width first (down to FLEX_MIN), when the table is too wide.
    flex: bool = False
    # An optional column is left out when the table is too wide even then.
    optional: bool = False


FLEX_MIN = 16


def render(
    rows: Sequence[Row],
    fmt: str,
    *,
    title: str | None = None,
    columns: Sequence[Column] | None = None,
    color: bool = False,
    width: int | None = None,
) -> str:
    if fmt == "json":
        return json.dumps(list(rows), indent=2, default=json_default)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _text(v) for k, v in row.items()} for row in rows)
        return out.getvalue()
    if fmt == "markdown":
        return markdown_table(rows)
    return terminal_table(rows, columns, title=title, color=color, width=width)


def markdown_table(rows: Sequence[Row]) -> str:
    if not rows:
        return "_(no rows)_\n"
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = (_text(row[c]).replace("|", "\\|").replace("\n", " ") for c in columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def terminal_table(
    rows: Sequence[Row],
    columns: Sequence[Column] | None = None,
    *,
    title: str | None = None,
    color: bool = False,
    width: int | None = None,
) -> str:
    width = width or terminal_width()
    columns = list(columns or (_guess(key, rows) for key in (rows[0] if rows else {})))
    console = Console(
        width=width,
        record=True,
        file=io.StringIO(),
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )
    if not rows:
        console.print(f"{title or 'result'}: no rows")
        return console.export_text(styles=color)
    cells = {c.key: [_cell(row.get(c.key), c.kind) for row in rows] for c in columns}
    natural = {
        c.key: min(
            max([len(c.header), *(cell.cell_len for cell in cells[c.key])]),
            c.max_width or width,
        )
        for c in columns
    }
    columns, widths = _fit(columns, natural, width)
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        collapse_padding=True,
        show_header=any(c.header for c in columns),
    )
    for column in columns:
        numeric = column.kind in ("int", "number", "usd")
        table.add_column(
            column.header,
            justify="right" if numeric else "left",
            no_wrap=True,
            overflow="ellipsis",
            width=widths[column.key],
        )
    for index in range(len(rows)):
        table.add_row(*(cells[c.key][index] for c in columns))
    console.print(table)
    return _tidy(console.export_text(styles=color))


def _fit(
    columns: list[Column], natural: dict[str, int], width: int
) -> tuple[list[Column], dict[str, int]]:
    """Leave out optional columns (the last first) while the table would not fit `width` even
    with its flexible columns at FLEX_MIN, then shrink the flexible ones to fit. Each column
    costs 2 characters of separator."""

    def total(chosen: list[Column], widths: dict[str, int]) -> int:
        return sum(widths[c.key] + 2 for c in chosen)

    def narrowest(chosen: list[Column]) -> dict[str, int]:
        return {c.key: min(natural[c.key], FLEX_MIN) if c.flex else natural[c.key] for c in chosen}

    chosen = list(columns)
    for column in [c for c in reversed(columns) if c.optional]:
        if total(chosen, narrowest(chosen)) <= width:
            break
        chosen.remove(column)
    widths = dict(natural)
    excess = total(chosen, widths) - width
    for column in (c for c in chosen if c.flex):
        cut = max(0, min(excess, widths[column.key] - FLEX_MIN))
        widths[column.key] -= cut
        excess -= cut
    return chosen, widths


def _tidy(text: str) -> str:
    """No trailing spaces (the console pads every line to its width), no blank last lines."""
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"


def terminal_width() -> int:
    """The terminal's width, kept between 100 and 200 (160 when not a terminal)."""
    return max(100, min(200, shutil.get_terminal_size((160, 40)).columns))


def _guess(key: str, rows: Sequence[Row]) -> Column:
    sample = next((row[key] for row in rows if row.get(key) is not None), None)
    if isinstance(sample, bool):
        return Column(key, key)
    if isinstance(sample, int):
        return Column(key, key, "int")
    if isinstance(sample, float | Decimal):
        return Column(key, key, "number")
    if isinstance(sample, datetime):
        return Column(key, key, "when")
    return Column(key, key, max_width=60, flex=True)


def _cell(value: Any, kind: str) -> Text:
    if value is None:
        return Text("")
    if kind == "int":
        return Text(f"{int(value):,}")
    if kind == "number":
        return Text(f"{float(value):,.1f}")
    if kind == "usd":
        return Text(short_usd(value))
    if kind == "when" and isinstance(value, datetime):
        return Text(value.strftime("%Y-%m-%d %H:%M"))
    if kind == "date" and isinstance(value, datetime | date):
        return Text(value.strftime("%Y-%m-%d"))
    if kind == "level":
        return Text(str(value), style=LEVEL_STYLES.get(str(value), ""))
    if kind == "status":
        return Text(str(value), style=STATUS_STYLES.get(str(value), "yellow"))
    return Text(" ".join(_text(value).split()))


def short_usd(value: Any) -> str:
    amount = float(value or 0)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if amount >= limit:
            return f"${amount / limit:,.2f}{suffix}"
    return f"${amount:,.0f}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, list | dict):
        return json.dumps(value, default=json_default)
    return str(value)


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)
