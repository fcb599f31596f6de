"""CSV downloads: streamed row by row, with spreadsheet formulas neutralised (CSV injection)."""

import csv
import re

from django.http import StreamingHttpResponse


class _Echo:
    def write(self, value):
        return value


# A character that starts a formula, at the start of the cell or after anything a spreadsheet
# may split a cell at: a comma, a semicolon (the list separator in many locales), a tab or a
# line break, with any spaces between. Quoting keeps these inside one cell for a reader that
# honours it; the apostrophe protects the rest.
_FORMULA = re.compile(r"((?:^|[,;\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])\s*)([=+\-@])")


def csv_cell(value) -> str:
    """Text a spreadsheet could run as a formula gets an apostrophe before it, wherever it starts."""
    text = "" if value is None else str(value)
    text = _FORMULA.sub(r"\1'\2", text)
    if text[:1] in ("\t", "\r"):
        text = "'" + text
    return text


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    """Stream ``rows`` (an iterable of lists) as an attachment, every cell quoted; never cached."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    response = StreamingHttpResponse(
        (writer.writerow([csv_cell(value) for value in row]) for row in rows), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
