"""Compliance of every committee: the shared annotation against one query per member.

    python benchmarks/compliance.py [--scale 1] [--repeat 3] [--database NAME]

Baseline ("naive"): load the committees, then ask the database per member whether that
person attended a valid session before the interview (what a straightforward template
loop does). Ours: `SelectionCommittee.objects.with_compliance()`, one query.
Prints both times, the query counts and the ratio; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import time

from _setup import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default="", help="default: tm_bench_compliance_<scale>")
    args = parser.parse_args()
    database = args.database or f"tm_bench_compliance_{str(args.scale).replace('.', '_')}"
    setup_django(database, scale=args.scale)

    from django.db import connection

    from committees.models import SelectionCommittee
    from trainings.models import CompletionStatus, TrainingCompletion

    def naive() -> int:
        compliant = 0
        committees = SelectionCommittee.objects.prefetch_related("memberships")
        for committee in committees:
            ok = True
            for membership in committee.memberships.all():
                if membership.role == "external":
                    continue
                trained = TrainingCompletion.objects.filter(
                    person_id=membership.person_id,
                    status=CompletionStatus.ATTENDED,
                    session__cancelled=False,
                    session__date__lte=committee.interview_date,
                ).exists()
                ok = ok and trained
            compliant += ok
        return compliant

    def annotated() -> int:
        return sum(c.is_compliant for c in SelectionCommittee.objects.with_compliance())

    results = {}
    for name, func in [("naive (one query per member)", naive), ("with_compliance()", annotated)]:
        best = float("inf")
        for _ in range(args.repeat):
            count = [0]

            def counter(execute, sql, params, many, context, count=count):
                count[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                start = time.perf_counter()
                value = func()
                best = min(best, time.perf_counter() - start)
            queries_seen = count[0]
        results[name] = (best, queries_seen, value)
        print(f"{name:32} {best * 1000:9.1f} ms  {queries_seen:6d} queries  compliant={value}")
    (naive_time, _, naive_value), (ours_time, _, ours_value) = results.values()
    assert naive_value == ours_value, "both must count the same committees"
    print(f"ratio naive/ours: {naive_time / ours_time:.1f}x")


if __name__ == "__main__":
    main()
