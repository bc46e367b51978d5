"""Run OCA helpdesk's own test suites with our three addons loaded.

Usage: upstream_tests.py EXCLUDE_FILE ODOO_OPTIONS...
(e.g. -c .state/test.conf -d DB --test-tags /helpdesk_mgmt,/helpdesk_mgmt_sla)

Odoo's own loader and runner (``odoo.tests.loader.make_suite`` and the suite
call ``run_suite`` makes, with ``--test-tags``) on a registry where every
installed module is loaded: upstream's tests then meet our overrides. (Run
through ``odoo-bin -u``, an upstream module's at-install tests would see only
the modules loaded before it, not ours.)

EXCLUDE_FILE lists the upstream tests that assert behaviour we refuse on
purpose, one ``module:Class.method`` per line (``#`` comments). They must fail
here: one that passes means the insecure behaviour came back. Any other
failure fails the run. Prints one line per test outcome and a summary; exits
non-zero on an unexpected result.
"""

import sys
import threading

import odoo
from odoo.modules.registry import Registry
from odoo.service import server
from odoo.tools import config


def test_key(test):
    """``module:Class.method`` of a test, as --test-tags spells it; for an
    error in a class set-up, ``module:Class.setUpClass``."""
    test = getattr(test, "test_case", None) or test  # a subtest's test
    if not hasattr(test, "_testMethodName"):  # unittest's _ErrorHolder
        # "setUpClass (odoo.addons.MODULE.tests.FILE.CLASS)"
        method, _sep, path = test.description.partition(" (")
        parts = path.rstrip(")").split(".")
        return f"{parts[2]}:{parts[-1]}.{method}"
    return f"{test.test_module}:{type(test).__name__}.{test._testMethodName}"


def read_exclusions(path):
    keys = set()
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if line:
                keys.add(line)
    return keys


def main(exclude_file, args):
    config.parse_config(args, setup_logging=True)
    config["test_enable"] = True
    # the test framework, once Odoo knows it runs tests
    from odoo.tests import loader
    from odoo.tests.result import OdooTestResult
    from odoo.tests.suite import OdooSuite

    class Result(OdooTestResult):
        """Odoo's result, remembering which tests failed."""

        def __init__(self):
            super().__init__()
            self.failed = set()

        def addError(self, test, err):
            self.failed.add(test_key(test))
            super().addError(test, err)

        def addFailure(self, test, err):
            self.failed.add(test_key(test))
            super().addFailure(test, err)

    expected_failures = read_exclusions(exclude_file)
    modules = sorted(
        {
            spec.strip().lstrip("/").split(":")[0]
            for spec in config["test_tags"].split(",")
        }
    )
    db = config["db_name"]
    threading.current_thread().dbname = db
    # the HttpCase tests need the server, found where odoo-bin puts it
    httpd = server.server = server.ThreadedServer(odoo.http.root)
    httpd.http_spawn()
    registry = Registry(db)
    suite = OdooSuite(
        list(loader.make_suite(modules, "at_install"))
        + list(loader.make_suite(modules, "post_install"))
    )
    tests = {test_key(test) for test in suite}
    unknown = expected_failures - tests
    if suite.has_http_case():
        with registry.cursor() as cr:
            odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})[
                "ir.qweb"
            ]._pregenerate_assets_bundles()
    odoo.modules.module.current_test = True
    threading.current_thread().testing = True
    result = Result()
    suite(result)
    threading.current_thread().testing = False
    httpd.stop()

    unexpected = result.failed - expected_failures
    insecure = (expected_failures & tests) - result.failed
    print(f"\nUpstream suites ({', '.join(modules)}): {result}")
    for key in sorted(tests):
        if key in unexpected:
            outcome = "FAILED"
        elif key in expected_failures:
            outcome = "refused (expected)" if key in result.failed else "PASSED"
        else:
            outcome = "ok"
        print(f"  {outcome:<20} {key}")
    problems = []
    if unexpected:
        problems.append(
            f"{len(unexpected)} upstream test(s) failed: {sorted(unexpected)}"
        )
    if insecure:
        problems.append(
            f"{len(insecure)} excluded test(s) passed, the insecure behaviour is "
            f"back: {sorted(insecure)}"
        )
    if unknown:
        problems.append(f"excluded tests not found: {sorted(unknown)}")
    if not result.testsRun:
        problems.append("no upstream test ran")
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
