"""Every benchmark at Rijk scale, one after the other; their figures in artifacts/bench.json.

    make bench            (= python benchmarks/run_all.py --scale 50)
    python benchmarks/run_all.py --scale 50 [--only pages load] [--database-prefix P]

Not part of CI: at scale 50 the whole run takes the better part of an hour on two cores.
Nothing is seeded twice: the first steps migrate and seed `P_10_0` and `P_<scale>`
(`P` = `--database-prefix`, by default tm_bench_reports; a seeded database is left as it
is, so the step then only migrates and counts) and every benchmark reads those. The two
that change data for good get a copy of `P_<scale>` of their own, made once with
`CREATE DATABASE ... TEMPLATE`: the load benchmark (edits, members, registrations, an
import and a compile) and the reminders (which empty the outbox). The others only read,
or undo their writes.

Each benchmark prints its own figures and its goals (none asserts a time); this runner
keeps what each printed, its command, exit status and duration, and the figures a
benchmark writes as JSON to $BENCH_FIGURES (the page matrix and the load benchmark do),
so that two runs can be compared line by line. A failing benchmark is recorded and the
others still run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "artifacts" / "bench.json"
sys.path.insert(0, str(HERE))

from _setup import database_copy  # noqa: E402


def commands(scale: str, prefix: str) -> dict[str, tuple[list[str], str]]:
    """Each benchmark with the arguments that make it measure at `scale`, and the
    database to copy from `P_<scale>` first (a benchmark that writes), or ""."""
    suffix = str(float(scale)).replace(".", "_")
    big, small = f"{prefix}_{suffix}", f"{prefix}_10_0"
    load, reminders = f"{prefix}_load_{suffix}", f"{prefix}_reminders_{suffix}"
    return {
        "seed scale 10": (["_setup.py", "--scale", "10", "--database", small], ""),
        f"seed scale {scale}": (["_setup.py", "--scale", scale, "--database", big], ""),
        "pages (every page of every role)": (
            ["pages.py", "--scale", scale, "--database-prefix", prefix], ""
        ),
        "reports (compile, pages, XLSX)": (
            ["reports.py", "--scale", scale, "--database", big], ""
        ),
        "load (100 users, 120 s)": (
            ["load.py", "--scale", scale, "--users", "100", "--seconds", "120",
             "--database", load], load,
        ),
        "committee search": (
            ["pages.py", "--search-scale", scale, "--database", big], ""
        ),
        # Once, not best of 3: at scale 50 the naive side alone takes minutes a time.
        "compliance": (
            ["compliance.py", "--scale", scale, "--repeat", "1", "--database", big], ""
        ),
        "reminders": (["reminders.py", "--scale", scale, "--database", reminders], reminders),
        "import": (["import_attendance.py", "--scale", scale, "--database", big], ""),
        "report exports": (["report_exports.py"], ""),
    }  # fmt: skip


def run(name: str, argv: list[str], *, copy: str, template: str) -> dict[str, object]:
    began = time.perf_counter()
    if copy and database_copy(copy, template):
        print(f"== {copy}: a copy of {template}, made once", flush=True)
    print(f"== {name}: {' '.join(argv)}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        figures_file = Path(tmp) / "figures.json"
        done = subprocess.run(
            [sys.executable, str(HERE / argv[0]), *argv[1:]],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "BENCH_FIGURES": str(figures_file)},
        )
        figures = json.loads(figures_file.read_text()) if figures_file.exists() else None
    print(done.stdout, flush=True)
    if done.returncode:
        print(done.stderr[-4000:], file=sys.stderr, flush=True)
    return {
        "command": ["python", f"benchmarks/{argv[0]}", *argv[1:]],
        "exit_status": done.returncode,
        "seconds": round(time.perf_counter() - began, 1),
        # The figures as the benchmark printed them (log lines of the app left out).
        "output": [line for line in done.stdout.splitlines() if line.strip()],
        "figures": figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="50")
    parser.add_argument("--only", nargs="*", help="benchmark names (the keys) to run")
    parser.add_argument(
        "--database-prefix",
        default="tm_bench_reports",
        help="the seeded databases P_10_0 and P_<scale> (seeded when missing or empty)",
    )
    args = parser.parse_args()
    prefix = args.database_prefix
    template = f"{prefix}_{str(float(args.scale)).replace('.', '_')}"
    chosen = {
        name: spec
        for name, spec in commands(args.scale, prefix).items()
        if not args.only or any(word in name for word in args.only)
    }
    began = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    results: dict[str, dict[str, object]] = {}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    for name, (argv, copy) in chosen.items():
        results[name] = run(name, argv, copy=copy, template=template)
        # After every benchmark: a run stopped halfway keeps what it measured.
        OUT.write_text(
            json.dumps(
                {
                    "measured_at": began,
                    "scale": float(args.scale),
                    "databases": prefix,
                    "machine": {"python": platform.python_version(), "cpus": _cpus()},
                    "benchmarks": results,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    print(f"figures written to {OUT}")
    sys.exit(1 if any(r["exit_status"] for r in results.values()) else 0)


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
