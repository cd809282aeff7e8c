"""Password reset by e-mail (Django's views, notifications/password_reset.py): the message
goes through the outbox to a real SMTP server (aiosmtpd); the page never says whether an
address has an account; the link works once, for its own account only."""

from __future__ import annotations

import datetime
import json
import re
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.password_reset import RESET_INTERVAL, password_reset_queue
from notifications.reset_links import LINK_MARKER
from notifications.services import notifications_send_pending
from privacy.subject_access import person_subject_access_export
from tests.factories import PersonFactory, UserFactory, op_staff
from tests.security.helpers import run_python
from tests.security.test_oidc import OIDC_ENV

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
LINK = re.compile(r"https://tm\.example\.nl(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def anna(department):
    user = op_staff(department, username="anna.devries")
    user.first_name = "Anna"
    user.email = "Anna.deVries@bzk.example.nl"
    user.save(update_fields=["first_name", "email"])
    return user


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://tm.example.nl"
    settings.DEFAULT_FROM_EMAIL = "Training Monitor <noreply@tm.example.nl>"
    return settings


def ask(client: Client, email: str) -> str:
    response = client.post(RESET, {"email": email}, follow=True)
    assert response.redirect_chain == [("/accounts/password/reset/sent/", 302)]
    return main_text(response.content.decode())


def main_text(html: str) -> str:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def received_link(smtp_server) -> str:
    assert notifications_send_pending(limit=10).sent == 1
    [received] = smtp_server.received()
    text_links = LINK.findall(received.part("text/plain"))
    html_links = LINK.findall(received.part("text/html"))
    assert len(set(text_links)) == 1
    assert set(html_links) == set(text_links)
    return text_links[0]


def logs_in(username: str, password: str) -> bool:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def choose(client: Client, link: str, password: str):
    """Open the link (Django moves the token into the session) and set the password."""
    opened = client.get(link, follow=True)
    assert opened.status_code == 200
    return client.post(
        opened.redirect_chain[-1][0] if opened.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def test_the_login_page_links_to_the_reset_page(client) -> None:
    assert (
        f'<a href="{RESET}">Wachtwoord vergeten?</a>'
        in client.get("/accounts/login/").content.decode()
    )


def test_a_user_resets_the_password_with_the_link_from_a_dutch_e_mail(
    client, smtp_server, site, anna
) -> None:
    page = ask(client, "anna.devries@BZK.example.nl")  # any case, as Django compares
    assert "Kijk in uw e-mail" in page

    [row] = Notification.objects.all()
    assert (row.kind, row.recipient_user_id) == (NotificationKind.PASSWORD_RESET, anna.pk)
    assert row.recipient_email == "Anna.deVries@bzk.example.nl"
    # The stored message holds no working link: admins and subject-access exports read it.
    assert LINK_MARKER in row.body_text
    assert LINK_MARKER in row.body_html
    assert "/accounts/password/reset/" not in row.body_text + row.body_html

    link = received_link(smtp_server)
    [received] = smtp_server.received()
    assert received.rcpt_tos == ["Anna.deVries@bzk.example.nl"]
    assert received.message["Subject"].startswith("Kies een nieuw wachtwoord voor Training Monitor")
    dutch = received.part("text/plain").split("English")[0]
    assert dutch.startswith("Beste Anna,")
    assert "Uw gebruikersnaam is anna.devries." in dutch
    assert "De link werkt één keer en 60 minuten lang." in dutch
    assert "Heeft u hier niet om gevraagd? Dan hoeft u niets te doen." in dutch
    assert LINK_MARKER not in received.part("text/plain")

    done = choose(client, link, "Nieuw-wachtwoord-2027")
    assert done.redirect_chain[-1][0] == "/accounts/password/reset/done/"
    assert "Uw nieuwe wachtwoord is opgeslagen" in done.content.decode()
    assert logs_in("anna.devries", "Nieuw-wachtwoord-2027")
    assert not logs_in("anna.devries", "wachtwoord-123")


def test_a_subject_access_export_shows_the_message_without_a_working_link(
    client, smtp_server, site, anna, department
) -> None:
    anna.email = "anna.devries@bzk.example.nl"  # people's addresses are lower case
    anna.save(update_fields=["email"])
    person = PersonFactory(department=department, email=anna.email)
    ask(client, anna.email)
    link = received_link(smtp_server)
    export = json.dumps(person_subject_access_export(person=person), default=str)
    assert "Kies een nieuw wachtwoord" in export
    assert LINK_MARKER in export
    assert urlsplit(link).path not in export


def test_the_link_works_only_once(client, smtp_server, site, anna) -> None:
    ask(client, anna.email)
    link = received_link(smtp_server)
    choose(client, link, "Nieuw-wachtwoord-2027")

    again = Client().get(link, follow=True)
    assert "Deze link werkt niet meer" in again.content.decode()
    assert "new_password1" not in again.content.decode()
    anna.refresh_from_db()
    assert anna.check_password("Nieuw-wachtwoord-2027")


def test_an_unknown_address_gets_the_same_page_and_no_message(client, anna) -> None:
    known = ask(client, anna.email)
    unknown = ask(Client(), "niemand@bzk.example.nl")
    assert unknown == known
    assert not Notification.objects.filter(recipient_email__iexact="niemand@bzk.example.nl")
    assert Notification.objects.count() == 1


def test_inactive_users_and_users_without_a_password_get_nothing(client, department) -> None:
    inactive = UserFactory(username="weg", email="weg@bzk.example.nl", is_active=False)
    central = UserFactory(username="centraal", email="centraal@bzk.example.nl")
    central.set_unusable_password()
    central.save(update_fields=["password"])
    for user in (inactive, central):
        assert "Kijk in uw e-mail" in ask(client, user.email)
    assert not Notification.objects.exists()


def test_an_outsiders_token_does_not_open_another_account(
    client, smtp_server, site, anna, outsider
) -> None:
    outsider.email = "buiten@zzz.example.nl"
    outsider.save(update_fields=["email"])
    ask(client, outsider.email)
    _, _, _, _, outsider_uid, token, _ = received_link(smtp_server).split("/")
    anna_uid = urlsafe_base64_encode(force_bytes(anna.pk))
    assert anna_uid != outsider_uid

    response = choose(Client(), f"/accounts/password/reset/{anna_uid}/{token}/", "Overgenomen-2027")
    assert "Deze link werkt niet meer" in response.content.decode()
    anna.refresh_from_db()
    assert anna.check_password("wachtwoord-123")


def test_asking_again_within_the_interval_sends_no_second_message(anna) -> None:
    start = timezone.now()
    assert password_reset_queue(user=anna, to=anna.email, now=start)
    assert not password_reset_queue(user=anna, to=anna.email, now=start)
    later = start + RESET_INTERVAL
    assert password_reset_queue(user=anna, to=anna.email, now=later)
    assert Notification.objects.filter(kind=NotificationKind.PASSWORD_RESET).count() == 2


def test_the_message_is_refused_when_the_address_changed_before_sending(
    client, smtp_server, site, anna
) -> None:
    ask(client, anna.email)
    anna.email = "nieuw@bzk.example.nl"
    anna.save(update_fields=["email"])
    result = notifications_send_pending(limit=10)
    assert (result.sent, result.failed) == (0, 1)
    assert smtp_server.received() == []
    row = Notification.objects.get()
    assert row.status == NotificationStatus.FAILED
    assert row.next_attempt_at is None  # not tried again
    assert "address changed" in row.last_error


def test_a_new_password_ends_the_lockout_of_the_old_one(client, smtp_server, site, anna) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": "anna.devries", "password": "fout"})
    locked = client.post("/accounts/login/", {"username": "anna.devries", "password": "x"})
    assert locked.status_code == 429
    assert f'<a href="{RESET}">Wachtwoord vergeten?</a>' in locked.content.decode()

    ask(client, anna.email)
    choose(client, received_link(smtp_server), "Nieuw-wachtwoord-2027")
    response = client.post(
        "/accounts/login/", {"username": "anna.devries", "password": "Nieuw-wachtwoord-2027"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(anna.pk)


def test_the_link_expires_after_an_hour(client, smtp_server, site, anna, settings) -> None:
    assert settings.PASSWORD_RESET_TIMEOUT == 60 * 60
    ask(client, anna.email)
    link = received_link(smtp_server)
    settings.PASSWORD_RESET_TIMEOUT = -1  # a limit already passed, as an hour later
    response = Client().get(link, follow=True)
    assert "Deze link werkt niet meer" in response.content.decode()


def test_with_oidc_on_there_is_no_password_reset() -> None:
    result = run_python(
        "from django.test import Client\n"
        "from django.urls import NoReverseMatch, reverse\n"
        "try:\n"
        "    reverse('password_reset')\n"
        "    print('reverse works')\n"
        "except NoReverseMatch:\n"
        "    print('no reverse')\n"
        "client = Client(HTTP_HOST='localhost')\n"
        "print(client.get('/accounts/password/reset/').status_code)\n"
        "print(client.get('/accounts/password/reset/sent/').status_code)\n"
        "print('Wachtwoord vergeten' in client.get('/accounts/login/').content.decode())\n",
        **OIDC_ENV,
    )
    assert result.stdout.split("\n")[:4] == ["no reverse", "404", "404", "False"], result.stderr


def test_asking_while_redis_is_down_answers_at_once_and_keeps_the_message(
    client, dead_broker, anna
) -> None:
    started = time.monotonic()
    assert "Kijk in uw e-mail" in ask(client, anna.email)
    assert time.monotonic() - started < 10
    # Beat's send-pending-notifications sends it once Redis is back.
    assert Notification.objects.get().status == NotificationStatus.PENDING


def test_the_sent_page_says_to_wait_the_interval_before_asking_again(client) -> None:
    # One message per account per interval: asking again sooner sends nothing.
    assert datetime.timedelta(minutes=15) == RESET_INTERVAL
    assert "Na een kwartier nog geen e-mail?" in ask(client, "wie@example.nl")
