"""Delegate lists as organisers upload them: CSV in the usual encodings and delimiters,
or XLSX, judged by content and size, read into headings and rows."""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from confreg.names import clean_text

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: An XLSX file is a zip: a small one can unpack to gigabytes.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

ENCODINGS = {
    "windows-1251": _l("Cyrillic (Windows-1251)"),
    "windows-1256": _l("Arabic and Persian (Windows-1256)"),
    "windows-1252": _l("Western European (Windows-1252)"),
    "iso-8859-1": _l("Western European (ISO-8859-1)"),
    "windows-1250": _l("Central European (Windows-1250)"),
    "windows-1253": _l("Greek (Windows-1253)"),
    "windows-1254": _l("Turkish (Windows-1254)"),
}
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Beginnings of files that are neither CSV nor XLSX but are often picked by mistake.
_OTHER_FORMATS = (b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")
_CSV_DELIMITERS = (",", ";", "\t")
_LOOKS_LIKE_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ImportRefused(Exception):
    """The file cannot be taken as a delegate list. `code` is stable; `message` says why
    in the organiser's language."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass
class Table:
    headings: list[str]
    #: (row number as a spreadsheet shows it, cells) for each row that is not blank.
    rows: list[tuple[int, list[Any]]]
    #: The text encoding a CSV file was read in; "" for XLSX.
    encoding: str = ""

    def column(self, heading: str) -> int:
        return self.headings.index(heading)

    def samples(self, heading: str, count: int = 3) -> list[str]:
        index = self.column(heading)
        values = (cell_text(cell(cells, index)) for _number, cells in self.rows)
        return list(islice((value for value in values if value), count))


def read_table(content: bytes, encoding: str = "") -> Table:
    """The headings and rows of a CSV or XLSX file, judged by its content, not its name.
    A CSV file in UTF-8 (with or without byte-order mark) or UTF-16 with one is read as
    such; otherwise in `encoding`, one of ENCODINGS."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportRefused(
            "too_large",
            _("The file is larger than %(size)d MB.", size=MAX_FILE_BYTES // 1024 // 1024),
        )
    if not content.strip():
        raise ImportRefused("empty", _("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _collect(_xlsx_rows(content), "")
    if content.startswith(_OTHER_FORMATS):
        raise _wrong_type()
    text, encoding = _decode(content, encoding)
    return _collect(_csv_rows(text), encoding)


def _wrong_type() -> ImportRefused:
    return ImportRefused(
        "wrong_type",
        _(
            "This is not a CSV or XLSX file. Save the list from your spreadsheet program "
            "as CSV or as an Excel workbook (.xlsx) and upload that."
        ),
    )


def _decode(content: bytes, chosen: str) -> tuple[str, str]:
    encoding = next((name for mark, name in _BYTE_ORDER_MARKS if content.startswith(mark)), "")
    if not encoding:
        if b"\x00" in content:  # text files have no NUL bytes; UTF-16 ones have a mark
            raise _wrong_type()
        try:
            return content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if chosen not in ENCODINGS:
                raise ImportRefused(
                    "encoding",
                    _(
                        "This file is not in UTF-8. Choose the encoding it was saved in "
                        "and upload it again."
                    ),
                ) from None
            encoding = chosen
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        label = ENCODINGS.get(encoding, encoding)
        raise ImportRefused(
            "encoding",
            _("The file cannot be read as %(encoding)s. Choose another encoding.", encoding=label),
        ) from None
    if "\x00" in text:
        raise _wrong_type()
    return text.removeprefix("\ufeff"), encoding


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    # The heading line, without its quoted parts, shows the delimiter; on a tie (a single
    # column) a comma.
    first_line = re.sub(r'"[^"]*"', "", text.lstrip("\r\n").split("\n", 1)[0])
    delimiter = max(_CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, 1)
    except csv.Error as error:
        raise ImportRefused(
            "unreadable",
            _("The file cannot be read as CSV (row %(row)d).", row=reader.line_num),
        ) from error


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _wrong_type() from None
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise _wrong_type()  # another zip: a Word or OpenDocument file, an archive
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused("too_large", _("The workbook is too large once unpacked."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportRefused(
            "unreadable", _("The workbook is damaged and cannot be read.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write wrong dimensions; read every cell
        yield from enumerate((list(row) for row in sheet.iter_rows(values_only=True)), 1)
    except Exception as error:  # read lazily: damage may show only now
        raise ImportRefused(
            "unreadable", _("The workbook is damaged and cannot be read.")
        ) from error
    finally:
        workbook.close()


def _collect(rows: Iterable[tuple[int, list[Any]]], encoding: str) -> Table:
    headings: list[str] | None = None
    data: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if not any(cell_text(cell) for cell in cells):
            continue
        if headings is None:
            headings = _headings(cells)
        elif len(data) == MAX_ROWS:
            raise ImportRefused(
                "too_many_rows",
                _(
                    "The file has more than %(max)d delegates. Split it into smaller files.",
                    max=MAX_ROWS,
                ),
            )
        else:
            data.append((number, cells))
    if headings is None:
        raise ImportRefused("empty", _("The file is empty."))
    if not data:
        raise ImportRefused("no_rows", _("The file has headings but no delegates below them."))
    return Table(headings, data, encoding)


def _headings(cells: list[Any]) -> list[str]:
    headings = [clean_text(cell_text(cell)) for cell in cells]
    while headings and not headings[-1]:
        headings.pop()
    if any(_LOOKS_LIKE_EMAIL.match(heading) for heading in headings):
        raise ImportRefused(
            "no_header",
            _(
                "The first row must hold the column headings, such as Given name and "
                "E-mail address; this file starts with a delegate. Add a row of headings."
            ),
        )
    seen = set()
    for heading in headings:
        if heading and heading in seen:
            raise ImportRefused(
                "duplicate_heading",
                _(
                    "Two columns have the heading %(heading)s. Give each its own heading.",
                    heading=heading,
                ),
            )
        seen.add(heading)
    return headings


def cell_text(value: Any) -> str:
    """A cell as text: XLSX cells come typed (numbers, dates), CSV cells as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def cell(cells: list[Any], index: int) -> Any:
    return cells[index] if index < len(cells) else None
