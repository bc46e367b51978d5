# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""HMAC signatures of the IT webhook and of IT's callback.

Both directions sign the same way, with the secret shared with IT:

- header ``X-ETP-Timestamp``: the Unix time of sending, in seconds;
- header ``X-ETP-Signature``: ``sha256=`` followed by the hexadecimal
  HMAC-SHA256 of ``<timestamp>.<raw body>``.

The timestamp is inside the signed text, so an old request replayed later is
refused by the receiver's tolerance window (5 minutes by default).
"""

import hashlib
import hmac

SIGNATURE_HEADER = "X-ETP-Signature"
TIMESTAMP_HEADER = "X-ETP-Timestamp"
TOLERANCE_SECONDS = 300
_PREFIX = "sha256="


def signed_text(timestamp, body):
    """Return the bytes that are signed: ``b"<timestamp>." + body``."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return f"{int(timestamp)}.".encode("ascii") + body


def sign(secret, timestamp, body):
    """Return the value of the signature header for ``body`` sent at
    ``timestamp`` (Unix seconds). Raise ``ValueError`` without a secret."""
    if not secret:
        raise ValueError("missing_secret")
    digest = hmac.new(
        secret.encode("utf-8"), signed_text(timestamp, body), hashlib.sha256
    ).hexdigest()
    return _PREFIX + digest


def check(secret, timestamp, signature, body, now, tolerance=TOLERANCE_SECONDS):
    """Check a signed request. Return ``None`` when it is authentic, else a
    short reason: ``"not_configured"`` (no secret here), ``"missing"`` (no
    timestamp or signature), ``"bad_timestamp"``, ``"stale"`` (outside
    ``tolerance`` seconds of ``now``) or ``"mismatch"``."""
    if not secret:
        return "not_configured"
    if not timestamp or not signature:
        return "missing"
    try:
        sent_at = int(str(timestamp).strip())
    except ValueError:
        return "bad_timestamp"
    if abs(now - sent_at) > tolerance:
        return "stale"
    expected = sign(secret, sent_at, body)
    if not hmac.compare_digest(expected.encode(), str(signature).strip().encode()):
        return "mismatch"
    return None
