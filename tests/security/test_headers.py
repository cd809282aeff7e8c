"""Security headers and cookies on every response; a strict Content-Security-Policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from training_monitor.security import LOGIN_TIME_KEY

pytestmark = pytest.mark.django_db

STRICT_POLICY = re.compile(
    r"^default-src 'self'; script-src 'self' 'nonce-(?P<nonce>[A-Za-z0-9_-]{22})'; "
    r"style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    r"frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'$"
)


def test_every_page_gets_the_strict_policy_with_a_fresh_nonce(client: Client) -> None:
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    matches = [
        STRICT_POLICY.match(response.headers["Content-Security-Policy"])
        for response in (first, second)
    ]
    nonces = [match.group("nonce") for match in matches if match]
    assert len(nonces) == 2
    assert nonces[0] != nonces[1]
    assert first.wsgi_request.csp_nonce == nonces[0]


def test_scripts_never_get_unsafe_inline_or_eval_not_even_in_the_admin(
    admin_client: Client,
) -> None:
    for path in ("/accounts/login/", "/admin/", "/does-not-exist/"):
        policy = admin_client.get(path).headers["Content-Security-Policy"]
        script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
        assert "unsafe" not in script_src
        assert "frame-ancestors 'none'" in policy


def test_only_the_admin_may_use_inline_styles(admin_client: Client) -> None:
    policy = admin_client.get("/admin/").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline';" in policy


def test_https_responses_carry_hsts_nosniff_and_referrer_policy(client: Client) -> None:
    response = client.get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client: Client, op_user) -> None:
    login_page = client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {"username": "op.aaa", "password": "wachtwoord-123"},
        secure=True,
    )
    assert response.status_code == 302
    for name, cookie in [
        ("sessionid", response.cookies["sessionid"]),
        ("csrftoken", login_page.cookies["csrftoken"]),
    ]:
        assert cookie["secure"], name
        assert cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name
    assert LOGIN_TIME_KEY in client.session


def test_the_login_form_and_htmx_requests_carry_the_csrf_token(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


OUR_TEMPLATES = Path(settings.BASE_DIR) / "templates"
# WeasyPrint renders these to PDF on the server; no browser ever applies a CSP to them.
NOT_SERVED = OUR_TEMPLATES / "reports" / "pdf"


def test_no_served_template_has_inline_styles_or_scripts_without_a_nonce() -> None:
    offenders = []
    for template in sorted(OUR_TEMPLATES.rglob("*.html")):
        if NOT_SERVED in template.parents:
            continue
        text = template.read_text()
        if re.search(r"\sstyle=|<style|\son[a-z]+=|javascript:", text):
            offenders.append(str(template.relative_to(OUR_TEMPLATES)))
        for script in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in script and "csp_nonce" not in script:
                offenders.append(str(template.relative_to(OUR_TEMPLATES)))
    assert offenders == []
