"""The attack test: can a reader of the ICOP CSV exports work out a hidden figure?

Eight consecutive quarters of the demo data (fixed seed) are compiled as the app does it,
and one quarter is corrected and compiled again, so that two versions of it can be
downloaded. An attacker reads only the CSV files (the departments table and the trend
chart of every report) and what the published rule tells them, and then, per hidden
count of people (memberships requiring training, trained, untrained), asks a linear
program for the smallest and largest value that fits every published figure:

(a) within one column: the visible cells, the printed total and "a hidden group is at
    least 1", since empty groups are printed as 0;
(b) the "below target" remark: a share below the target is t < 0.8 m;
(c) the previous-quarter columns and the change against the earlier report;
(d) the two versions of one quarter: the rows the correction did not touch are equal
    (the attacker is told which rows those are: a stronger attacker than any reader);
(e) everything at once, with every linked total: the row sums, every visible share as an
    interval of its rounding, the total shares of the trend chart.

It runs as an outsider and once per ministry as an insider who knows every cell of their
own ministry in every quarter and version. It passes when every hidden count's feasible
range is at least REPORT_SUPPRESSION_THRESHOLD wide.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from io import StringIO

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from scipy.optimize import linprog
from scipy.sparse import csr_array

from committees.models import CommitteeMembership, CommitteeStatus
from departments.models import Department
from reports.figures import memberships_by_department, target_share
from reports.models import ReportSnapshot, Trigger
from reports.quarters import Quarter
from reports.services import report_compile, snapshot_file

pytestmark = pytest.mark.django_db

QUARTERS = [str(q) for q in Quarter.parse("2026Q3").last_n(8)]
CORRECTED = "2025Q4"
COUNTS = ("m", "t", "u")
ATTACKS = {
    "a": {"a"},
    "a+b": {"a", "b"},
    "a+c": {"a", "c"},
    "a+d": {"a", "d"},
    "e (all)": {"a", "b", "c", "d", "e"},
}
# The printed shares have one decimal in percent: a half-width of 0.05 points.
ROUNDING = 0.0005
# (attack, {variable: coefficient}, low, high): low <= the sum <= high; None is open.
Constraint = tuple[str, dict[int, float], float | None, float | None]


@dataclass
class Published:
    """What one downloaded report shows (parsed from its CSV files only)."""

    dataset: str  # the figures of this quarter as they stood when it was compiled
    previous: str  # the figures of the quarter before, as they stood then
    rows: dict[str, dict[str, str]]
    total: dict[str, str]
    chart: dict[str, str]  # quarter -> total share trained, as printed


@dataclass
class Attack:
    """A linear program over the unknown counts: variable (dataset, code, m|t|u)."""

    published: list[Published]
    truth: dict[str, dict[str, tuple[int, int]]]  # dataset -> code -> (memberships, trained)
    changed: set[str]  # codes whose figures the correction changed
    threshold: int
    index: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def var(self, dataset: str, code: str, count: str) -> int:
        return self.index.setdefault((dataset, code, count), len(self.index))

    def constraints(self, kinds: set[str], insider: str | None) -> Iterator[Constraint]:
        """(kind, {var: coefficient}, low, high): low <= sum <= high."""
        remark = gettext("Below target")
        flags_on_hidden = any(
            remark in row["remarks"] and not row["share"].strip()[:1].isdigit()
            for report in self.published
            for row in report.rows.values()
        )
        target = float(target_share())
        # The old rule printed "<5": every hidden count was claimed to be at least 1.
        claims_small = any(
            cell.startswith("<")
            for report in self.published
            for row in report.rows.values()
            for cell in row.values()
        )
        covered = {report.dataset: list(report.rows) for report in self.published}
        for report in self.published:
            d = report.dataset
            for code, row in report.rows.items():
                for count in COUNTS:
                    value = _int(row[count])
                    v = self.var(d, code, count)
                    if value is not None:
                        yield "a", {v: 1}, value, value
                    else:
                        # A hidden group is never empty: empty groups are printed as 0.
                        yield "a", {v: 1}, (1 if count == "m" or claims_small else 0), None
                yield (
                    "e",
                    {
                        self.var(d, code, "m"): 1,
                        self.var(d, code, "t"): -1,
                        self.var(d, code, "u"): -1,
                    },
                    0,
                    0,
                )
                share = _share(row["share"])
                if share is not None:
                    yield from _ratio("e", self, d, [code], share - ROUNDING, share + ROUNDING)
                below = remark in row["remarks"]
                if below:
                    yield from _ratio("b", self, d, [code], None, target)
                elif flags_on_hidden and share is None and row["m"] != "":
                    yield from _ratio("b", self, d, [code], target, None)
                before = _share(row["previous"])
                if before is not None:
                    yield from _ratio(
                        "c", self, report.previous, [code], before - ROUNDING, before + ROUNDING
                    )
                change = _share(row["change"])
                if change is not None:
                    # share now = share before + change; one of them printed, both rounded.
                    delta = change / 100
                    if share is None and before is not None:
                        low, high = before + delta - 2 * ROUNDING, before + delta + 2 * ROUNDING
                        yield from _ratio("c", self, d, [code], low, high)
                    if before is None and share is not None:
                        low, high = share - delta - 2 * ROUNDING, share - delta + 2 * ROUNDING
                        yield from _ratio("c", self, report.previous, [code], low, high)
            codes = list(report.rows)
            for count in COUNTS:
                total = _int(report.total[count])
                if total is not None:
                    yield "a", {self.var(d, c, count): 1 for c in codes}, total, total
            for quarter, printed in report.chart.items():
                point = _share(printed)
                dataset = d if quarter == d.split("/")[0] else f"{quarter}/v1"
                if point is not None and dataset in covered:
                    yield from _ratio(
                        "e", self, dataset, covered[dataset], point - ROUNDING, point + ROUNDING
                    )
        if "d" in kinds:
            for code in self.truth[f"{CORRECTED}/v1"]:
                if code not in self.changed:
                    for count in COUNTS:
                        v1 = self.var(f"{CORRECTED}/v1", code, count)
                        v2 = self.var(f"{CORRECTED}/v2", code, count)
                        yield "d", {v1: 1, v2: -1}, 0, 0
        if insider is not None:
            for dataset, figures in self.truth.items():
                if insider in figures:
                    m, t = figures[insider]
                    for count, value in zip(COUNTS, (m, t, m - t), strict=True):
                        yield "insider", {self.var(dataset, insider, count): 1}, value, value

    def hidden(self) -> set[tuple[str, str, str]]:
        return {
            (report.dataset, code, count)
            for report in self.published
            for code, row in report.rows.items()
            for count in COUNTS
            if _int(row[count]) is None
        }

    def narrow(self, kinds: set[str], insider: str | None) -> dict[tuple[str, str, str], float]:
        """Per hidden cell of another ministry: the width of its feasible range."""
        rows = [c for c in self.constraints(kinds, insider) if c[0] in kinds | {"insider"}]
        size = len(self.index)
        upper: list[tuple[dict[int, float], float]] = []
        equal: list[tuple[dict[int, float], float]] = []
        for _kind, coefficients, low, high in rows:
            if low is not None and low == high:
                equal.append((coefficients, low))
                continue
            if high is not None:
                upper.append((coefficients, high))
            if low is not None:
                upper.append(({v: -c for v, c in coefficients.items()}, -low))
        a_ub, b_ub = _sparse(upper, size)
        a_eq, b_eq = _sparse(equal, size)
        widths = {}
        for cell in sorted(self.hidden()):
            if cell[1] == insider:
                continue
            objective = np.zeros(size)
            objective[self.index[cell]] = 1
            bounds = []
            for direction in (1, -1):
                found = linprog(
                    direction * objective,
                    A_ub=a_ub,
                    b_ub=b_ub,
                    A_eq=a_eq,
                    b_eq=b_eq,
                    bounds=(0, None),
                    method="highs",
                )
                assert found.status in (0, 3), found.message  # 3: unbounded
                bounds.append(direction * found.fun if found.status == 0 else np.inf)
            widths[cell] = bounds[1] - bounds[0]
        return widths


def _sparse(
    lines: list[tuple[dict[int, float], float]], size: int
) -> tuple[csr_array | None, np.ndarray | None]:
    if not lines:
        return None, None
    entries = [(i, v, c) for i, (line, _b) in enumerate(lines) for v, c in line.items()]
    row, column, data = zip(*entries, strict=True)
    matrix = csr_array((data, (row, column)), shape=(len(lines), size))
    return matrix, np.array([b for _line, b in lines])


def _int(text: str) -> int | None:
    return int(text) if text.strip().lstrip("-").isdigit() else None


def _share(text: str) -> float | None:
    try:
        return float(Decimal(text.replace(",", "."))) / 100
    except ArithmeticError:
        return None


def _ratio(kind, attack, dataset, codes, low, high) -> Iterator[Constraint]:
    """low <= sum(t) / sum(m) <= high, written linearly: t - low m >= 0, t - high m <= 0."""
    if low is not None:
        yield kind, _combine(attack, dataset, codes, -low), 0, None
    if high is not None:
        yield kind, _combine(attack, dataset, codes, -high), None, 0


def _combine(attack, dataset, codes, factor) -> dict[int, float]:
    line: dict[int, float] = {}
    for code in codes:
        line[attack.var(dataset, code, "t")] = 1.0
        line[attack.var(dataset, code, "m")] = factor
    return line


# --- Reading the downloads ---------------------------------------------------------------


def _csv_files(snapshot: ReportSnapshot) -> dict[str, list[list[str]]]:
    archive = zipfile.ZipFile(
        io.BytesIO(bytes(snapshot_file(snapshot=snapshot, fmt="csv").content))
    )
    return {
        name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"))
        for name in archive.namelist()
    }


def _published(snapshot: ReportSnapshot, dataset: str, previous: str) -> Published:
    quarter = snapshot.quarter
    files = _csv_files(snapshot)
    table = files[f"icop_{quarter}_departments.csv"]
    header = table[0]
    at = {
        "code": header.index(gettext("Code")),
        "m": header.index(gettext("Memberships requiring training")),
        "t": header.index(gettext("Trained memberships")),
        "u": header.index(gettext("Untrained memberships")),
        "share": header.index(f"{gettext('Share trained')} (%)"),
        "previous": header.index(f"{gettext('Share trained, previous quarter')} (%)"),
        "change": header.index(gettext("Change (percentage points)")),
        "remarks": header.index(gettext("Remarks")),
    }
    rows = {}
    for line in table[1:-1]:
        if line[at["m"]] == "":
            continue  # no data: not in the total
        rows[line[at["code"]]] = {key: line[i] for key, i in at.items()}
    total = {key: table[-1][i] for key, i in at.items()}
    chart = {line[0]: line[1] for line in files[f"icop_{quarter}_trend-compliance.csv"][1:]}
    return Published(dataset, previous, rows, total, chart)


def _truth(quarter: str) -> dict[str, tuple[int, int]]:
    q = Quarter.parse(quarter)
    codes = dict(Department.objects.values_list("pk", "code"))
    return {
        codes[pk]: (figures["memberships"], figures["trained"])
        for (_key, pk), figures in memberships_by_department(q, q).items()
    }


def _correct(quarter: str, covered: Iterable[str]) -> set[str]:
    """A correction: one membership of the quarter's smallest group is removed."""
    q = Quarter.parse(quarter)
    memberships = (
        CommitteeMembership.objects.with_training_status()
        .filter(
            requires_training=True,
            committee__interview_date__gte=q.start,
            committee__interview_date__lte=q.end,
        )
        .exclude(committee__status=CommitteeStatus.CANCELLED)
        .select_related("committee__department")
    )
    by_code: dict[str, list[CommitteeMembership]] = {}
    for membership in memberships:
        by_code.setdefault(membership.committee.department.code, []).append(membership)
    code = min(set(by_code) & set(covered), key=lambda c: (len(by_code[c]), c))
    by_code[code][0].delete()
    return {code}


def _compile_and_download() -> Attack:
    call_command(
        "seed_demo",
        stdout=StringIO(),
        today=datetime.date(2026, 11, 29),
        seed=2021,
        scale=0.5,
        password="demo",
    )
    published: list[Published] = []
    truth: dict[str, dict[str, tuple[int, int]]] = {}
    for index, quarter in enumerate(QUARTERS):
        truth[f"{quarter}/v1"] = _truth(quarter)
        snapshot, _created = report_compile(
            kind="icop", quarter=quarter, requested_by=None, trigger=Trigger.COMMAND
        )
        previous = f"{QUARTERS[index - 1]}/v1" if index else "before"
        published.append(_published(snapshot, f"{quarter}/v1", previous))
    changed = _correct(CORRECTED, published[QUARTERS.index(CORRECTED)].rows)
    truth[f"{CORRECTED}/v2"] = _truth(CORRECTED)
    snapshot, created = report_compile(
        kind="icop", quarter=CORRECTED, requested_by=None, trigger=Trigger.COMMAND
    )
    assert created
    assert snapshot.version == 2
    before = QUARTERS[QUARTERS.index(CORRECTED) - 1]
    published.append(_published(snapshot, f"{CORRECTED}/v2", f"{before}/v1"))
    return Attack(published, truth, changed, settings.REPORT_SUPPRESSION_THRESHOLD)


def test_no_attack_on_eight_quarters_of_csv_narrows_a_hidden_count_below_the_threshold():
    with translation.override("nl"):
        attack = _compile_and_download()
    # The seeded quarters must hide something, or the attack would prove nothing.
    assert len(attack.hidden()) >= 10
    assert len(attack.published) == 9
    # Attack (e) uses every constraint of (a)-(d) and more, so a range it leaves wide
    # enough is wide enough under each of them: running (e) per viewer covers them all.
    codes = sorted({code for report in attack.published for code in report.rows})
    found = {}
    for viewer in [None, *codes]:
        widths = attack.narrow(ATTACKS["e (all)"], viewer)
        narrow = {cell: round(w, 2) for cell, w in widths.items() if w < attack.threshold}
        if narrow:
            found[viewer or "outsider"] = narrow
    assert found == {}, found
