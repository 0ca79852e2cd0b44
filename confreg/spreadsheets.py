"""CSV exports that spreadsheet programs open safely: UTF-8 they recognise, formulas
neutralised, rows streamed so that a long export never times out."""

import csv
import io
from collections.abc import Iterable

from flask import Response, stream_with_context

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
