"""Reading supplier attendance lists (CSV, TSV/TXT, XLSX, XLS, ODS) into clean rows.

Pure parsing: nothing here touches the database. See parsing.parse_attendance_file.
"""

from trainings.imports.fields import (
    DEFAULT_ALIASES,
    ColumnAssignment,
    ColumnGuess,
    Field,
    assign_columns,
    header_field_scores,
    normalise_header,
)
from trainings.imports.parsing import AttendanceRow, ParsedFile, Problem, parse_attendance_file
from trainings.imports.skipped import SkippedRow, SkipReason
from trainings.imports.values import Attendance, ValueProblem

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
