"""Mask personal data and secrets in text a report shows (ticket text, event messages).

Masking is for display only: the warehouse and the snapshot keep the raw text, and
`--show-pii` shows it. Rules run in order; each replaces what it finds with a bracketed label
that survives Markdown and HTML (`<email>` would vanish as an unknown HTML tag).
"""

from __future__ import annotations

import re
from collections.abc import Callable

EMAIL = "[email]"
PHONE = "[phone]"
TOKEN = "[token]"
CARD = "[card]"

# Credentials in a URL (scheme://user:password@host): before the e-mail rule sees "password@host".
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+@")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Well-known secret formats: JWTs, cloud and SaaS keys, private-key blocks.
_KNOWN_SECRETS = re.compile(
    r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWT
    r"|\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}"  # Stripe
    r"|\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}"  # GitHub
    r"|\bxox[abprs]-[A-Za-z0-9-]{10,}"  # Slack
    r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key id
    r"|\bAIza[0-9A-Za-z_-]{35}"  # Google API key
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
    re.DOTALL,
)
# "Authorization: Bearer abc…", "Basic dXNlcjpw…".
_AUTH_SCHEME = re.compile(r"(?i)\b(bearer|basic)(\s+)([A-Za-z0-9._~+/=-]{8,})")
# key=value and key: value pairs whose key names a secret.
_SECRET_PAIR = re.compile(
    r"(?i)\b((?:api[_-]?key|apikey|access[_-]?key|secret[_-]?key|client[_-]?secret|secret"
    r"|password|passwd|pwd|auth[_-]?token|access[_-]?token|refresh[_-]?token|token"
    r"|session[_-]?id|sessionid)[\"']?\s*[:=]\s*)([\"']?)([^\s\"'&,;]+)"
)
# "api key <value>", "refresh token <value>": a value after a secret's name, when it looks like
# one (has a digit and is 8+ characters, so "token mismatch" is left alone).
_SECRET_AFTER_NAME = re.compile(
    r"(?i)\b((?:api[ _-]?key|access[ _-]?key|secret|password|token)\s+)"
    r"(?=[A-Za-z0-9._~+/=-]*\d)([A-Za-z0-9._~+/=-]{8,})"
)
# Long opaque strings (32+ characters of letters and digits) are secrets more often than not;
# UUIDs and hashes of lower-case hex are ids a developer needs, and are kept.
_LONG_OPAQUE = re.compile(r"(?<![\w/.-])[A-Za-z0-9_+/=-]{32,}(?![\w/.-])")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_PHONES = (
    # International: +CC then digits in groups.
    re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?!\w)"),
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567.
    re.compile(r"(?<!\w)\(\d{3}\)\s?\d{3}[ .-]\d{4}(?!\w)"),
    re.compile(r"(?<![\w.-])\d{3}[.-]\d{3}[.-]\d{4}(?![\w.-])"),
    # National numbers with a trunk 0 and a space or slash: 030 1234567, 0171/2345678.
    re.compile(r"(?<![\w.-])0\d{2,4}[ /]\d{3,4}[ -]?\d{3,5}(?![\w.-])"),
)


def mask_pii(text: str | None) -> str | None:
    """`text` with e-mail addresses, phone numbers, card numbers and secrets masked."""
    if not text:
        return text
    masked = _URL_CREDENTIALS.sub(f"{TOKEN}@", text)
    masked = _KNOWN_SECRETS.sub(TOKEN, masked)
    masked = _EMAIL.sub(EMAIL, masked)
    masked = _AUTH_SCHEME.sub(lambda m: f"{m[1]}{m[2]}{TOKEN}", masked)
    masked = _SECRET_PAIR.sub(lambda m: f"{m[1]}{m[2]}{TOKEN}", masked)
    masked = _SECRET_AFTER_NAME.sub(lambda m: f"{m[1]}{TOKEN}", masked)
    masked = _LONG_OPAQUE.sub(_opaque, masked)
    masked = _CARD.sub(_card, masked)
    for phone in _PHONES:
        masked = phone.sub(_phone, masked)
    return masked


def masker(show_pii: bool) -> Callable[[str | None], str | None]:
    """What a report applies to each text it shows: the masking, or nothing (`--show-pii`)."""
    return _unmasked if show_pii else mask_pii


def _unmasked(text: str | None) -> str | None:
    return text


def _opaque(match: re.Match[str]) -> str:
    value = match[0]
    has_letter = any(c.isalpha() for c in value)
    has_digit = any(c.isdigit() for c in value)
    lower_hex = re.fullmatch(r"[0-9a-f-]+", value) is not None
    return TOKEN if has_letter and has_digit and not lower_hex else value


def _card(match: re.Match[str]) -> str:
    digits = [int(c) for c in match[0] if c.isdigit()]
    return CARD if 13 <= len(digits) <= 19 and _luhn(digits) else match[0]


def _luhn(digits: list[int]) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if position % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match[0])
    return PHONE if 7 <= digits <= 15 else match[0]
