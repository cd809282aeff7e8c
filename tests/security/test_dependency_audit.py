"""`make audit`: skips honestly when offline, fails on a known vulnerability."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings


def load_script() -> ModuleType:
    path = Path(settings.BASE_DIR) / "scripts" / "dependency_audit.py"
    spec = importlib.util.spec_from_file_location("dependency_audit", path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_with(monkeypatch: pytest.MonkeyPatch, stdout: str, returncode: int = 0) -> int:
    script = load_script()
    result = subprocess.CompletedProcess([], returncode, stdout=stdout, stderr="ConnectionError")
    monkeypatch.setattr(script.subprocess, "run", lambda *args, **kwargs: result)
    return int(script.main())


def report(*dependencies: Mapping[str, object]) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_no_report_at_all_is_a_skip(monkeypatch, capsys) -> None:
    assert run_with(monkeypatch, "", returncode=1) == 0
    assert "Dependency audit skipped: advisory database unreachable" in capsys.readouterr().out


def test_every_package_skipped_is_a_skip_not_an_all_clear(monkeypatch, capsys) -> None:
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI"}
    assert run_with(monkeypatch, report(skipped)) == 0
    assert "Dependency audit skipped" in capsys.readouterr().out


def test_a_known_vulnerability_fails(monkeypatch, capsys) -> None:
    vulnerable = {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1"}]}
    clean = {"name": "celery", "version": "5.7.0", "vulns": []}
    assert run_with(monkeypatch, report(vulnerable, clean), returncode=1) == 1
    assert "django 5.2.0: PYSEC-1" in capsys.readouterr().out


def test_a_clean_audit_passes(monkeypatch, capsys) -> None:
    assert run_with(monkeypatch, report({"name": "celery", "version": "5.7.0", "vulns": []})) == 0
    assert "Audited 1 packages" in capsys.readouterr().out
