"""Small security middlewares of our own: each is a few lines, so no dependency for them.

- ContentSecurityPolicyMiddleware: a strict Content-Security-Policy with a nonce per request.
- SessionLifetimeMiddleware: logs a user out a fixed time after logging in, however active,
  and renews the idle timeout at most once a minute, so a page view writes nothing.
- AccessDeniedLoggingMiddleware: logs refused requests by logged-in users, without
  personal data, so an administrator can spot someone probing for other departments.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger(__name__)

Middleware = Callable[[HttpRequest], HttpResponseBase]

CSP_HEADER = "Content-Security-Policy"
POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src {style}; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)
# The admin pages of django-import-export and django-simple-history put `style="..."` on a
# few elements; under style-src 'self' those lose their layout. Styles cannot run code, so
# only the admin gets 'unsafe-inline' for styles; scripts stay nonce-only everywhere.
ADMIN_PREFIX = "/admin/"
ADMIN_STYLE_SRC = "'self' 'unsafe-inline'"


class ContentSecurityPolicyMiddleware:
    """Sets the policy; an inline script needs `nonce="{{ request.csp_nonce }}"`."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        style = ADMIN_STYLE_SRC if request.path_info.startswith(ADMIN_PREFIX) else "'self'"
        response.headers.setdefault(CSP_HEADER, POLICY.format(nonce=nonce, style=style))
        return response


LOGIN_TIME_KEY = "_tm_login_time"
LAST_SEEN_KEY = "_tm_last_seen"


class SessionLifetimeMiddleware:
    """Ends a session SESSION_ABSOLUTE_SECONDS after logging in, and keeps it alive while
    it is used.

    The idle limit (SESSION_COOKIE_AGE) alone never ends the session of a page that polls,
    nor of a stolen cookie that is kept in use. Saving the session on every request
    (SESSION_SAVE_EVERY_REQUEST) would renew it too, but makes every page view a write
    transaction; instead the session is saved, and so its expiry and cookie renewed, when
    its last-seen time is SESSION_REFRESH_SECONDS old: an idle session ends between
    SESSION_COOKIE_AGE minus that and SESSION_COOKIE_AGE after its last request.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_TIME_KEY)
            if started is not None and time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logger.info("Session ended at its maximum lifetime: user_id=%s", request.user.pk)
                logout(request)
        response = self.get_response(request)
        # After the view, so the login view's own request starts the clock. Only for a
        # user signed in by this session: an API client signs in with a token on every
        # request and gets no session (ADR /core/stateless).
        if request.user.is_authenticated and SESSION_KEY in request.session:
            now = int(time.time())
            if LOGIN_TIME_KEY not in request.session:
                request.session[LOGIN_TIME_KEY] = now
            last_seen = request.session.get(LAST_SEEN_KEY, 0)
            if now - last_seen >= settings.SESSION_REFRESH_SECONDS:
                # A change marks the session modified: SessionMiddleware saves it with
                # a new expiry and sends the cookie again.
                request.session[LAST_SEEN_KEY] = now
        return response


class AccessDeniedLoggingMiddleware:
    """Logs 403 and 404 answers of a matched view to a logged-in user.

    A 404 from a matched view is how the views refuse another department's objects
    (so their existence is not revealed). Only the user id and the URL pattern's name are
    logged: no names, e-mail addresses or object ids.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code in (403, 404) and request.resolver_match is not None:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                logger.warning(
                    "Access denied: status=%s user_id=%s view=%s",
                    response.status_code,
                    user.pk,
                    request.resolver_match.view_name,
                )
        return response
