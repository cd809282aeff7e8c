"""The container healthchecks' own verdicts (training_monitor/probe.py); the smoke test runs
them against running processes, these cover the unhealthy answers."""

from __future__ import annotations

import os
import time

import pytest

from training_monitor import probe


def test_beat_without_a_heartbeat_file_is_unhealthy(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("BEAT_HEARTBEAT_FILE", str(tmp_path / "heartbeat"))
    assert probe.main(["beat"]) == 1
    assert "beat has not ticked yet" in capsys.readouterr().err


def test_beat_with_an_old_heartbeat_is_unhealthy(tmp_path, monkeypatch, capsys) -> None:
    heartbeat = tmp_path / "heartbeat"
    heartbeat.touch()
    old = time.time() - 600
    os.utime(heartbeat, (old, old))
    monkeypatch.setenv("BEAT_HEARTBEAT_FILE", str(heartbeat))
    assert probe.main(["beat"]) == 1
    assert "beat last ticked 600 s ago (allowed: 180 s)" in capsys.readouterr().err


def test_beat_with_a_fresh_heartbeat_is_healthy(tmp_path, monkeypatch) -> None:
    heartbeat = tmp_path / "heartbeat"
    heartbeat.touch()
    monkeypatch.setenv("BEAT_HEARTBEAT_FILE", str(heartbeat))
    assert probe.main(["beat"]) == 0


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("tm.example.nl,localhost", "tm.example.nl"),
        (".example.nl", "example.nl"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_web_sends_a_host_that_allowed_hosts_accepts(monkeypatch, allowed_hosts, host) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)
    assert probe.allowed_host() == host


def test_web_that_does_not_answer_is_unhealthy(monkeypatch, capsys) -> None:
    monkeypatch.setenv("WEB_BIND", "0.0.0.0:1")  # nothing listens on port 1
    assert probe.main(["web"]) == 1
    assert "unhealthy" in capsys.readouterr().err


def test_an_unknown_check_is_a_usage_error() -> None:
    assert probe.main(["db"]) == 2
