# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Limits on the files a requester attaches, shared by the public form
(``/support``) and the portal's new-ticket form (``/submitted/ticket``): the
number of files, the size of each and of all, and their type
(``lib/uploads.py``). Files are read no further than the limits allow."""

import logging
import os

from odoo.http import request

from ..lib import uploads

_logger = logging.getLogger(__name__)

PARAM_MAX_FILE_MB = "etp_helpdesk.form_max_upload_mb"
PARAM_MAX_TOTAL_MB = "etp_helpdesk.form_max_upload_total_mb"
PARAM_EXTENSIONS = "etp_helpdesk.form_allowed_extensions"
DEFAULT_MAX_FILE_MB = 10
DEFAULT_MAX_TOTAL_MB = 25
MAX_FILES = 10


def param_number(key, default):
    """A non-negative number from a system parameter, else ``default``."""
    raw = request.env["ir.config_parameter"].sudo().get_param(key)
    try:
        value = float(raw) if raw not in (None, False, "") else default
    except ValueError:
        _logger.warning("System parameter %s=%r is not a number", key, raw)
        value = default
    return max(value, 0)


def format_mb(value):
    return f"{value:g}"


def limits():
    """The limits in force: sizes in MB, count and allowed extensions."""
    return {
        "max_file_mb": param_number(PARAM_MAX_FILE_MB, DEFAULT_MAX_FILE_MB),
        "max_total_mb": param_number(PARAM_MAX_TOTAL_MB, DEFAULT_MAX_TOTAL_MB),
        "max_files": MAX_FILES,
        "extensions": uploads.parse_extensions(
            request.env["ir.config_parameter"].sudo().get_param(PARAM_EXTENSIONS)
        ),
    }


def read_uploads(field, rewind=False):
    """Read the files uploaded as ``field`` within the limits.

    :param bool rewind: leave each accepted file's stream at its start, for
        code that reads it again (upstream's portal controller).
    :return: ``(files, messages, had_files)``: the accepted files as
        ``(name, content)`` pairs, the user's error messages (empty when all
        is well) and whether any file was sent.
    """
    env = request.env
    limit = limits()
    max_file = int(limit["max_file_mb"] * 1024 * 1024)
    max_total = int(limit["max_total_mb"] * 1024 * 1024)
    storages = [
        storage
        for storage in request.httprequest.files.getlist(field)
        if storage.filename
    ]
    messages = []
    if len(storages) > MAX_FILES:
        messages.append(
            env._("Please attach at most %(count)s files.", count=MAX_FILES)
        )
    files = []
    total = 0
    for storage in storages[:MAX_FILES]:
        name = os.path.basename(storage.filename.replace("\\", "/"))[:255]
        content = storage.read(max_file + 1)
        if rewind:
            storage.stream.seek(0)
        if len(content) > max_file:
            messages.append(
                env._(
                    "%(name)s is larger than %(size)s MB.",
                    name=name,
                    size=format_mb(limit["max_file_mb"]),
                )
            )
            continue
        if not uploads.is_allowed(name, content[:8], limit["extensions"]):
            messages.append(
                env._(
                    "%(name)s: files of this type are not accepted. Please attach "
                    "documents, images, signatures or archives (%(extensions)s).",
                    name=name,
                    extensions=", ".join(limit["extensions"]),
                )
            )
            continue
        total += len(content)
        if content:
            files.append((name or "attachment", content))
    if total > max_total:
        messages.append(
            env._(
                "The files together are larger than %(size)s MB.",
                size=format_mb(limit["max_total_mb"]),
            )
        )
    return files, messages, bool(storages)
