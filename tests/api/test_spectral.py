"""Logius' own API Design Rules linter (a Spectral ruleset) on /api/v1/openapi.json.

The ruleset is vendored (tests/api/spectral/logius-adr.yaml, CC BY 4.0). Spectral is a
Node tool: `npm install -g @stoplight/spectral-cli` puts it on the PATH. Without it the
test is skipped with that reason; it never downloads anything itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

RULESET = Path(__file__).parent / "spectral" / "logius-adr.yaml"


def spectral_command() -> list[str] | None:
    if shutil.which("spectral"):
        return ["spectral"]
    if shutil.which("npx"):
        probe = subprocess.run(
            ["npx", "--no-install", "@stoplight/spectral-cli", "--version"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        if probe.returncode == 0:
            return ["npx", "--no-install", "@stoplight/spectral-cli"]
    return None


@pytest.mark.django_db
def test_the_logius_linter_finds_no_error(client, tmp_path) -> None:
    command = spectral_command()
    if command is None:
        pytest.skip("Spectral is not installed: npm install -g @stoplight/spectral-cli")
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(client.get("/api/v1/openapi.json").json()))
    result = subprocess.run(
        [*command, "lint", "-r", str(RULESET), "--fail-severity", "error", str(document)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.replace("severity of 'error'", "")
