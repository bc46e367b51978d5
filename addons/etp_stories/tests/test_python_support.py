# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The code runs on the Pythons that Odoo 18 supports (3.10 to 3.12), as the
wheels' metadata and ruff's target say.

Only Python 3.11 is installed on the development machine, so the code is read
rather than run under 3.10: it must parse with 3.10's grammar and use nothing
of the standard library that 3.10 lacks. The wheels are built with `pip wheel`
exactly as the Docker image builds them, and their `Requires-Python` must
admit 3.10.
"""

import ast
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

from .common import LiveCase
from .live.odooserver import ROOT

ADDONS = ("etp_helpdesk", "etp_escalation", "etp_incident")
OLDEST = (3, 10)

# Standard-library names that Python 3.10 does not have (added in 3.11 or 3.12).
NEW_MODULES = {"tomllib", "wsgiref.types"}
NEW_NAMES = {
    "datetime": {"UTC"},
    "enum": {"StrEnum", "ReprEnum", "verify", "EnumCheck", "member", "nonmember"},
    "typing": {
        "Self",
        "LiteralString",
        "Never",
        "assert_never",
        "assert_type",
        "reveal_type",
        "Required",
        "NotRequired",
        "TypeVarTuple",
        "Unpack",
        "override",
        "TypeAliasType",
    },
    "asyncio": {"TaskGroup", "timeout", "timeout_at", "Runner"},
    "contextlib": {"chdir"},
    "hashlib": {"file_digest"},
    "itertools": {"batched"},
    "operator": {"call"},
}
NEW_BUILTINS = {"ExceptionGroup", "BaseExceptionGroup"}


def _python_files():
    for folder in ("addons", "scripts", "config"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path
    yield ROOT / "conftest.py"


def _problems(path):
    source = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source, str(path), feature_version=OLDEST)
    except SyntaxError as exc:
        return [f"{path}:{exc.lineno}: not Python 3.10 syntax: {exc.msg}"]
    found = []
    # Names bound by `import module [as alias]`, to see `alias.NEW_NAME`.
    module_aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in NEW_MODULES:
                    found.append(f"{path}:{node.lineno}: module {alias.name} (3.11+)")
                module_aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.module in NEW_MODULES:
                found.append(f"{path}:{node.lineno}: module {node.module} (3.11+)")
            for alias in node.names:
                if alias.name in NEW_NAMES.get(node.module, ()):
                    found.append(
                        f"{path}:{node.lineno}: {node.module}.{alias.name} (3.11+)"
                    )
        elif isinstance(node, ast.TryStar):
            found.append(f"{path}:{node.lineno}: except* (3.11+)")
        elif isinstance(node, ast.Name) and node.id in NEW_BUILTINS:
            found.append(f"{path}:{node.lineno}: {node.id} (3.11+)")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = module_aliases.get(node.value.id)
            if module and node.attr in NEW_NAMES.get(module, ()):
                found.append(f"{path}:{node.lineno}: {module}.{node.attr} (3.11+)")
    return found


class TestPythonSupport(LiveCase):
    """Reads every Python file and runs `pip wheel`: no database needed."""

    def test_code_runs_on_python_3_10(self):
        problems = [line for path in _python_files() for line in _problems(path)]
        self.assertFalse(
            problems, "Not supported by Python 3.10:\n" + "\n".join(problems)
        )

    def test_the_checker_sees_python_3_11_constructs(self):
        tmp_path = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp_path)
        sample = tmp_path / "sample.py"
        sample.write_text(
            "import datetime\nfrom datetime import UTC\nfrom enum import StrEnum\n"
            "now = datetime.datetime.now(datetime.UTC)\n"
            "try:\n    pass\nexcept* ValueError:\n    pass\n",
            encoding="utf-8",
        )
        self.assertTrue(_problems(sample))  # a syntax error under 3.10's grammar
        sample.write_text(
            "import datetime as dt\nfrom datetime import UTC\n"
            "now = dt.datetime.now(dt.UTC)\n",
            encoding="utf-8",
        )
        self.assertEqual(len(_problems(sample)), 2)

    def test_ruff_targets_the_oldest_python(self):
        config = (ROOT / "ruff.toml").read_text(encoding="utf-8")
        self.assertTrue(re.search(r'^target-version = "py310"$', config, re.M))

    def test_wheels_require_python_3_10(self):
        """`pip wheel` builds each addon as the image does; the metadata admits
        3.10 and, by the series, the Pythons Odoo 18 runs on."""
        with tempfile.TemporaryDirectory() as out:
            subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
                + ["--disable-pip-version-check", "--wheel-dir", out]
                + [str(ROOT / "addons" / name) for name in ADDONS],
                check=True,
                capture_output=True,
            )
            wheels = sorted(pathlib.Path(out).glob("*.whl"))
            self.assertEqual(len(wheels), len(ADDONS), wheels)
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as archive:
                    name = next(
                        n for n in archive.namelist() if n.endswith("/METADATA")
                    )
                    metadata = archive.read(name).decode()
                match = re.search(r"^Requires-Python: (.+)$", metadata, re.M)
                self.assertTrue(match, f"{wheel.name}: no Requires-Python")
                self.assertEqual(
                    match.group(1).strip(), ">=3.10", (wheel.name, match.group(1))
                )
                self.assertIn("Framework :: Odoo :: 18.0", metadata)
