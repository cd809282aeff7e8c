"""Every benchmark at Rijk scale, one after the other; their figures in artifacts/bench.json.

    make bench            (= python benchmarks/run_all.py --scale 50)

Not part of CI: at scale 50 the whole run takes the better part of an hour on two cores.
Each benchmark prints its own figures and its goals (none asserts a time); this runner
keeps what each printed, its command, exit status and duration, so that two runs can be
compared line by line. A failing benchmark is recorded and the others still run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "artifacts" / "bench.json"


def commands(scale: str) -> dict[str, list[str]]:
    """Each benchmark with the arguments that make it measure at `scale`."""
    return {
        "pages (every page of every role)": ["pages.py", "--scale", scale],
        "reports (compile, pages, XLSX)": ["reports.py", "--scale", scale],
        "load (100 users, 120 s)": [
            "load.py", "--scale", scale, "--users", "100", "--seconds", "120"
        ],
        "committee search": ["pages.py", "--search-scale", scale],
        "compliance": ["compliance.py", "--scale", scale],
        "reminders": ["reminders.py", "--scale", scale],
        "import": ["import_attendance.py", "--scale", scale],
        "report exports": ["report_exports.py"],
    }  # fmt: skip


def run(name: str, argv: list[str]) -> dict[str, object]:
    began = time.perf_counter()
    print(f"== {name}: {' '.join(argv)}", flush=True)
    done = subprocess.run(
        [sys.executable, str(HERE / argv[0]), *argv[1:]],
        capture_output=True,
        text=True,
        check=False,
    )
    print(done.stdout, flush=True)
    if done.returncode:
        print(done.stderr[-4000:], file=sys.stderr, flush=True)
    return {
        "command": ["python", f"benchmarks/{argv[0]}", *argv[1:]],
        "exit_status": done.returncode,
        "seconds": round(time.perf_counter() - began, 1),
        # The figures as the benchmark printed them (log lines of the app left out).
        "output": [line for line in done.stdout.splitlines() if line.strip()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="50")
    parser.add_argument("--only", nargs="*", help="benchmark names (the keys) to run")
    args = parser.parse_args()
    chosen = {
        name: argv
        for name, argv in commands(args.scale).items()
        if not args.only or any(word in name for word in args.only)
    }
    results = {name: run(name, argv) for name, argv in chosen.items()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "scale": float(args.scale),
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
