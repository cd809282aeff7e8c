"""Every URL of the project, as an outsider: no page shows another department's data.

The patterns come from the URL resolver, so a page added later is covered without
touching this test. Each parameter is filled with the ids of the victim department's
objects; the outsider (O&P staff of another department, with admin access to their own)
must get a 403, 404 or redirect, or a page without any of the victim's data.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator, Sequence

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

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


def test_the_markers_would_catch_a_leak(client, op_user, victim_data) -> None:
    # The same pages show the secrets to their own department, so a leak would be seen.
    client.force_login(op_user)
    committee, person = victim_data["committee"], victim_data["person"]
    assert "GEHEIM-VAC-9" in client.get(f"/committees/{committee.pk}/").content.decode()
    assert "Reden X" in client.get(f"/committees/{committee.pk}/").content.decode()
    assert "Vertrouwelijk" in client.get(f"/people/{person.pk}/").content.decode()
