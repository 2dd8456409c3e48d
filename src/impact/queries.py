"""What readers ask of the published snapshot (never of the warehouse a run may be writing)."""

from __future__ import annotations

from pathlib import Path

from impact.publish import open_snapshot
from impact.warehouse import Row, fetch_rows, table_exists

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
