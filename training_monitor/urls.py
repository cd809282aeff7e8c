from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from notifications import views as notification_views
from notifications.password_reset import OutboxPasswordResetForm, PasswordResetConfirmView
from reports import dashboard_views
from training_monitor import accessibility, health

# Password reset by e-mail, only without OIDC: with it, people reset their password at the
# organisation's provider, and these addresses do not exist.
password_reset_urls = [
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(extra_context={"oidc_enabled": settings.OIDC_ENABLED}),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    *([] if settings.OIDC_ENABLED else password_reset_urls),
    path(
        "accounts/messages/",
        notification_views.message_preferences,
        name="message_preferences",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "toegankelijkheid/",
        accessibility.accessibility_statement,
        name="accessibility_statement",
    ),
    path("health/", health.health, name="health"),
    path("api/v1/", include("api.urls")),
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    path("imports/", include("imports.urls")),
    path("completions/", include("trainings.hand_entry_urls")),
    path("sessions/", include("trainings.session_urls")),
    path("", include("committees.registration_link_urls")),
    path("admin/", admin.site.urls),
    path("reports/", include("reports.urls")),
    path("", include("worklists.urls")),
    path("committees/", include("committees.urls")),
    path("", include("reports.dashboard_urls")),
    path("", include("committees.people_urls")),
    path("", include("privacy.urls")),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

# A query cancelled by the web statement timeout outside a view still gets the 503 page.
handler500 = "training_monitor.db_timeout.server_error"
