from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from notifications import views as notification_views
from reports import dashboard_views
from training_monitor import health

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
    path(
        "accounts/messages/",
        notification_views.message_preferences,
        name="message_preferences",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("health/", health.health, name="health"),
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
