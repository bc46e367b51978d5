# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The compose deployment is safe by default.

There is no Docker engine on the development machine, so the stack is not
started here; what can be checked without one is checked for real:
`docker-compose config` (Debian's docker-compose, installed by the set-up)
resolves the file, the entrypoint refuses to start without secrets, and the
web launcher of the image runs Odoo's prefork server without a gevent child.
"""

import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

from .live.odooserver import OdooServer

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECRETS = {
    "POSTGRES_PASSWORD": "db-secret-for-the-check",
    "ODOO_ADMIN_PASSWORD": "admin-secret-for-the-check",
}
ODOO_SERVICES = ("odoo-web", "odoo-web-2", "odoo-gevent", "odoo-cron")


def _compose(*args, env=None):
    tool = shutil.which("docker-compose")
    if not tool:
        pytest.skip("docker-compose is not installed (scripts/common.sh installs it)")
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


@pytest.fixture(scope="module")
def compose():
    result = _compose("config", env=SECRETS)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_refuses_to_resolve_without_secrets():
    result = _compose("config")
    assert result.returncode != 0
    assert (
        "POSTGRES_PASSWORD" in result.stderr or "ODOO_ADMIN_PASSWORD" in result.stderr
    )


def test_only_nginx_is_published_and_on_loopback_by_default(compose):
    published = {
        name: service["ports"]
        for name, service in compose["services"].items()
        if service.get("ports")
    }
    assert list(published) == ["nginx"]
    (port,) = published["nginx"]
    assert str(port).startswith("127.0.0.1:8080:80"), port


def test_no_demo_data_by_default_and_secrets_from_the_environment(compose):
    for name in ODOO_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["ETP_DEMO"] == "0", name
        assert env["ODOO_ADMIN_PASSWORD"] == SECRETS["ODOO_ADMIN_PASSWORD"]
        assert env["ODOO_DB_PASSWORD"] == SECRETS["POSTGRES_PASSWORD"]


def test_images_are_pinned_and_addons_are_wheels_in_the_image(compose):
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    base = re.search(r"^ARG ODOO_IMAGE=(\S+)$", dockerfile, re.M).group(1)
    assert re.fullmatch(r"odoo:18\.0-\d{8}|odoo(:18\.0)?@sha256:[0-9a-f]{64}", base)
    assert "pip wheel" in dockerfile
    for addon in ("etp_helpdesk", "etp_escalation", "etp_incident"):
        assert f"/src/addons/{addon}" in dockerfile
    assert "/tmp/wheels/*.whl" in dockerfile
    for name, service in compose["services"].items():
        if service.get("image", "").startswith(("postgres", "nginx")):
            assert re.search(r":\d+\.\d+", service["image"]), service["image"]
        for volume in service.get("volumes", []):
            assert "addons" not in str(volume), (name, volume)


def test_every_odoo_service_has_a_healthcheck_and_a_role(compose):
    roles = {}
    for name in ODOO_SERVICES:
        service = compose["services"][name]
        assert service["healthcheck"]["test"][:2] == ["CMD", "etp-healthcheck"], name
        roles[name] = service["environment"]["ETP_ROLE"]
    assert roles == {
        "odoo-web": "web",
        "odoo-web-2": "web",
        "odoo-gevent": "gevent",
        "odoo-cron": "cron",
    }


def test_second_web_node_shares_sessions_and_filestore(compose):
    second = compose["services"]["odoo-web-2"]
    assert second["profiles"] == ["second-web"]
    assert "odoo-web" in second["networks"]["default"]["aliases"]
    for name in ("odoo-web", "odoo-web-2"):
        volumes = compose["services"][name]["volumes"]
        assert any(str(v).startswith("odoo-data:/var/lib/odoo") for v in volumes)


@pytest.mark.parametrize(
    ("env", "message"),
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
def test_entrypoint_refuses_to_start_without_secrets(env, message):
    result = subprocess.run(
        ["bash", str(ROOT / "docker" / "entrypoint.sh")],
        env={"PATH": os.environ["PATH"], "ODOO_DB_NAME": "etp", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 78
    assert message in result.stderr


def test_web_launcher_runs_no_gevent_child(live_db):
    """docker/odoo_web.py, as the image's web service runs it: HTTP workers
    answer, and the master started no gevent process of its own."""
    server = OdooServer(
        live_db,
        ROOT / ".state" / "live-web-launcher.log",
        cron_threads=0,
        program=ROOT / "docker" / "odoo_web.py",
    )
    with server:
        children = server.wait_for_children(gevent=False)
        assert sorted(children.values()) == ["http", "http"], children
        assert "Evented Service" not in server.log_text()
        assert not server.log_problems(), server.log_problems()
