"""Measure ticket clustering and triage on the demo generator's labelled tickets.

Usage: python bench/ticket_triage.py [ACCOUNTS:EVENTS ...]   (default: 400:60000 4000:600000)

For each scale, writes the demo month (its ground truth labels every ticket with the problem
it is about, and the paraphrased and incident tickets with their right triage) into a
temporary home, runs the daily pipeline, then rebuilds the ticket models alone and times them.
Prints, per scale:

* clustering: adjusted Rand index and purity of the connected components
  (intermediate.int_tickets_clustered, every clustered ticket; a ticket in no cluster is its
  own) against the labels, for all clustered tickets and for the paraphrased and incident
  ones only (ordinary tickets of one template are near-identical texts, so they are easy);
* triage: accuracy per class on the labelled tickets, and how many ordinary tickets (no
  planted evidence, none a defect) were called a defect or a configuration problem;
* tickets/s: tickets read by the ticket models / seconds, for the models' own execution
  time and for the whole dbt invocation (with its start-up).

The models are the pipeline's own (dbt, in-process): nothing here re-implements them.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCALES = ((400, 60_000), (4_000, 600_000))
TICKET_MODELS = (
    "int_tickets_masked+",
    "ticket_volume_trends",
    "int_signatures_matched_to_known_defects",
)
TRIAGE_CLASSES = ("product_defect", "suspected_defect", "configuration", "user_error_or_question")


def adjusted_rand_index(predicted: Mapping[str, str], truth: Mapping[str, str]) -> float:
    """Hubert and Arabie's ARI of two labellings of the same items (1 = identical, ~0 = chance)."""

    def pairs(n: int) -> float:
        return n * (n - 1) / 2

    items = list(predicted)
    both = Counter((predicted[i], truth[i]) for i in items)
    rows = Counter(predicted[i] for i in items)
    columns = Counter(truth[i] for i in items)
    index = sum(pairs(n) for n in both.values())
    row_pairs = sum(pairs(n) for n in rows.values())
    column_pairs = sum(pairs(n) for n in columns.values())
    expected = row_pairs * column_pairs / pairs(len(items))
    maximum = (row_pairs + column_pairs) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def purity(predicted: Mapping[str, str], truth: Mapping[str, str]) -> float:
    """Share of items whose cluster's most common true label is their own."""
    clusters: dict[str, Counter[str]] = defaultdict(Counter)
    for item, cluster in predicted.items():
        clusters[cluster][truth[item]] += 1
    return sum(max(c.values()) for c in clusters.values()) / len(predicted)


def clustering_scores(
    con: duckdb.DuckDBPyConnection, labels: list[dict[str, Any]]
) -> dict[str, float]:
    """ARI and purity of the warehouse's ticket clusters against the ground-truth labels."""
    truth = {label["ticket_id"]: label["cluster"] for label in labels}
    kinds = {label["ticket_id"]: label["kind"] for label in labels}
    predicted = dict(
        con.execute(
            "select ticket_id, cluster_id from intermediate.int_tickets_clustered"
        ).fetchall()
    )
    labelled = {t: c for t, c in predicted.items() if kinds.get(t) in ("paraphrase", "incident")}
    return {
        "tickets": len(predicted),
        "ari": adjusted_rand_index(predicted, truth),
        "purity": purity(predicted, truth),
        "labelled_tickets": len(labelled),
        "labelled_ari": adjusted_rand_index(labelled, truth),
        "labelled_purity": purity(labelled, truth),
    }


def triage_scores(
    con: duckdb.DuckDBPyConnection, triage: list[dict[str, Any]], labels: list[dict[str, Any]]
) -> dict[str, Any]:
    """Accuracy per class on the labelled tickets; what ordinary tickets were called."""
    suggested = dict(
        con.execute("select ticket_id, triage_class from marts.triage_suggestions").fetchall()
    )
    per_class: dict[str, Counter[str]] = {name: Counter() for name in TRIAGE_CLASSES}
    for label in triage:
        outcome = suggested.get(label["ticket_id"], "missing")
        per_class[label["triage_class"]][
            "right" if outcome == label["triage_class"] else "wrong"
        ] += 1
    ordinary = [
        suggested[t["ticket_id"]]
        for t in labels
        if t["kind"] == "faq" and t["ticket_id"] in suggested
    ]
    calls = Counter(ordinary)
    return {
        "accuracy": {
            name: (c["right"] / (c["right"] + c["wrong"]), c["right"] + c["wrong"])
            for name, c in per_class.items()
            if c
        },
        "overall": sum(c["right"] for c in per_class.values())
        / sum(c["right"] + c["wrong"] for c in per_class.values()),
        "ordinary_tickets": len(ordinary),
        "ordinary_called_defect": (calls["product_defect"] + calls["suspected_defect"])
        / len(ordinary),
        "ordinary_called_configuration": calls["configuration"] / len(ordinary),
    }


@dataclass(frozen=True)
class ScaleResult:
    accounts: int
    events: int
    tickets: int
    clustering: dict[str, float]
    triage: dict[str, Any]
    model_seconds: float
    dbt_seconds: float

    @property
    def tickets_per_second(self) -> float:
        return self.tickets / self.model_seconds

    @property
    def tickets_per_second_dbt(self) -> float:
        return self.tickets / self.dbt_seconds


def run_scale(accounts: int, events: int, workdir: Path) -> ScaleResult:
    from impact import pipeline, transform
    from impact.config import load_settings
    from impact.demo.generator import DEMO_AS_OF, generate_demo

    settings = load_settings(workdir / f"home_{accounts}")
    settings.ensure_layout()
    generate_demo(settings.landing, accounts=accounts, background_events=events)
    pipeline.run(settings, as_of=DEMO_AS_OF.replace(tzinfo=None))
    started = time.perf_counter()
    nodes = transform.invoke(settings, "run", "--select", *TICKET_MODELS)
    dbt_seconds = time.perf_counter() - started
    model_seconds = sum(node.seconds for node in nodes)
    labels = json.loads((settings.landing / "ground_truth.json").read_text())
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        row = con.execute("select count(*) from intermediate.int_tickets_masked").fetchone()
        assert row is not None
        return ScaleResult(
            accounts=accounts,
            events=events,
            tickets=int(row[0]),
            clustering=clustering_scores(con, labels["ticket_clusters"]),
            triage=triage_scores(con, labels["triage"], labels["ticket_clusters"]),
            model_seconds=model_seconds,
            dbt_seconds=dbt_seconds,
        )


def render(result: ScaleResult) -> str:
    c, t = result.clustering, result.triage
    lines = [
        f"scale: {result.accounts} accounts, {result.events} background events, "
        f"{result.tickets} tickets",
        f"  clustering, all {c['tickets']:.0f} clustered tickets: "
        f"ARI {c['ari']:.3f}, purity {c['purity']:.3f}",
        f"  clustering, {c['labelled_tickets']:.0f} paraphrased + incident tickets: "
        f"ARI {c['labelled_ari']:.3f}, purity {c['labelled_purity']:.3f}",
        f"  triage accuracy: {t['overall']:.3f} overall",
    ]
    for name, (accuracy, n) in t["accuracy"].items():
        lines.append(f"    {name:<24} {accuracy:.3f}  ({n} tickets)")
    lines += [
        f"  ordinary tickets ({t['ordinary_tickets']}): called a defect "
        f"{t['ordinary_called_defect']:.1%}, "
        f"configuration {t['ordinary_called_configuration']:.1%}",
        f"  speed: {result.tickets_per_second:,.0f} tickets/s (models, "
        f"{result.model_seconds:.2f} s); {result.tickets_per_second_dbt:,.0f} tickets/s "
        f"(whole dbt run, {result.dbt_seconds:.2f} s)",
    ]
    return "\n".join(lines)


def parse_scales(arguments: list[str]) -> list[tuple[int, int]]:
    if not arguments:
        return list(DEFAULT_SCALES)
    return [(int(a), int(e)) for a, e in (argument.split(":") for argument in arguments)]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="impact-ticket-bench-") as folder:
        for accounts, events in parse_scales(sys.argv[1:]):
            print(render(run_scale(accounts, events, Path(folder))), flush=True)
