"""Reading supplier attendance lists (CSV, TSV/TXT, XLSX, XLS, ODS) into clean rows.

Pure parsing: nothing here touches the database. See parsing.parse_attendance_file.
"""

from imports.reading.fields import (
    DEFAULT_ALIASES,
    ColumnAssignment,
    ColumnGuess,
    Field,
    assign_columns,
    header_field_scores,
    normalise_header,
)
from imports.reading.parsing import AttendanceRow, ParsedFile, Problem, parse_attendance_file
from imports.reading.skipped import SkippedRow, SkipReason
from imports.reading.values import Attendance, ValueProblem

__all__ = [
    "DEFAULT_ALIASES",
    "Attendance",
    "AttendanceRow",
    "ColumnAssignment",
    "ColumnGuess",
    "Field",
    "ParsedFile",
    "Problem",
    "SkipReason",
    "SkippedRow",
    "ValueProblem",
    "assign_columns",
    "header_field_scores",
    "normalise_header",
    "parse_attendance_file",
]
