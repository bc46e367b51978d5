"""Which files a requester may attach on the web form and the portal.

An allow-list of extensions: the documents, scans, screenshots, signatures,
certificates and logs that support asks for. Executables and scripts are not
on it, and a file whose first bytes are those of a Windows or Linux program is
refused whatever its name. HTML, SVG and XML (ЕИС documents are XML) are
served back as plain text by Odoo, so they need no special care here.
"""

import os

DEFAULT_EXTENSIONS = (
    # documents
    "pdf doc docx xls xlsx odt ods odp ppt pptx rtf txt csv xml json log "
    # images and scans
    "jpg jpeg png gif bmp tif tiff webp heic "
    # electronic signatures and certificates
    "sig sgn p7s p7m cer crt der pem "
    # archives of logs and documents
    "zip 7z rar"
).split()

# Magic numbers of native programs: Windows PE (MZ), ELF, Mach-O.
_PROGRAM_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
)


def parse_extensions(value):
    """The extensions of a comma or space separated setting, lower case and
    without dots; the default list when ``value`` is empty."""
    extensions = [
        item.strip().lstrip(".").lower()
        for item in (value or "").replace(",", " ").split()
        if item.strip().lstrip(".")
    ]
    return tuple(extensions) or DEFAULT_EXTENSIONS


def extension(filename):
    """The lower-case extension of ``filename``, without the dot."""
    return os.path.splitext(filename or "")[1].lstrip(".").lower()


def is_allowed(filename, head, extensions=DEFAULT_EXTENSIONS):
    """Whether a file named ``filename`` whose content starts with ``head``
    (bytes) may be attached."""
    if extension(filename) not in extensions:
        return False
    return not head.startswith(_PROGRAM_MAGIC)
