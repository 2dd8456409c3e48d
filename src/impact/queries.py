"""What readers ask of the published snapshot (never of the warehouse a run may be writing)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from impact.errors import InputError
from impact.publish import SNAPSHOT_DB, current_snapshot, open_snapshot
from impact.warehouse import Row, fetch_rows, session, table_exists

TOP_COLUMNS = """
    priority_rank, defect_id, title, source, severity_score, severity_level,
    affected_accounts, repeat_affected_accounts, affected_arr_usd, enterprise_accounts,
    strategic_accounts, ticket_count, escalated_ticket_count, event_count,
    first_seen_at, last_seen_at, trend, suspected_deploy_id, suspected_version,
    score_components, as_of, run_id
"""


def hotfix_priority(published: Path, limit: int | None = None) -> list[Row]:
    with open_snapshot(published) as con:
        return fetch_rows(
            con,
            f"select {TOP_COLUMNS} from hotfix_priority order by priority_rank limit ?",
            [limit if limit is not None else 2**31 - 1],
        )


def emerging_signatures(published: Path) -> list[Row]:
    with open_snapshot(published) as con:
        if not table_exists(con, "main", "emerging_signatures"):
            return []
        return fetch_rows(
            con, "select * from emerging_signatures order by first_seen_at desc, signature_id"
        )


def ticket_volume_trends(
    published: Path, dimension: str | None = None, spikes_only: bool = True
) -> list[Row]:
    """Daily ticket counts per tag, classification, channel and tier; spikes only by default."""
    with open_snapshot(published) as con:
        if not table_exists(con, "main", "ticket_volume_trends"):
            return []
        return fetch_rows(
            con,
            "select * from ticket_volume_trends "
            "where (? is null or dimension = ?) and (not ? or is_spike) "
            "order by window_start desc, dimension, ticket_count desc, dimension_value",
            [dimension, dimension, spikes_only],
        )


def ticket_clusters(published: Path, limit: int | None = None) -> list[Row]:
    """Clusters of similar tickets no known defect explains, largest first (the HTML report's
    ticket section reads this, and ticket_cluster_members for a cluster's tickets)."""
    with open_snapshot(published) as con:
        if not table_exists(con, "main", "ticket_clusters"):
            return []
        return fetch_rows(
            con,
            "select * from ticket_clusters "
            "order by ticket_count desc, affected_arr_usd desc, cluster_id limit ?",
            [limit if limit is not None else 2**31 - 1],
        )


def ticket_cluster_members(published: Path, cluster_id: str | None = None) -> list[Row]:
    with open_snapshot(published) as con:
        if not table_exists(con, "main", "ticket_cluster_members"):
            return []
        return fetch_rows(
            con,
            "select * from ticket_cluster_members where (? is null or cluster_id = ?) "
            "order by cluster_id, centrality_rank",
            [cluster_id, cluster_id],
        )


TRIAGE_ORDER = """
    case triage_class
        when 'product_defect' then 1 when 'suspected_defect' then 2
        when 'configuration' then 3 else 4
    end, confidence desc, created_at desc, ticket_id
"""


def triage_suggestions(published: Path, ticket_ids: Sequence[str] = ()) -> list[Row]:
    """Suggestions for the given tickets, else for every open escalated ticket; raises
    InputError naming the tickets the snapshot has no suggestion for."""
    with open_snapshot(published) as con:
        if not table_exists(con, "main", "triage_suggestions"):
            raise InputError("the published snapshot has no triage yet: run `impact run`")
        if not ticket_ids:
            return fetch_rows(
                con,
                f"select * from triage_suggestions where is_open_escalated order by {TRIAGE_ORDER}",
            )
        rows = fetch_rows(
            con,
            "select * from triage_suggestions where list_contains(?, ticket_id) "
            "order by list_position(?, ticket_id)",
            [list(ticket_ids), list(ticket_ids)],
        )
    missing = sorted(set(ticket_ids) - {row["ticket_id"] for row in rows})
    if missing:
        raise InputError(
            f"no triage for {', '.join(missing)}: not a ticket of the published snapshot, or "
            "solved before the triage window (tickets.triage_days)"
        )
    return rows


def triage_evidence(published: Path, ticket_ids: Sequence[str]) -> list[Row]:
    """Every piece of evidence of the given tickets, the deciding one first."""
    with open_snapshot(published) as con:
        if not table_exists(con, "main", "triage_evidence"):
            return []
        return fetch_rows(
            con,
            "select * from triage_evidence where list_contains(?, ticket_id) "
            "order by list_position(?, ticket_id), evidence_rank",
            [list(ticket_ids), list(ticket_ids)],
        )


# What the HTML report shows, per defect: the most valuable accounts, the busiest signatures,
# the latest tickets (the bug report of one defect lists them all).
REPORT_CLUSTERS = 20
REPORT_QUERIES = {
    "priority": f"select {TOP_COLUMNS}, category from hotfix_priority order by priority_rank",
    "accounts": """
        select * exclude (account_rank) from (
            select
                *,
                row_number() over (
                    partition by defect_id order by arr_usd desc, event_count desc, account_id
                ) as account_rank
            from defect_accounts
        )
        where account_rank <= 5
        order by defect_id, account_rank
    """,
    "daily": "select * from defect_daily_activity order by defect_id, activity_date",
    "samples": """
        select * exclude (sample_rank) from (
            select
                *,
                row_number() over (
                    partition by defect_id order by event_count desc, signature_id, endpoint
                ) as sample_rank
            from defect_event_samples
        )
        where sample_rank <= 3
        order by defect_id, sample_rank
    """,
    "tickets": """
        select * exclude (ticket_rank) from (
            select
                *,
                row_number() over (
                    partition by defect_id order by created_at desc, ticket_id
                ) as ticket_rank
            from defect_tickets
        )
        where ticket_rank <= 5
        order by defect_id, ticket_rank
    """,
    "deployments": "select * from deployments order by deployed_at, deploy_id",
    "emerging": "select * from emerging_signatures order by first_seen_at desc, signature_id",
    "clusters": f"""
        select * from ticket_clusters
        order by ticket_count desc, affected_arr_usd desc, cluster_id
        limit {REPORT_CLUSTERS}
    """,
    "runs": "select * from ops_runs order by started_at desc",
    "validations": "select * from ops_run_validations order by table_name, expectation",
    "files": "select * from ingest_files order by load_seq",
}


def report_rows(published: Path) -> tuple[Path, dict[str, list[Row]]]:
    """The published snapshot's folder and the rows the HTML report shows (a table an older
    snapshot does not have reads as no rows)."""
    snapshot = current_snapshot(published)
    if snapshot is None:
        with open_snapshot(published):  # raises NothingPublished, with what to do
            pass
        raise AssertionError("unreachable")
    # The resolved folder, not `current`: a run publishing meanwhile must not mix snapshots.
    with session(snapshot / SNAPSHOT_DB, read_only=True) as con:
        present = {
            row[0]
            for row in con.execute("select table_name from information_schema.tables").fetchall()
        }
        rows = {
            name: fetch_rows(con, sql) if _reads(sql) <= present else []
            for name, sql in REPORT_QUERIES.items()
        }
    return snapshot, rows


def _reads(sql: str) -> set[str]:
    return set(re.findall(r"\bfrom\s+([a-z_]+)", sql)) - {"select"}
