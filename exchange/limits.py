"""How much one import file may hold, checked before the work starts.

Why: a 580 KB XLSX holding 150 MB of sheet XML (660,000 rows) ran 435 s and left a 389 MB error report. An
XLSX is a zip archive: its entries declare their uncompressed sizes in the central directory, and Python's
``zipfile`` never inflates an entry past its declared size, so the sum of the declared sizes bounds the work,
and it is known before a byte is inflated. The numbers are rule numbers read through :func:`import_limit`
(settings ``PARTYWORK_IMPORT_MAX_ROWS``, ``PARTYWORK_IMPORT_MAX_UNCOMPRESSED_MB``,
``PARTYWORK_IMPORT_MAX_COMPRESSION_RATIO`` for now; the dated rules can take them over in that one function).
"""

from __future__ import annotations

import zipfile
from typing import IO, Any

from django.conf import settings

from core.phrases import Said

_ = Said  # the message keeps its id and parameters (a job shows it in the reader's language)

# Defaults: the benchmark's 1,000,000-row workbook (about 770 bytes of sheet XML per row, 10:1 compressed)
# fits; the reported bomb (150 MB of XML from 580 KB, 265:1) does not.
DEFAULTS = {
    "MAX_ROWS": 1_000_000,
    "MAX_UNCOMPRESSED_MB": 1024,
    "MAX_COMPRESSION_RATIO": 100,
}
# Below this many uncompressed bytes the ratio is not checked (a small, very regular sheet compresses well).
RATIO_FLOOR_BYTES = 8 * 1024 * 1024


class LimitExceeded(Exception):
    """The file is over a limit; the message says which, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def import_limit(name: str) -> int:
    """One import limit (``MAX_ROWS``, ``MAX_UNCOMPRESSED_MB``, ``MAX_COMPRESSION_RATIO``)."""
    return int(getattr(settings, f"PARTYWORK_IMPORT_{name}", DEFAULTS[name]))


def too_many_rows(rows: int) -> LimitExceeded:
    limit = import_limit("MAX_ROWS")
    return LimitExceeded(_("The file has more than %(limit)s data rows (%(rows)s). Split it into files of at "
                           "most %(limit)s rows and import them one after the other.")
                         % {"limit": limit, "rows": rows})


def check_text_size(size: int) -> None:
    """Refuse a CSV file larger than ``MAX_UNCOMPRESSED_MB`` (text is its own uncompressed size)."""
    limit_mb = import_limit("MAX_UNCOMPRESSED_MB")
    if size > limit_mb * 1024 * 1024:
        raise LimitExceeded(_("The file holds %(size)s MB, more than the %(limit)s MB one import may hold. Split "
                              "it into several files.")
                             % {"size": round(size / 1048576), "limit": limit_mb})


def check_archive(source: zipfile.ZipFile | IO[bytes] | str | Any) -> None:
    """Refuse an XLSX whose entries would inflate past ``MAX_UNCOMPRESSED_MB``, or by more than
    ``MAX_COMPRESSION_RATIO`` to 1 (a zip bomb), from its central directory alone. A file that is not a zip
    archive passes (the reader reports it as broken)."""
    if isinstance(source, zipfile.ZipFile):
        infos = source.infolist()
    else:
        try:
            with zipfile.ZipFile(source) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return
        finally:
            if hasattr(source, "seek"):
                source.seek(0)
    inflated = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    limit_mb = import_limit("MAX_UNCOMPRESSED_MB")
    if inflated > limit_mb * 1024 * 1024:
        raise LimitExceeded(_("The workbook unpacks to %(size)s MB, more than the %(limit)s MB one import may "
                              "hold. Split it into several files.")
                            % {"size": round(inflated / 1048576), "limit": limit_mb})
    ratio = import_limit("MAX_COMPRESSION_RATIO")
    if inflated > RATIO_FLOOR_BYTES and inflated > ratio * packed:
        raise LimitExceeded(_("The workbook unpacks to %(size)s MB from a %(packed)s KB file, which no member list "
                              "does (it may hold masses of repeated or formatted empty rows). Delete the empty "
                              "rows, or save the sheet as CSV UTF-8, and import again.")
                            % {"size": round(inflated / 1048576), "packed": round(packed / 1024)})
