"""Render an Odoo configuration template, filling ${NAME} and ${NAME:-default}.

Usage: render_conf.py TEMPLATE [KEY=VALUE ...]
Extra KEY=VALUE pairs override or add options in the [options] section.
A ${NAME} without default whose variable is unset is an error, so a missing
secret never turns into an empty password silently.
"""

import os
import re
import sys

PATTERN = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}")


def render(text, env):
    def substitute(match):
        name, default = match.group(1), match.group(2)
        if name in env and env[name] != "":
            return env[name]
        if default is not None:
            return default
        raise SystemExit(f"render_conf: environment variable {name} is required")

    return "\n".join(
        line if line.lstrip().startswith(";") else PATTERN.sub(substitute, line)
        for line in text.splitlines()
    )


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    with open(argv[1], encoding="utf-8") as handle:
        text = render(handle.read(), os.environ)
    overrides = dict(arg.split("=", 1) for arg in argv[2:])
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if "=" in line and not line.lstrip().startswith(";") and key in overrides:
            line = f"{key} = {overrides.pop(key)}"
        lines.append(line)
    lines.extend(f"{key} = {value}" for key, value in overrides.items())
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv)
