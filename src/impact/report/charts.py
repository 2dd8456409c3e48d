"""Charts of a defect's timeline: events and tickets per day, with deploy markers.

matplotlib (Agg) draws the bug report's PNG: no browser needed. plotly draws the HTML report's
interactive charts; the report inlines plotly.js once, so the file opens offline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from impact.warehouse import Row

EVENT_COLOR = "#3b6fb6"
TICKET_COLOR = "#e07b00"
DEPLOY_COLOR = "#8a8f98"
SUSPECT_COLOR = "#c62828"


@dataclass(frozen=True)
class Timeline:
    """One defect's activity per day, every day of the window (zeros included)."""

    days: list[date]
    events: list[int]
    tickets: list[int]
    deploys: list[Row]  # deploy_id, service, version, deployed_at, description
    suspected_deploy_id: str | None

    @property
    def is_empty(self) -> bool:
        return not any(self.events) and not any(self.tickets)


def timeline(
    daily: Sequence[Row],
    deploys: Sequence[Row],
    *,
    as_of: datetime,
    suspected_deploy_id: str | None = None,
    start: date | None = None,
    lead_days: int = 2,
) -> Timeline:
    """Fill the days between the first activity (or `start`) and as_of; keep the deploys in it."""
    by_day = {row["activity_date"]: row for row in daily}
    suspect = [d for d in deploys if d["deploy_id"] == suspected_deploy_id]
    firsts = [*by_day, *(d["deployed_at"].date() for d in suspect)]
    # The last day is the one as_of falls in, unless as_of is that day's first instant.
    today = (as_of - timedelta(microseconds=1)).date()
    first = start or (min(firsts) - timedelta(days=lead_days) if firsts else today)
    last = max([today, *by_day])
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return Timeline(
        days=days,
        events=[int(by_day[d]["event_count"]) if d in by_day else 0 for d in days],
        tickets=[int(by_day[d]["ticket_count"]) if d in by_day else 0 for d in days],
        deploys=[d for d in deploys if first <= d["deployed_at"].date() <= last],
        suspected_deploy_id=suspected_deploy_id,
    )


class DrawTimeline(Protocol):
    """Draws a timeline's PNG: `timeline_png` here, or another process that imported matplotlib
    ahead (`impact.report.timeline_process`)."""

    def __call__(self, line: Timeline, path: Path, *, title: str) -> Path: ...


def load_matplotlib() -> None:
    """Import what `timeline_png` draws with, off-screen (about 0.4 s the first time)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure  # noqa: F401


def timeline_png(line: Timeline, path: Path, *, title: str) -> Path:
    """Events per day as bars, tickets per day as a line, deploys as vertical lines."""
    load_matplotlib()
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 3.8), dpi=120, layout="constrained")
    events_axis = figure.add_subplot()
    days = mdates.date2num(line.days)
    events_axis.bar(days, line.events, width=0.8, color=EVENT_COLOR, label="events")
    events_axis.set_ylabel("events per day", color=EVENT_COLOR)
    events_axis.set_ylim(0, max([*line.events, 1]) * 1.25)
    tickets_axis = events_axis.twinx()
    tickets_axis.plot(
        days, line.tickets, color=TICKET_COLOR, marker="o", markersize=3, linewidth=1.5
    )
    tickets_axis.set_ylabel("tickets per day", color=TICKET_COLOR)
    tickets_axis.set_ylim(0, max([*line.tickets, 1]) * 1.6)
    tickets_axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    for deploy in line.deploys:
        suspect = deploy["deploy_id"] == line.suspected_deploy_id
        events_axis.axvline(
            float(mdates.date2num(deploy["deployed_at"])),
            color=SUSPECT_COLOR if suspect else DEPLOY_COLOR,
            linestyle="-" if suspect else ":",
            linewidth=1.6 if suspect else 1.0,
        )
        events_axis.annotate(
            f"{deploy['deploy_id']} {deploy['service']} {deploy['version']}",
            xy=(mdates.date2num(deploy["deployed_at"]), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -4),
            textcoords="offset points",
            rotation=90,
            va="top",
            fontsize=7,
            color=SUSPECT_COLOR if suspect else DEPLOY_COLOR,
        )
    events_axis.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=12))
    events_axis.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))
    events_axis.spines[["top"]].set_visible(False)
    tickets_axis.spines[["top"]].set_visible(False)
    events_axis.set_title(title, loc="left", fontsize=10)
    events_axis.legend(
        handles=[
            Patch(color=EVENT_COLOR, label="events"),
            Line2D([], [], color=TICKET_COLOR, marker="o", markersize=3, label="tickets"),
            Line2D([], [], color=SUSPECT_COLOR, label="suspected deploy"),
            Line2D([], [], color=DEPLOY_COLOR, linestyle=":", label="other deploys"),
        ],
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        frameon=False,
        ncols=4,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path


def timeline_figure(line: Timeline, *, height: int = 260) -> Any:
    """The same chart as a plotly figure, for the HTML report."""
    import plotly.graph_objects as go

    figure = go.Figure()
    figure.add_bar(
        x=line.days,
        y=line.events,
        name="events",
        marker_color=EVENT_COLOR,
        hovertemplate="%{x|%b %d}: %{y} events<extra></extra>",
    )
    figure.add_scatter(
        x=line.days,
        y=line.tickets,
        name="tickets",
        yaxis="y2",
        mode="lines+markers",
        line={"color": TICKET_COLOR, "width": 2},
        marker={"size": 4},
        hovertemplate="%{x|%b %d}: %{y} tickets<extra></extra>",
    )
    for deploy in line.deploys:
        suspect = deploy["deploy_id"] == line.suspected_deploy_id
        color = SUSPECT_COLOR if suspect else DEPLOY_COLOR
        figure.add_shape(
            type="line",
            x0=deploy["deployed_at"],
            x1=deploy["deployed_at"],
            y0=0,
            y1=1,
            yref="paper",
            line={
                "color": color,
                "width": 2 if suspect else 1,
                "dash": "solid" if suspect else "dot",
            },
        )
    if line.deploys:
        # Hover targets for the deploy lines (shapes have no hover of their own).
        figure.add_scatter(
            x=[d["deployed_at"] for d in line.deploys],
            y=[max([*line.events, 1]) * 1.05] * len(line.deploys),
            mode="markers",
            name="deploys",
            marker={
                "symbol": "triangle-down",
                "size": 9,
                "color": [
                    SUSPECT_COLOR if d["deploy_id"] == line.suspected_deploy_id else DEPLOY_COLOR
                    for d in line.deploys
                ],
            },
            text=[_deploy_label(d, line.suspected_deploy_id) for d in line.deploys],
            hovertemplate="%{text}<extra></extra>",
        )
    figure.update_layout(
        height=height,
        margin={"l": 50, "r": 50, "t": 10, "b": 30},
        bargap=0.15,
        showlegend=True,
        legend={"orientation": "h", "y": 1.12, "x": 0, "font": {"size": 11}},
        plot_bgcolor="white",
        yaxis={"title": {"text": "events"}, "gridcolor": "#eceff3", "rangemode": "tozero"},
        yaxis2={
            "title": {"text": "tickets"},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            # Whole tickets only: a step of 1 for a few, wider for many.
            "tickformat": "d",
            "dtick": max(1, math.ceil(max([*line.tickets, 1]) / 5)),
        },
        xaxis={"type": "date", "tickformat": "%b %d"},
    )
    return figure


def _deploy_label(deploy: Row, suspected: str | None) -> str:
    prefix = "suspected: " if deploy["deploy_id"] == suspected else ""
    when = deploy["deployed_at"].strftime("%Y-%m-%d %H:%M")
    return f"{prefix}{deploy['deploy_id']} {deploy['service']} {deploy['version']} ({when} UTC)"
