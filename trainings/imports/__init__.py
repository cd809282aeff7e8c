"""Reading supplier attendance lists (CSV, XLSX, XLS, ODS) into clean rows.

Pure parsing: nothing here touches the database. See parsing.parse_attendance_file.
"""

from trainings.imports.fields import DEFAULT_ALIASES, Field, normalise_header
from trainings.imports.parsing import AttendanceRow, ParsedFile, Problem, parse_attendance_file
from trainings.imports.values import Attendance, ValueProblem

__all__ = [
    "DEFAULT_ALIASES",
    "Attendance",
    "AttendanceRow",
    "Field",
    "ParsedFile",
    "Problem",
    "ValueProblem",
    "normalise_header",
    "parse_attendance_file",
]
