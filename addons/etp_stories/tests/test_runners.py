# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Both test runners see every test.

The README's test command (`make test`) runs the tests through pytest-odoo;
OCA's CI and anyone else run them with Odoo's own runner, `odoo-bin
--test-tags`, which only finds test classes of the modules a ``tests``
package imports, and only Odoo test cases among them. A pytest-only test (a
test function, a module missing from ``tests/__init__.py``, a test inherited
by a subclass, a class imported into another test module) is one that Odoo's
runner never runs: this check lists them.

Both collections run in a fresh interpreter: in the test process, whatever
the running runner imported already would look like part of a ``tests``
package to Odoo's loader.
"""

import subprocess
import sys

from odoo.tests import BaseCase, loader, tagged
from odoo.tests.tag_selector import TagsSelector
from odoo.tools import config

from .common import LiveCase
from .live.odooserver import ROOT

ADDONS = ("etp_helpdesk", "etp_escalation", "etp_incident", "etp_stories")
# What README.md gives to odoo-bin: every standard test of the four addons.
TEST_TAGS = ",".join(f"/{addon}" for addon in ADDONS)


def loader_test_ids():
    """The tests Odoo's loader finds for ``--test-tags TEST_TAGS``, named as
    pytest names them (path::Class::method)."""
    selector = TagsSelector(TEST_TAGS)
    found = set()
    for addon in ADDONS:
        for module in loader.get_test_modules(addon):
            for test in loader.get_module_test_cases(module):
                if not selector.check(test):
                    continue
                path = test.__module__.removeprefix("odoo.addons.").replace(".", "/")
                found.add(
                    f"addons/{path}.py::{type(test).__name__}::{test._testMethodName}"
                )
    return found


# Odoo's loader in a fresh interpreter, on the configuration of the test run.
LOADER = """
import sys
from odoo.modules.module import initialize_sys_path
from odoo.tools import config
config.parse_config(["-c", sys.argv[1]])
initialize_sys_path()
from odoo.addons.etp_stories.tests.test_runners import loader_test_ids
print("\\n".join(sorted(loader_test_ids())))
"""


def _run(argv, what):
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode:
        raise AssertionError(
            f"{what} could not collect the tests:\n{result.stdout[-3000:]}"
            f"\n{result.stderr[-3000:]}"
        )
    return result.stdout


def odoo_test_ids():
    out = _run([sys.executable, "-c", LOADER, config.rcfile], "Odoo's loader")
    return {line.strip() for line in out.splitlines() if "::" in line}


def pytest_test_ids():
    """The tests pytest-odoo collects in the four addons, as `make test`
    runs it (collection only: no database is touched)."""
    database = config["db_name"]
    if isinstance(database, list):
        database = database[0]
    out = _run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q"]
        + ["-p", "no:cacheprovider", f"--odoo-config={config.rcfile}"]
        + [f"--odoo-database={database}"]
        + [f"addons/{addon}" for addon in ADDONS],
        "pytest",
    )
    return {line.strip() for line in out.splitlines() if "::" in line}


class TestBothRunners(LiveCase):
    """Runs pytest (a program outside the test process): tag ``etp_live``."""

    def test_odoo_runner_and_pytest_collect_the_same_tests(self):
        odoo_ids, pytest_ids = odoo_test_ids(), pytest_test_ids()
        self.assertGreater(len(odoo_ids), 500)
        self.assertFalse(
            sorted(pytest_ids - odoo_ids),
            "pytest runs these tests, Odoo's runner does not (a test function, "
            "a test module missing from tests/__init__.py, an inherited or "
            "imported test class?)",
        )
        self.assertFalse(
            sorted(odoo_ids - pytest_ids),
            "Odoo's runner runs these tests, pytest does not",
        )


# The one query-count harness of the suite.
HARNESS = "addons/etp_helpdesk/tests/common.py"
COUNTER = "sql_log" + "_count"  # the cursor's counter (spelt so as not to match here)


@tagged("post_install", "-at_install")
class TestOneQueryCountHarness(BaseCase):
    """Reads the test files: no database."""

    def test_only_the_harness_reads_the_query_counter(self):
        """A test measures queries with ``EtpHelpdeskCommon._count_queries``
        (or ``assertQueryCount``), never with a copy of its own."""
        copies = [
            f"{path.relative_to(ROOT)}:{number}"
            for path in sorted((ROOT / "addons").glob("*/tests/**/*.py"))
            if str(path.relative_to(ROOT)) != HARNESS
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
            if COUNTER in line
        ]
        self.assertFalse(
            copies, f"query counting outside {HARNESS} (use _count_queries)"
        )
