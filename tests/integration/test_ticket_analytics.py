"""Ticket analytics on the demo month: volume spikes, clusters of similar tickets, triage.

The demo's ground truth labels every ticket with the problem it is about and the paraphrased
and incident tickets with their right triage (src/impact/demo/sql/paraphrases.sql). Floors are
what `python bench/ticket_triage.py` measured at the demo's scale, rounded down.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

from impact.cli import main
from impact.config import Settings
from tests.fixtures.demo import published_rows

BENCH_SCRIPT = Path(__file__).resolve().parents[2] / "bench/ticket_triage.py"
# Measured 0.981 / 0.980 (all clustered tickets) and 0.972 / 1.000 (paraphrased + incident).
ARI_FLOOR = 0.95
PURITY_FLOOR = 0.95
LABELLED_ARI_FLOOR = 0.90
LABELLED_PURITY_FLOOR = 0.95
# Each planted problem with evidence, and the signature its cluster must be tied to.
PLANTED_SIGNATURES = {
    "invoice_pdf": ("INVOICE_RENDER", None),
    "dashboard_timeout": (None, "BUG-505"),
    "token_refresh": ("TOKEN_EXPIRED", None),
    "stripe_webhook": ("WEBHOOK_SIGNATURE", None),
    "due_date_format": ("VALIDATION_ERROR", None),
}


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ticket_triage", BENCH_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def clustering(demo_home: Settings, ground_truth: dict[str, Any]) -> dict[str, float]:
    with duckdb.connect(str(demo_home.warehouse), read_only=True) as con:
        scores: dict[str, float] = load_bench().clustering_scores(
            con, ground_truth["ticket_clusters"]
        )
    return scores


def _labels(ground_truth: dict[str, Any]) -> dict[str, str]:
    return {c["ticket_id"]: c["cluster"] for c in ground_truth["ticket_clusters"]}


def test_ground_truth_clusters_are_recovered(clustering):
    assert clustering["ari"] >= ARI_FLOOR
    assert clustering["purity"] >= PURITY_FLOOR
    assert clustering["labelled_ari"] >= LABELLED_ARI_FLOOR
    assert clustering["labelled_purity"] >= LABELLED_PURITY_FLOOR


def test_problem_clusters_are_tied_to_their_signature(demo_home, ground_truth):
    labels = _labels(ground_truth)
    members = published_rows(demo_home, "select cluster_id, ticket_id from ticket_cluster_members")
    clusters = {
        row["cluster_id"]: row for row in published_rows(demo_home, "select * from ticket_clusters")
    }
    by_problem: dict[str, Counter[str]] = {}
    for member in members:
        by_problem.setdefault(labels[member["ticket_id"]], Counter())[member["cluster_id"]] += 1
    tied = []
    for problem, (error_code, defect_id) in PLANTED_SIGNATURES.items():
        [(cluster_id, count)] = by_problem[problem].most_common(1)
        cluster = clusters[cluster_id]
        # a problem merged into a larger cluster of other tickets is not that cluster's topic
        if 2 * count < cluster["ticket_count"]:
            continue
        assert cluster["signature_id"] is not None, problem
        if error_code:
            assert cluster["signature_error_code"] == error_code, problem
        assert cluster["matched_defect_id"] == defect_id, problem
        tied.append(problem)
    assert len(tied) >= len(PLANTED_SIGNATURES) - 1
    invoice = clusters[by_problem["invoice_pdf"].most_common(1)[0][0]]
    assert invoice["signature_status"] == "new_after_deploy"
    # questions asked again and again are clusters too, but no error explains them
    for problem, counts in by_problem.items():
        if problem.startswith("faq-") or problem in ("calendar_sync", "bulk_archive"):
            for cluster_id in counts:
                assert clusters[cluster_id]["signature_id"] is None, problem


def test_triage_of_planted_cases_is_right_with_the_right_evidence(demo_home, ground_truth):
    suggestions = {
        row["ticket_id"]: row
        for row in published_rows(demo_home, "select * from triage_suggestions")
    }
    assert ground_truth["triage"], "the demo labels triage cases"
    for label in ground_truth["triage"]:
        row = suggestions[label["ticket_id"]]
        assert row["triage_class"] == label["triage_class"], (label, row["reason"])
        if label["triage_class"] == "product_defect":
            assert row["defect_id"] == label["defect_id"], label
        elif label["triage_class"] == "suspected_defect":
            # a suspected defect goes by its signature's id, as in hotfix_priority
            assert row["signature_id"] is not None, label
            assert row["defect_id"] == row["signature_id"], label
            assert row["evidence_kind"] in (
                "ticket_quotes_signature",
                "unexplained_signature_errors",
            )
        elif label["triage_class"] == "configuration":
            assert row["error_code"] == label["error_code"], label
            assert row["evidence_kind"] == "configuration_errors"
        else:
            assert row["evidence_kind"] is None, label
        assert 0 < row["confidence"] <= 1


def test_ordinary_tickets_are_rarely_called_a_defect(demo_home, ground_truth):
    ordinary = {c["ticket_id"] for c in ground_truth["ticket_clusters"] if c["kind"] == "faq"}
    calls = Counter(
        row["triage_class"]
        for row in published_rows(demo_home, "select * from triage_suggestions")
        if row["ticket_id"] in ordinary
    )
    defects = calls["product_defect"] + calls["suspected_defect"]
    assert defects <= 0.05 * sum(calls.values())


def test_ticket_spike_on_a_tag_is_flagged_and_a_steady_tag_is_not(demo_home, capsys):
    rows = published_rows(
        demo_home,
        "select * from ticket_volume_trends where dimension = 'tag' order by window_start",
    )
    invoice = [r for r in rows if r["dimension_value"] == "invoice"]
    steady = [r for r in rows if r["dimension_value"] == "how_to"]
    # the invoice regression's tickets arrive in the days after the billing deploy (Oct 20)
    assert any(r["is_spike"] for r in invoice)
    assert min(r["window_start"] for r in invoice if r["is_spike"]).day >= 20
    assert steady and sum(r["ticket_count"] for r in steady) > len(steady)  # steady, not empty
    assert not any(r["is_spike"] for r in steady)

    assert main(["trends", "--home", str(demo_home.home), "--format", "json"]) == 0
    spikes = json.loads(capsys.readouterr().out)
    assert {("tag", "invoice")} <= {(r["dimension"], r["dimension_value"]) for r in spikes}
    assert all(r["is_spike"] for r in spikes)


def test_triage_command_shows_suggestion_and_evidence(demo_home, ground_truth, capsys):
    configuration = next(t for t in ground_truth["triage"] if t["triage_class"] == "configuration")
    ticket_id = configuration["ticket_id"]
    assert main(["triage", "--home", str(demo_home.home), ticket_id, "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["triage_class"] == "configuration"
    assert row["evidence"][0]["evidence_rank"] == 1
    assert row["evidence"][0]["error_code"] == configuration["error_code"]

    assert main(["triage", "--home", str(demo_home.home), "--format", "json"]) == 0
    escalated = json.loads(capsys.readouterr().out)
    assert escalated and all(r["is_open_escalated"] for r in escalated)

    assert main(["triage", "--home", str(demo_home.home), "tkt_nope"]) == 3
    err = capsys.readouterr().err.strip()
    assert "tkt_nope" in err and "\n" not in err


def test_clusters_command_lists_clusters_and_their_tickets(demo_home, capsys):
    assert main(["clusters", "--home", str(demo_home.home), "-n", "3", "--format", "json"]) == 0
    clusters = json.loads(capsys.readouterr().out)
    assert len(clusters) == 3
    assert clusters[0]["ticket_count"] >= clusters[-1]["ticket_count"]
    cluster_id = clusters[0]["cluster_id"]
    args = ["clusters", "--home", str(demo_home.home), "--cluster-id", cluster_id]
    assert main([*args, "--format", "json"]) == 0
    members = json.loads(capsys.readouterr().out)
    assert len(members) == clusters[0]["ticket_count"]
    assert main(["clusters", "--home", str(demo_home.home)]) == 0  # the terminal table
