"""The bug report of an assessment: Markdown ready to paste into Jira or Linear."""

from __future__ import annotations

import json
from decimal import Decimal

from impact.assess import Assessment
from impact.render import markdown_table

TOP_ACCOUNTS = 10


def render_markdown(assessment: Assessment) -> str:
    impact = assessment.impact
    definition = assessment.definition
    lines = [
        f"# {definition.defect_id}: {impact['title']}",
        "",
        _summary(assessment),
        "",
        "## Severity",
        "",
        f"**{impact['severity_level']}**, score {impact['severity_score']} of 100"
        + (f", would rank #{assessment.would_rank}" if assessment.would_rank else "")
        + ".",
        "",
        *_components(str(impact["score_components"])),
        "",
        "## Affected accounts",
        "",
        f"{impact['affected_accounts']} accounts ({impact['repeat_affected_accounts']} hit "
        f"2 or more times), {_usd(impact['affected_arr_usd'])} ARR, "
        f"{impact['enterprise_accounts']} enterprise, {impact['strategic_accounts']} strategic.",
        "",
        markdown_table(
            [
                {
                    k: a[k]
                    for k in (
                        "account_id",
                        "account_name",
                        "plan_tier",
                        "arr_usd",
                        "event_count",
                        "ticket_count",
                        "last_seen_at",
                    )
                }
                for a in assessment.accounts[:TOP_ACCOUNTS]
            ]
        ),
        "## Timeline",
        "",
        f"First seen {impact['first_seen_at']}, last seen {impact['last_seen_at']}, "
        f"trend {impact['trend']}. Suspected deploy: "
        + (
            f"{impact['suspected_deploy_id']} (version {impact['suspected_version']})."
            if impact["suspected_deploy_id"]
            else "none fits the onset."
        ),
        "",
        "## Definition",
        "",
        f"- error codes: {', '.join(definition.error_codes) or '-'}",
        f"- message pattern: `{definition.message_pattern or '-'}`",
        f"- service: {definition.service or 'any'}",
        f"- ticket tags: {', '.join(definition.ticket_tags) or '-'}",
        "",
        f"_Assessment {assessment.assessment_id}, as of {impact['as_of']}._",
    ]
    return "\n".join(lines) + "\n"


def _summary(assessment: Assessment) -> str:
    i = assessment.impact
    return (
        f"{i['affected_accounts']} accounts with {_usd(i['affected_arr_usd'])} ARR are affected: "
        f"{i['event_count']} matching errors and {i['ticket_count']} tickets "
        f"({i['escalated_ticket_count']} escalated) between {i['first_seen_at']} and "
        f"{i['last_seen_at']}; the trend is {i['trend']}."
    )


def _components(score_components: str) -> list[str]:
    parts = json.loads(score_components)
    return [
        f"- {name}: {part['value']} scores {part['score']} (weight {part['weight']})"
        for name, part in parts.items()
    ]


def _usd(value: object) -> str:
    return f"${Decimal(str(value)):,.0f}"
