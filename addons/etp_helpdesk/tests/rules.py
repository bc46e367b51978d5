# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the pure-rule tests (``test_lib_*.py`` of the three addons) share.

They need no database: each file is an ``odoo.tests.BaseCase`` class tagged
``etp_rules``, so that both runners run them, pytest-odoo (`make test`) and
Odoo's own ``odoo-bin --test-tags``.
"""

import functools


def parametrize(names, cases):
    """``pytest.mark.parametrize`` for Odoo test classes: the decorated
    method becomes one test per case, named ``<method>_<index>``, which both
    runners collect and report on their own. ``names`` are the method's
    arguments (``"text, expected"``); each case gives their values (a tuple,
    or the value itself for a single name). A failing case says its values."""
    return _Cases(names, cases)


class _Cases:
    def __init__(self, names, cases):
        if isinstance(names, str):
            names = names.split(",")
        self.names = [name.strip() for name in names]
        self.cases = list(cases)
        self.func = None

    def __call__(self, func):
        self.func = func
        return self

    def __set_name__(self, owner, name):
        # Called once the class exists: the cases replace the method.
        delattr(owner, name)
        width = len(str(len(self.cases) - 1))
        for index, values in enumerate(self.cases):
            if len(self.names) == 1:
                values = (values,)
            args = dict(zip(self.names, values, strict=True))
            test_name = f"{name}_{index:0{width}d}"
            setattr(owner, test_name, self._test(test_name, args))

    def _test(self, test_name, args):
        func = self.func

        @functools.wraps(func)
        def test(case):
            with case.subTest(**args):
                func(case, **args)

        test.__name__ = test_name
        test.__qualname__ = f"{func.__qualname__.rsplit('.', 1)[0]}.{test_name}"
        return test
