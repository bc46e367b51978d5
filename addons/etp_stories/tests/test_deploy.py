# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The compose deployment is safe by default.

There is no Docker engine on the development machine, so the stack is not
started here; what can be checked without one is checked for real:
`docker-compose config` (Debian's docker-compose, installed by the set-up)
resolves the file, the entrypoint refuses to start without secrets, and the
web launcher of the image runs Odoo's prefork server without a gevent child.
"""

import os
import re
import shutil
import subprocess

import yaml

from odoo.addons.etp_helpdesk.tests.rules import parametrize

from .common import LiveCase, live_database
from .live.odooserver import ROOT, OdooServer

SECRETS = {
    "POSTGRES_PASSWORD": "db-secret-for-the-check",
    "ODOO_ADMIN_PASSWORD": "admin-secret-for-the-check",
}
ODOO_SERVICES = ("odoo-web", "odoo-web-2", "odoo-gevent", "odoo-cron")


def _compose(*args, env=None):
    tool = shutil.which("docker-compose")
    if not tool:
        raise AssertionError(
            "docker-compose is not installed: apt-get install docker-compose "
            "(scripts/common.sh installs it)"
        )
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    clean = {k: v for k, v in clean.items() if not k.startswith(("ETP_", "ODOO_"))}
    return subprocess.run(
        [tool, "--project-directory", str(ROOT), "-f", "docker-compose.yml", *args],
        cwd=ROOT,
        env=dict(clean, **(env or {})),
        capture_output=True,
        text=True,
        check=False,
    )


class TestDeploy(LiveCase):
    _compose_config = None

    def _config(self):
        """The compose file as `docker-compose config` resolves it with the
        secrets set (resolved once for the class)."""
        cls = type(self)
        if cls._compose_config is None:
            result = _compose("config", env=SECRETS)
            self.assertEqual(result.returncode, 0, result.stderr)
            cls._compose_config = yaml.safe_load(result.stdout)
        return cls._compose_config

    def test_compose_refuses_to_resolve_without_secrets(self):
        result = _compose("config")
        self.assertNotEqual(result.returncode, 0)
        self.assertTrue(
            "POSTGRES_PASSWORD" in result.stderr
            or "ODOO_ADMIN_PASSWORD" in result.stderr
        )

    def test_only_nginx_is_published_and_on_loopback_by_default(self):
        compose = self._config()
        published = {
            name: service["ports"]
            for name, service in compose["services"].items()
            if service.get("ports")
        }
        self.assertEqual(list(published), ["nginx"])
        (port,) = published["nginx"]
        self.assertTrue(str(port).startswith("127.0.0.1:8080:80"), port)

    def test_no_demo_data_by_default_and_secrets_from_the_environment(self):
        compose = self._config()
        for name in ODOO_SERVICES:
            env = compose["services"][name]["environment"]
            self.assertEqual(env["ETP_DEMO"], "0", name)
            self.assertEqual(env["ODOO_ADMIN_PASSWORD"], SECRETS["ODOO_ADMIN_PASSWORD"])
            self.assertEqual(env["ODOO_DB_PASSWORD"], SECRETS["POSTGRES_PASSWORD"])

    def test_images_are_pinned_and_addons_are_wheels_in_the_image(self):
        compose = self._config()
        dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
        base = re.search(r"^ARG ODOO_IMAGE=(\S+)$", dockerfile, re.M).group(1)
        self.assertTrue(
            re.fullmatch(r"odoo:18\.0-\d{8}|odoo(:18\.0)?@sha256:[0-9a-f]{64}", base)
        )
        self.assertIn("pip wheel", dockerfile)
        for addon in ("etp_helpdesk", "etp_escalation", "etp_incident"):
            self.assertIn(f"/src/addons/{addon}", dockerfile)
        self.assertIn("/tmp/wheels/*.whl", dockerfile)
        for name, service in compose["services"].items():
            if service.get("image", "").startswith(("postgres", "nginx")):
                self.assertTrue(
                    re.search(r":\d+\.\d+", service["image"]), service["image"]
                )
            for volume in service.get("volumes", []):
                self.assertNotIn("addons", str(volume), (name, volume))

    def test_every_odoo_service_has_a_healthcheck_and_a_role(self):
        compose = self._config()
        roles = {}
        for name in ODOO_SERVICES:
            service = compose["services"][name]
            self.assertEqual(
                service["healthcheck"]["test"][:2], ["CMD", "etp-healthcheck"], name
            )
            roles[name] = service["environment"]["ETP_ROLE"]
        self.assertEqual(
            roles,
            {
                "odoo-web": "web",
                "odoo-web-2": "web",
                "odoo-gevent": "gevent",
                "odoo-cron": "cron",
            },
        )

    def test_second_web_node_shares_sessions_and_filestore(self):
        compose = self._config()
        second = compose["services"]["odoo-web-2"]
        self.assertEqual(second["profiles"], ["second-web"])
        self.assertIn("odoo-web", second["networks"]["default"]["aliases"])
        for name in ("odoo-web", "odoo-web-2"):
            volumes = compose["services"][name]["volumes"]
            self.assertTrue(
                any(str(v).startswith("odoo-data:/var/lib/odoo") for v in volumes)
            )

    @parametrize(
        "env, message",
        [
            ({}, "ODOO_ADMIN_PASSWORD is not set"),
            ({"ODOO_ADMIN_PASSWORD": "admin"}, "well-known default"),
            ({"ODOO_ADMIN_PASSWORD": "short"}, "shorter than 12"),
            (
                {"ODOO_ADMIN_PASSWORD": "a-long-admin-secret", "ODOO_DB_PASSWORD": ""},
                "ODOO_DB_PASSWORD is not set",
            ),
        ],
    )
    def test_entrypoint_refuses_to_start_without_secrets(self, env, message):
        result = subprocess.run(
            ["bash", str(ROOT / "docker" / "entrypoint.sh")],
            env={"PATH": os.environ["PATH"], "ODOO_DB_NAME": "etp", **env},
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(result.returncode, 78)
        self.assertIn(message, result.stderr)

    def test_web_launcher_runs_no_gevent_child(self):
        """docker/odoo_web.py, as the image's web service runs it: HTTP workers
        answer, and the master started no gevent process of its own."""
        server = OdooServer(
            live_database(),
            ROOT / ".state" / "live-web-launcher.log",
            cron_threads=0,
            program=ROOT / "docker" / "odoo_web.py",
        )
        with server:
            children = server.wait_for_children(gevent=False)
            self.assertEqual(sorted(children.values()), ["http", "http"], children)
            self.assertNotIn("Evented Service", server.log_text())
            self.assertFalse(server.log_problems(), server.log_problems())
