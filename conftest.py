"""pytest glue for Odoo tests: what Odoo's own runner gives a test and pytest-odoo
does not."""

import logging


def pytest_runtest_setup(item):
    # Odoo's runner gives each test case a logger; BaseCase.assertQueryCount logs
    # through it when the query count is asserted from a helper method (the
    # method's own source then lacks the `is_query_count` tag Odoo guesses).
    instance = getattr(item, "instance", None)
    if instance is not None and not hasattr(instance, "_logger"):
        instance._logger = logging.getLogger(type(instance).__module__)
