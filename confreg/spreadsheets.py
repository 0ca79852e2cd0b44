"""Exports that spreadsheet programs open safely, as CSV or XLSX: UTF-8 they recognise,
formulas neutralised, rows streamed (CSV) or written to disk as they come (XLSX), so
that a long export neither times out nor fills memory."""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, time
from typing import Any

from flask import Response, stream_with_context
from openpyxl import Workbook

#: A spreadsheet reads a formula from a cell starting with one of these; a value that
#: does (a delegate can type "=HYPERLINK(...)" as an organisation) gets a quote first.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    def lines():
        out = io.StringIO()
        writer = csv.writer(out)
        out.write("\ufeff")  # the byte-order mark makes spreadsheets read UTF-8
        writer.writerow(safe_cell(value) for value in header)
        for row in rows:
            writer.writerow(safe_cell(value) for value in row)
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        yield out.getvalue()

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def xlsx_response(
    filename: str, title: str, header: list[str], rows: Iterable[Iterable[Any]]
) -> Response:
    """A one-sheet workbook; numbers, dates and times keep their types, text that a
    spreadsheet would run as a formula is neutralised (openpyxl stores it as one)."""
    return Response(
        stream_with_context(_workbook(title, header, rows)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _workbook(title: str, header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)  # rows go to a temporary file as they come
    sheet = workbook.create_sheet(title[:31])
    sheet.append([safe_cell(value) for value in header])
    for row in rows:
        sheet.append([_typed_cell(value) for value in row])
    with tempfile.TemporaryFile() as out:
        workbook.save(out)
        out.seek(0)
        while chunk := out.read(64 * 1024):
            yield chunk


def _typed_cell(value: Any) -> Any:
    if isinstance(value, (bool, int, float, date, time)) or value is None:
        return value
    return safe_cell(value)
