# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac

from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.tests.rules import parametrize
from odoo.addons.etp_incident.lib import signature

SECRET = "s3cr3t-shared-with-it-0123456789"
BODY = b'{"reference":"INC-2026-0001","state":"resolved"}'
NOW = 1795550000


@tagged("post_install", "-at_install", "etp_rules")
class TestSignatureRules(BaseCase):
    def test_sign_is_hmac_sha256_of_timestamp_dot_body(self):
        expected = hmac.new(
            SECRET.encode(), b"1795550000." + BODY, hashlib.sha256
        ).hexdigest()
        self.assertEqual(signature.sign(SECRET, NOW, BODY), "sha256=" + expected)
        # a str body is signed as its UTF-8 bytes
        self.assertEqual(
            signature.sign(SECRET, NOW, BODY.decode()), "sha256=" + expected
        )

    def test_sign_needs_a_secret(self):
        with self.assertRaisesRegex(ValueError, "missing_secret"):
            signature.sign("", NOW, BODY)

    def test_check_accepts_an_authentic_request(self):
        header = signature.sign(SECRET, NOW, BODY)
        self.assertIsNone(
            signature.check(SECRET, str(NOW), header, BODY, now=NOW + 299)
        )
        self.assertIsNone(
            signature.check(SECRET, str(NOW), header, BODY, now=NOW - 299)
        )

    @parametrize(
        "secret, timestamp, header, body, reason",
        [
            ("", str(NOW), "sha256=00", BODY, "not_configured"),
            (SECRET, None, signature.sign(SECRET, NOW, BODY), BODY, "missing"),
            (SECRET, str(NOW), None, BODY, "missing"),
            (
                SECRET,
                "yesterday",
                signature.sign(SECRET, NOW, BODY),
                BODY,
                "bad_timestamp",
            ),
            (
                SECRET,
                str(NOW - 301),
                signature.sign(SECRET, NOW - 301, BODY),
                BODY,
                "stale",
            ),
            (
                SECRET,
                str(NOW + 301),
                signature.sign(SECRET, NOW + 301, BODY),
                BODY,
                "stale",
            ),
            # signed with another secret
            (
                SECRET,
                str(NOW),
                signature.sign("another-secret", NOW, BODY),
                BODY,
                "mismatch",
            ),
            # the body was changed after signing
            (
                SECRET,
                str(NOW),
                signature.sign(SECRET, NOW, BODY),
                BODY + b" ",
                "mismatch",
            ),
            # the timestamp was changed after signing (a replay made to look fresh)
            (
                SECRET,
                str(NOW),
                signature.sign(SECRET, NOW - 3600, BODY),
                BODY,
                "mismatch",
            ),
            (SECRET, str(NOW), "sha256=", BODY, "mismatch"),
            (SECRET, str(NOW), "плохая подпись", BODY, "mismatch"),
        ],
    )
    def test_check_refuses(self, secret, timestamp, header, body, reason):
        self.assertEqual(
            signature.check(secret, timestamp, header, body, now=NOW), reason
        )
