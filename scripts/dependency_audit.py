"""`make audit`: pip-audit of the installed packages, honest about what it could check.

Offline, pip-audit reports "No known vulnerabilities found" after skipping every package
("not found on PyPI"): that would be a false all-clear. So this reads its JSON report and
says the audit was skipped when nothing could be checked (exit 0, for closed networks),
and fails on any known vulnerability.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SKIPPED = "Dependency audit skipped: advisory database unreachable"
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    result = subprocess.run(  # noqa: S603 - a fixed command, no user input
        [str(PIP_AUDIT), "--format", "json", "--progress-spinner", "off", "--skip-editable"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError:
        # No report at all: pip-audit could not reach its service (or crashed on the way).
        sys.stdout.write(f"{SKIPPED}\n{result.stderr.strip()[-500:]}\n")
        return 0
    dependencies: list[dict[str, Any]] = report.get("dependencies", [])
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    if not audited:
        sys.stdout.write(f"{SKIPPED}\n")
        return 0
    vulnerable = [dep for dep in audited if dep.get("vulns")]
    for dep in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in dep["vulns"])
        sys.stdout.write(f"{dep['name']} {dep['version']}: {ids}\n")
    skipped = len(dependencies) - len(audited)
    sys.stdout.write(
        f"Audited {len(audited)} packages ({skipped} could not be checked): "
        f"{len(vulnerable)} with known vulnerabilities.\n"
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
