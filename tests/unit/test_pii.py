"""Personal data and secrets in ticket text and event messages are masked in what reports show,
and the values a developer needs to reproduce a defect are kept."""

from __future__ import annotations

import pytest

from impact.report.pii import CARD, EMAIL, PHONE, TOKEN, mask_pii, masker


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # E-mail addresses, also inside other text and in mixed case.
        (
            "Invalid password for user7723@example.com from app",
            f"Invalid password for {EMAIL} from app",
        ),
        ("Contact Jane.Doe+billing@Acme-Corp.co.uk now", f"Contact {EMAIL} now"),
        ("cc: a@b.io, c.d@e.org", f"cc: {EMAIL}, {EMAIL}"),
        # Phone numbers: international, North American, national with a trunk 0.
        ("call +1 (415) 555-0132 today", f"call {PHONE} today"),
        ("call +44 20 7946 0958", f"call {PHONE}"),
        ("call +49-30-1234567", f"call {PHONE}"),
        ("office 415-555-0199 or (212) 555-0147", f"office {PHONE} or {PHONE}"),
        ("Tel. 030 1234567", f"Tel. {PHONE}"),
        # Bearer and basic credentials, key=value secrets, values after a secret's name.
        (
            "Authorization: Bearer abcDEF123456._-xyz",
            f"Authorization: Bearer {TOKEN}",
        ),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", f"Authorization: Basic {TOKEN}"),
        ("api_key=sk_abcdef1234567890", f"api_key={TOKEN}"),
        ('{"password": "hunter2!"}', f'{{"password": "{TOKEN}"}}'),
        ("retry with token=deadbeef42&page=2", f"retry with token={TOKEN}&page=2"),
        (
            "Refresh token fa004677-d7a5-4a2e-a4bc-8474cfa7c7dc expired",
            f"Refresh token {TOKEN} expired",
        ),
        ("my API key AKIAIOSFODNN7EXAMPLE leaked", f"my API key {TOKEN} leaked"),
        # Well-known secret formats, wherever they appear.
        (
            "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9",
            f"jwt {TOKEN}",
        ),
        ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", f"stripe {TOKEN}"),
        ("gh ghp_1234567890abcdefghijABCDEFGHIJ123456", f"gh {TOKEN}"),
        ("slack xoxb-123456789012-abcdefghijkl", f"slack {TOKEN}"),
        ("aws AKIAIOSFODNN7EXAMPLE", f"aws {TOKEN}"),
        # Long opaque strings with upper and lower case letters and digits.
        ("key AbCdEfGhIjKlMnOpQrStUvWxYz0123456789xyz here", f"key {TOKEN} here"),
        # Credentials in a URL, before the e-mail rule could see them.
        (
            "postgres://admin:s3cret@db.internal:5432/app",
            f"postgres://{TOKEN}@db.internal:5432/app",
        ),
        # Card numbers that pass the Luhn check.
        ("card 4111 1111 1111 1111 declined", f"card {CARD} declined"),
        ("card 4111-1111-1111-1111", f"card {CARD}"),
    ],
)
def test_personal_data_and_secrets_are_masked(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        # What reproduces a defect stays: ids, counts, dates, times, versions, hosts, UUIDs.
        "Scheduled export exp_2631 of report rpt_7986 delivered an empty file: 0 rows written",
        "Job 3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b failed at 2026-10-09 02:00:58",
        "Dashboard query q_49950 timed out after 30 s on workspace ws_1272",
        "release 4.2.0 on 10.0.0.12:5432, HTTP 500 after 1049 requests",
        "CSRF token mismatch for session s_661211",
        "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "Webhook delivery whd_275431 sent 2 times to https://hooks.example.com/in/10218",
        "order 1234567890123 shipped",  # 13 digits that fail the Luhn check: not a card
        "GET /v1/tasks?page=2 returned 429",
        "",
    ],
)
def test_values_needed_to_reproduce_are_kept(text: str) -> None:
    assert mask_pii(text) == text


def test_none_stays_none_and_show_pii_turns_masking_off() -> None:
    assert mask_pii(None) is None
    text = "reach me at jane@example.com or +1 415 555 0132"
    assert masker(show_pii=False)(text) == f"reach me at {EMAIL} or {PHONE}"
    assert masker(show_pii=True)(text) == text


def test_masked_text_survives_markdown_and_html() -> None:
    # Bracketed labels, not <email>: an unknown HTML tag would vanish from a rendered report.
    masked = mask_pii("from ops@example.com")
    assert masked is not None and "<" not in masked and EMAIL in masked
