"""Cells for CSV files people open in spreadsheets."""

import re

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-\d+(\.\d+)?")


def safe_cell(value):
    """Return ``value`` for a CSV cell: text a spreadsheet would run as a formula gets a
    leading quote; negative numbers such as ``-1.630`` are data and stay as they are."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value
