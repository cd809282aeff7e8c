"""Every URL of the project, as an outsider: no page shows another department's data.

The patterns come from the URL resolver, so a page added later is covered without
touching this test. Each parameter is filled with the ids of the victim department's
objects; the outsider (O&P staff of another department) must get a 403, 404 or redirect,
or a page without any of the victim's data. The Django admin is for administrators
only: O&P staff who were wrongly given is_staff get no admin page at all.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator, Sequence

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from committees.models import CommitteeJustification, CommitteeMembership, CommitteeStatus
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = ("GEHEIM-VAC-9", "Geheime vacature", "Vertrouwelijk", "geheim@example.nl", "Reden X")
ALLOWED = {301, 302, 400, 403, 404, 405}


def walk(patterns: Sequence[object], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + _pattern_text(entry))
        elif isinstance(entry, URLPattern):
            yield prefix + _pattern_text(entry)


def _pattern_text(entry: URLPattern | URLResolver) -> str:
    pattern = entry.pattern
    route = getattr(pattern, "_route", None)
    if route is not None:
        return str(route)
    return str(pattern.regex.pattern).lstrip("^").rstrip("$").replace("\\Z", "")


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def urls_for(pattern: str, values: dict[str, list[str]]) -> list[str]:
    names = [m.group("name") or m.group("rname") for m in PARAM.finditer(pattern)]
    if not names:
        return ["/" + pattern.replace("\\", "")]
    options = [values.get(name, values["*"]) for name in names]
    urls = []
    for combination in itertools.product(*options):
        filled = iter(combination)

        def next_value(_match: re.Match[str], values: Iterator[str] = filled) -> str:
            return next(values)

        urls.append("/" + PARAM.sub(next_value, pattern).replace("\\", ""))
    return urls


@pytest.fixture
def victim_data(department, op_user):
    department.enforcement_mode = "justify"
    department.save(update_fields=["enforcement_mode"])
    committee = CommitteeFactory(
        department=department,
        vacancy_reference="GEHEIM-VAC-9",
        vacancy_title="Geheime vacature",
        interview_date=datetime.date(2030, 1, 1),
    )
    person = PersonFactory(
        department=department, last_name="Vertrouwelijk", email="geheim@example.nl"
    )
    membership = MembershipFactory(committee=committee, person=person)
    completion = CompletionFactory(person=person)
    evaluation = EvaluationFactory(session=completion.session, person=person)
    justification = CommitteeJustification.objects.create(
        committee=committee,
        status=CommitteeStatus.CONFIRMED,
        text="Reden X",
        created_by=op_user,
    )
    return {
        "committee": committee,
        "person": person,
        "membership": membership,
        "completion": completion,
        "evaluation": evaluation,
        "justification": justification,
    }


def test_an_outsider_sees_no_data_of_another_department_on_any_url(
    client, outsider, department, victim_data
) -> None:
    ids = sorted({str(obj.pk) for obj in victim_data.values()})
    content_types = [
        str(ContentType.objects.get_for_model(type(obj)).pk) for obj in victim_data.values()
    ]
    values = {
        "*": ids,
        "code": [department.code],
        "app_label": ["committees", "departments", "trainings"],
        "content_type_id": content_types,
        "url": ["committees/selectioncommittee/"],
    }
    patterns = list(walk(get_resolver().url_patterns))
    assert any("committees" in p for p in patterns)
    checked = 0
    for pattern in patterns:
        for url in urls_for(pattern, values):
            for method in ("get", "post"):
                client.force_login(outsider)  # a logout URL must not hide later pages
                response = getattr(client, method)(url)
                checked += 1
                body = response.content.decode(errors="replace")
                leaked = [s for s in SECRETS if s in body]
                assert response.status_code in ALLOWED or not leaked, (method, url, leaked)
    assert checked > 50
    # Nothing the outsider posted changed the victim's data.
    assert CommitteeMembership.objects.filter(pk=victim_data["membership"].pk).exists()
    victim_data["committee"].refresh_from_db()
    assert victim_data["committee"].status == CommitteeStatus.PLANNED


def admin_urls(values: dict[str, list[str]]) -> list[str]:
    prefix = reverse("admin:index").lstrip("/")
    patterns = [p for p in walk(get_resolver().url_patterns) if p.startswith(prefix)]
    return [url for pattern in patterns for url in urls_for(pattern, values)]


def test_op_staff_wrongly_given_is_staff_get_no_admin_page_at_all(
    client, op_user, department, victim_data
) -> None:
    # Their own department's data, so any admin page they got would show the markers.
    op_user.is_staff = True
    op_user.save(update_fields=["is_staff"])
    values = {
        "*": sorted({str(obj.pk) for obj in victim_data.values()}),
        "app_label": ["committees", "departments", "trainings", "reports"],
        "content_type_id": [
            str(ContentType.objects.get_for_model(type(obj)).pk) for obj in victim_data.values()
        ],
        "url": ["committees/selectioncommittee/"],
    }
    login, logout = reverse("admin:login"), reverse("admin:logout")
    urls = admin_urls(values)
    assert len(urls) > 100
    memberships = CommitteeMembership.objects.count()
    for url in urls:
        for method in ("get", "post"):
            client.force_login(op_user)
            response = getattr(client, method)(url)
            body = response.content.decode(errors="replace")
            assert not [s for s in SECRETS if s in body], (method, url)
            if url in (login, logout):
                continue  # the login form itself, and logging out
            assert response.status_code in (302, 404, 405), (method, url)
            if response.status_code == 302:
                assert response.url.startswith(login), (method, url)
    assert CommitteeMembership.objects.count() == memberships
    victim_data["committee"].refresh_from_db()
    assert victim_data["committee"].status == CommitteeStatus.PLANNED


def test_an_administrator_opens_every_admin_list_and_add_page(client, admin_user_) -> None:
    request = RequestFactory().get(reverse("admin:index"))
    request.user = admin_user_
    client.force_login(admin_user_)
    opened = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request):
            continue  # third-party models outside the role, such as django-axes' log
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        if model_admin.has_add_permission(request):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert client.get(add).status_code == 200, add
        opened.add(opts.app_label)
    assert {"auth", "departments", "committees", "trainings", "reports"} <= opened


def test_the_markers_would_catch_a_leak(client, op_user, victim_data) -> None:
    # The same pages show the secrets to their own department, so a leak would be seen.
    client.force_login(op_user)
    committee, person = victim_data["committee"], victim_data["person"]
    assert "GEHEIM-VAC-9" in client.get(f"/committees/{committee.pk}/").content.decode()
    assert "Reden X" in client.get(f"/committees/{committee.pk}/").content.decode()
    assert "Vertrouwelijk" in client.get(f"/people/{person.pk}/").content.decode()
