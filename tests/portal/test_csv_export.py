"""CSV downloads: no cell a spreadsheet could run as a formula, and every cell quoted."""

import csv
import io

import pytest

from core.csv_export import csv_cell, csv_response


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Safer Northbridge campus", "Safer Northbridge campus"),
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t'=1+1"),
        ("\rtext", "'\rtext"),
        (" =1+1", " '=1+1"),
        # Anything a spreadsheet may split a cell at (Excel in many locales splits at ";").
        ("Eastmoor;=cmd|' /C calc'!A0", "Eastmoor;'=cmd|' /C calc'!A0"),
        ("Eastmoor,=cmd|' /C calc'!A0", "Eastmoor,'=cmd|' /C calc'!A0"),
        ("Eastmoor\t=cmd|' /C calc'!A0", "Eastmoor\t'=cmd|' /C calc'!A0"),
        ("Eastmoor\n=cmd|' /C calc'!A0", "Eastmoor\n'=cmd|' /C calc'!A0"),
        ("Eastmoor\r\n@SUM(1)", "Eastmoor\r\n'@SUM(1)"),
        ("Eastmoor; \n -1+1", "Eastmoor; \n '-1+1"),
        ("a;=b;+c", "a;'=b;'+c"),
        # Not after a separator: left alone.
        ("Patterns of behaviour - reporting", "Patterns of behaviour - reporting"),
        ("x = y", "x = y"),
        ("2026-05-01", "2026-05-01"),
        (None, ""),
        (12, "12"),
    ],
)
def test_formulas_are_neutralised_wherever_a_cell_could_start(value, expected):
    assert csv_cell(value) == expected


def test_every_cell_is_quoted():
    response = csv_response([["Title", 3, None], ["Eastmoor;=cmd", "", "a\nb"]], "x.csv")
    body = b"".join(response.streaming_content).decode()
    assert body == '"Title","3",""\r\n"Eastmoor;\'=cmd","","a\nb"\r\n'
    assert list(csv.reader(io.StringIO(body))) == [["Title", "3", ""], ["Eastmoor;'=cmd", "", "a\nb"]]
