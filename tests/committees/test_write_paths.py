"""One rule, every path: each way to add a member, change a role, confirm a committee or
move its interview date applies the department's enforcement rule.

`WRITE_PATHS` enumerates those ways (services, pages, admin). Each is tried on a
committee whose change would leave a required member untrained: strict refuses it;
justify refuses it without a justification and, with one, makes it and stores the
justification. The meta-tests below fail when a page that accepts POST, or a model in
the admin, is on neither this list nor the list of paths that write none of these.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, reverse

from committees import services
from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    MembershipRole,
    SelectionCommittee,
)
from departments.models import Department, EnforcementMode, Person
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory, PersonFactory
from tests.url_patterns import app_patterns

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2031, 6, 16)
TRAINED_ON = INTERVIEW - datetime.timedelta(days=5)
# Before the chair's training: moving the interview here leaves the chair untrained.
EARLIER = INTERVIEW - datetime.timedelta(days=10)


@dataclass
class World:
    """A committee, and a change to it that would leave a required member untrained."""

    kind: str
    committee: SelectionCommittee
    untrained: Person
    external: CommitteeMembership
    op_client: Client
    admin_client: Client
    user: Any
    # The department's API client (tests/api/conftest.py), made when a path needs it.
    api: Any = None

    def refresh(self) -> SelectionCommittee:
        return SelectionCommittee.objects.with_compliance().get(pk=self.committee.pk)

    def changed(self) -> bool:
        if self.kind == "create":
            return SelectionCommittee.objects.filter(
                vacancy_reference="NIEUW-1", status=CommitteeStatus.CONFIRMED
            ).exists()
        committee = self.refresh()
        if self.kind == "status":
            return committee.status == CommitteeStatus.CONFIRMED
        if self.kind == "date":
            return committee.interview_date == EARLIER
        return committee.trained_count < committee.required_count  # "member"


def make_world(kind: str, mode: str, department: Department, op_user, admin_user) -> World:
    department.enforcement_mode = mode
    department.save(update_fields=["enforcement_mode"])
    status = CommitteeStatus.PLANNED if kind in ("status", "create") else CommitteeStatus.CONFIRMED
    committee = CommitteeFactory(department=department, status=status, interview_date=INTERVIEW)
    chair = MembershipFactory(committee=committee, role=MembershipRole.CHAIR)
    CompletionFactory(person=chair.person, session__date=TRAINED_ON)
    if kind == "status":
        MembershipFactory(committee=committee, role=MembershipRole.MEMBER)
    external = MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL)
    op_client, admin_client = Client(), Client()
    op_client.force_login(op_user)
    admin_client.force_login(admin_user)
    return World(
        kind=kind,
        committee=committee,
        untrained=PersonFactory(department=department, last_name="Ongetraind"),
        external=external,
        op_client=op_client,
        admin_client=admin_client,
        user=op_user,
    )


def _quietly(change: Callable[[], object]) -> None:
    """Services refuse by raising; the test looks at the data afterwards."""
    with contextlib.suppress(ValidationError):
        change()


# --- services ---------------------------------------------------------------------------


def service_add_member(w: World, justification: str) -> None:
    _quietly(
        lambda: services.committee_add_member(
            committee=w.committee,
            person=w.untrained,
            role=MembershipRole.MEMBER,
            user=w.user,
            justification=justification,
        )
    )


def service_change_role(w: World, justification: str) -> None:
    _quietly(
        lambda: services.membership_change_role(
            membership=w.external,
            role=MembershipRole.MEMBER,
            user=w.user,
            justification=justification,
        )
    )


def service_change_status(w: World, justification: str) -> None:
    _quietly(
        lambda: services.committee_change_status(
            committee=w.committee,
            status=CommitteeStatus.CONFIRMED,
            user=w.user,
            justification=justification,
        )
    )


def service_update_date(w: World, justification: str) -> None:
    _quietly(
        lambda: services.committee_update(
            committee=w.committee, user=w.user, justification=justification, interview_date=EARLIER
        )
    )


def service_create(w: World, justification: str) -> None:
    _quietly(
        lambda: services.committee_create(
            department=w.committee.department,
            vacancy_reference="NIEUW-1",
            vacancy_title="Jurist",
            interview_date=INTERVIEW,
            status=CommitteeStatus.CONFIRMED,
            user=w.user,
        )
    )


# --- pages ------------------------------------------------------------------------------


def page_member_add(w: World, justification: str) -> None:
    w.op_client.post(
        reverse("committees:member_add", args=[w.committee.pk]),
        {"person": w.untrained.pk, "role": MembershipRole.MEMBER, "justification": justification},
    )


def page_new_person(w: World, justification: str) -> None:
    w.op_client.post(
        reverse("committees:member_new_person", args=[w.committee.pk]),
        {
            # A name no one has: no likely match to pick first (the duplicate check).
            "first_name": "Nieuw",
            "last_name": "Nieuwkomer",
            "email": f"nieuw.{w.committee.pk}@example.nl",
            "role": MembershipRole.MEMBER,
            "justification": justification,
        },
    )


def _edit_data(w: World, **changes: object) -> dict[str, object]:
    committee = w.committee
    return {
        "vacancy_reference": committee.vacancy_reference,
        "vacancy_title": committee.vacancy_title,
        "interview_date": committee.interview_date.isoformat(),
        "status": committee.status,
        "notes": committee.notes,
        **changes,
    }


def page_member_role(w: World, justification: str) -> None:
    w.op_client.post(
        reverse("committees:member_role", args=[w.committee.pk, w.external.pk]),
        {"role": MembershipRole.MEMBER, "justification": justification},
    )


def page_paste_members(w: World, justification: str) -> None:
    w.op_client.post(
        reverse("worklists:bulk_add", args=[w.committee.pk]),
        {
            "entries": w.untrained.email,
            "role": MembershipRole.MEMBER,
            "justification": justification,
            "add": "1",
        },
    )


def page_copy_members(w: World, justification: str) -> None:
    source, _created = SelectionCommittee.objects.get_or_create(
        department=w.committee.department,
        vacancy_reference="BRON-1",
        defaults={"vacancy_title": "Eerdere commissie", "interview_date": TRAINED_ON},
    )
    CommitteeMembership.objects.get_or_create(
        committee=source, person=w.untrained, defaults={"role": MembershipRole.MEMBER}
    )
    w.op_client.post(
        reverse("worklists:copy_members", args=[w.committee.pk]),
        {"source": source.pk, "justification": justification, "add": "1"},
    )


def page_edit_status(w: World, justification: str) -> None:
    data = _edit_data(w, status=CommitteeStatus.CONFIRMED, justification=justification)
    w.op_client.post(reverse("committees:edit", args=[w.committee.pk]), data)


def page_edit_date(w: World, justification: str) -> None:
    data = _edit_data(w, interview_date=EARLIER.isoformat(), justification=justification)
    w.op_client.post(reverse("committees:edit", args=[w.committee.pk]), data)


def page_create(w: World, justification: str) -> None:
    w.op_client.post(
        reverse("committees:create"),
        {
            "department": w.committee.department.pk,
            "vacancy_reference": "NIEUW-1",
            "vacancy_title": "Jurist",
            "interview_date": INTERVIEW.isoformat(),
            "status": CommitteeStatus.CONFIRMED,
            "justification": justification,
        },
    )


# --- the API ------------------------------------------------------------------------------


def api_register(w: World, justification: str) -> None:
    from api.models import ClientKind
    from tests.api.conftest import api_caller

    if w.api is None:
        w.api = api_caller("HR-systeem", ClientKind.DEPARTMENT, department=w.committee.department)
    w.api.post(
        "/api/v1/committees",
        {
            "vacancy_reference": "NIEUW-1",
            "vacancy_title": "Jurist",
            "interview_date": INTERVIEW.isoformat(),
            "status": CommitteeStatus.CONFIRMED,
            "justification": justification,
            "members": [
                {"employee_number": w.untrained.employee_number, "role": MembershipRole.MEMBER}
            ],
        },
    )


# --- admin ------------------------------------------------------------------------------


def _admin_committee_data(
    committee: SelectionCommittee | None, department: Department, **changes: object
) -> dict[str, object]:
    data: dict[str, object] = {
        "department": department.pk,
        "vacancy_reference": committee.vacancy_reference if committee else "NIEUW-1",
        "vacancy_title": committee.vacancy_title if committee else "Jurist",
        "interview_date": (committee.interview_date if committee else INTERVIEW).isoformat(),
        "status": committee.status if committee else CommitteeStatus.PLANNED,
        "notes": "",
        "justification": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "justifications-TOTAL_FORMS": "0",
        "justifications-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def _with_new_member(data: dict[str, object], person: Person, justification: str) -> None:
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-person": person.pk,
            "memberships-0-role": MembershipRole.MEMBER,
            "memberships-0-justification": justification,
        }
    )


def admin_membership_add(w: World, justification: str) -> None:
    w.admin_client.post(
        reverse("admin:committees_committeemembership_add"),
        {
            "committee": w.committee.pk,
            "person": w.untrained.pk,
            "role": MembershipRole.MEMBER,
            "justification": justification,
        },
    )


def admin_membership_change_role(w: World, justification: str) -> None:
    w.admin_client.post(
        reverse("admin:committees_committeemembership_change", args=[w.external.pk]),
        {"role": MembershipRole.MEMBER, "justification": justification},
    )


def admin_committee_inline_add(w: World, justification: str) -> None:
    data = _admin_committee_data(w.committee, w.committee.department)
    _with_new_member(data, w.untrained, justification)
    data["memberships-0-committee"] = w.committee.pk
    w.admin_client.post(
        reverse("admin:committees_selectioncommittee_change", args=[w.committee.pk]), data
    )


def admin_committee_status(w: World, justification: str) -> None:
    data = _admin_committee_data(
        w.committee,
        w.committee.department,
        status=CommitteeStatus.CONFIRMED,
        justification=justification,
    )
    w.admin_client.post(
        reverse("admin:committees_selectioncommittee_change", args=[w.committee.pk]), data
    )


def admin_committee_date(w: World, justification: str) -> None:
    data = _admin_committee_data(
        w.committee,
        w.committee.department,
        interview_date=EARLIER.isoformat(),
        justification=justification,
    )
    w.admin_client.post(
        reverse("admin:committees_selectioncommittee_change", args=[w.committee.pk]), data
    )


def admin_committee_add(w: World, justification: str) -> None:
    data = _admin_committee_data(
        None, w.committee.department, status=CommitteeStatus.CONFIRMED, justification=justification
    )
    _with_new_member(data, w.untrained, justification)
    w.admin_client.post(reverse("admin:committees_selectioncommittee_add"), data)


@dataclass(frozen=True)
class WritePath:
    name: str
    kind: str  # what the path changes: "member", "status", "date" or "create"
    run: Callable[[World, str], None]
    # URL name of the page or admin page, for the meta-test; None for a service.
    url_name: str | None = None
    # False where no justification helps: a committee is created without members, and
    # confirming a committee without a required member is refused in every mode.
    justifiable: bool = True


WRITE_PATHS = [
    WritePath("service committee_add_member", "member", service_add_member),
    WritePath("service membership_change_role", "member", service_change_role),
    WritePath("service committee_change_status", "status", service_change_status),
    WritePath("service committee_update (interview date)", "date", service_update_date),
    WritePath("service committee_create", "create", service_create, justifiable=False),
    WritePath("page add member", "member", page_member_add, "committees:member_add"),
    WritePath("page new person", "member", page_new_person, "committees:member_new_person"),
    WritePath("page member role", "member", page_member_role, "committees:member_role"),
    WritePath("page paste members", "member", page_paste_members, "worklists:bulk_add"),
    WritePath("page copy members", "member", page_copy_members, "worklists:copy_members"),
    WritePath("page edit (status)", "status", page_edit_status, "committees:edit"),
    WritePath("page edit (interview date)", "date", page_edit_date, "committees:edit"),
    WritePath("page new committee", "create", page_create, "committees:create", False),
    WritePath("API register committee", "create", api_register, "api:committees"),
    WritePath(
        "admin membership add",
        "member",
        admin_membership_add,
        "admin:committees_committeemembership_add",
    ),
    WritePath(
        "admin membership role",
        "member",
        admin_membership_change_role,
        "admin:committees_committeemembership_change",
    ),
    WritePath(
        "admin committee inline",
        "member",
        admin_committee_inline_add,
        "admin:committees_selectioncommittee_change",
    ),
    WritePath(
        "admin committee status",
        "status",
        admin_committee_status,
        "admin:committees_selectioncommittee_change",
    ),
    WritePath(
        "admin committee interview date",
        "date",
        admin_committee_date,
        "admin:committees_selectioncommittee_change",
    ),
    WritePath(
        "admin new committee with members",
        "create",
        admin_committee_add,
        "admin:committees_selectioncommittee_add",
    ),
]


@pytest.fixture
def world_for(department, op_user, admin_user_):
    def build(path: WritePath, mode: str) -> World:
        return make_world(path.kind, mode, department, op_user, admin_user_)

    return build


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda p: p.name)
def test_strict_refuses_on_every_write_path(path: WritePath, world_for) -> None:
    w = world_for(path, EnforcementMode.STRICT)
    path.run(w, "Toch doen.")
    assert not w.changed()
    assert not CommitteeJustification.objects.exists()


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda p: p.name)
def test_justify_asks_a_justification_on_every_write_path(path: WritePath, world_for) -> None:
    w = world_for(path, EnforcementMode.JUSTIFY)
    path.run(w, "")
    assert not w.changed()
    path.run(w, "Geen getrainde vervanger beschikbaar.")
    if not path.justifiable:
        assert not w.changed()
        return
    assert w.changed()
    stored = CommitteeJustification.objects.get()
    assert stored.text == "Geen getrainde vervanger beschikbaar."
    assert stored.untrained_members


# --- the meta-tests ---------------------------------------------------------------------

# Pages that accept POST but add no member, change no role, status or interview date.
OTHER_POST_VIEWS: dict[str, str] = {
    "login": "signs in",
    "logout": "signs out",
    "password_change": "changes the user's own password",
    "password_reset": "queues a message with a link to choose a new password",
    "password_reset_confirm": "sets a new password with the link from that message",
    "set_language": "stores the chosen language",
    "message_preferences": "the user's own choice of e-mail messages",
    "committees:member_remove": "removes a member: leaves no untrained member behind",
    "people:person_edit": "edits a person's name, e-mail and employee number",
    "worklists:download": "starts a long list download as a background job",
    "imports:index": "uploads a supplier's attendance file (completions only)",
    "imports:sessions": "imports a supplier's schedule of sessions (sessions only)",
    "imports:profile_create": "saves how a supplier's file is read",
    "imports:row": "matches one imported row to a person (completions only)",
    "imports:apply": "writes an import's completions",
    "imports:mapping": "saves which column is which as a supplier's import profile",
    "imports:discard": "discards an uploaded file and deletes it",
    "imports:retry": "applies a stopped import again (completions only)",
    "completions:enter": "enters a completion by hand (counts once confirmed)",
    "completions:confirm": "confirms a completion entered by hand",
    "completions:reject": "rejects a completion entered by hand",
    "committees:member_register": "registers a member for a session (or the waiting list)",
    "committees:registration_cancel": "cancels a member's registration (warns when relied on)",
    "member-registration": "a member registers through their own signed link (a completion)",
    "reports:compile": "starts compiling a quarterly report",
    "reports:job_retry": "restarts a failed report job",
    "reports:interventions": "records an intervention for the reports",
    "reports:self_reported": "stores the figures a department reports itself",
    # The REST API (api/): no session sign-in, so without a token every view answers 401.
    "api:token": "issues an OAuth access token to an API client",
    "api:me": "GET only: the API client's own name and scope",
    "api:committee_compliance": "GET only: a committee's compliance",
    "api:person_training": "GET only: a person's training",
    "api:report_figures": "GET only: a frozen report's figures",
    "api:session": "a supplier's session (PUT): no committee",
    "api:attendance": "a supplier's attendance records, through the import (completions only)",
    "api:attendance_batch": "GET only: an attendance batch's status",
    "api:registrations": "GET only: who is registered for a supplier's session",
}

# Models in the admin whose forms write none of the enforced fields. Memberships and
# committees are changed in the admin only through WRITE_PATHS above.
OTHER_ADMIN_MODELS: dict[str, str] = {
    "auth.user": "user accounts",
    "auth.group": "roles (read only)",
    "axes.accessattempt": "failed log-ins",
    "axes.accessfailurelog": "failed log-ins",
    "axes.accesslog": "log-ins",
    "departments.department": "departments and their enforcement mode",
    "django_celery_beat.clockedschedule": "Celery beat: one-off times",
    "django_celery_beat.crontabschedule": "Celery beat: times of the schedule",
    "django_celery_beat.intervalschedule": "Celery beat: intervals",
    "django_celery_beat.periodictask": "Celery beat: the scheduled jobs",
    "django_celery_beat.solarschedule": "Celery beat: sun-based times (unused)",
    "departments.departmentalias": "other names of departments in suppliers' files",
    "departments.person": "people; committee seats are not edited here",
    "notifications.notification": "the outbox, read only; its action only retries a send",
    "notifications.notificationpreference": "who wants the weekly overview",
    "reports.intervention": "interventions",
    "reports.reportjob": "report jobs",
    "reports.reportsnapshot": "frozen reports",
    "reports.selfreportedfigures": "figures departments report themselves",
    "trainings.evaluation": "evaluations",
    "imports.importbatch": "import batches",
    "imports.importprofile": "how suppliers' files are read",
    "imports.importrow": "imported rows",
    "trainings.supplier": "suppliers",
    "trainings.tender": "tenders",
    "trainings.trainingcompletion": "completions",
    "trainings.trainingprogramme": "programmes",
    "trainings.trainingsession": "sessions",
    "trainings.waitlistentry": "waiting lists (a new entry through trainings.services)",
    "api.apiclient": "API clients: registered and revoked, nothing else",
}


def _sample_kwargs(pattern: URLPattern) -> dict[str, object]:
    converters = getattr(pattern.pattern, "converters", {})
    return {
        name: 999999 if type(converter).__name__ == "IntConverter" else "x"
        for name, converter in converters.items()
    }


def _accepts_post(client: Client, name: str, pattern: URLPattern) -> bool:
    """Whether the view does anything with a POST but refuse it with 405.

    The ids point at nothing: a view that takes POST answers 404 or a form error, one
    limited to GET (`require_safe`, `require_GET`) answers 405 before it looks.
    """
    url = reverse(name, kwargs=_sample_kwargs(pattern))
    return client.post(url, {}).status_code != 405


def test_every_page_that_accepts_post_is_a_write_path_or_known_to_write_none(
    client, admin_user_
) -> None:
    client.force_login(admin_user_)
    covered = {path.url_name for path in WRITE_PATHS if path.url_name}
    unknown = [
        name
        for name, pattern in ((p.name, p.pattern) for p in app_patterns())
        if name not in covered
        and name not in OTHER_POST_VIEWS
        and _accepts_post(client, name, pattern)
    ]
    assert unknown == [], f"Add these to WRITE_PATHS (with a test) or OTHER_POST_VIEWS: {unknown}"


def test_the_lists_name_only_existing_pages() -> None:
    names = {pattern.name for pattern in app_patterns()}
    listed = {p.url_name for p in WRITE_PATHS if p.url_name and ":" in p.url_name}
    pages = {n for n in listed if not n.startswith("admin:")} | set(OTHER_POST_VIEWS)
    assert pages - names == set()


def test_every_admin_model_is_a_write_path_or_known_to_write_none() -> None:
    covered = {
        path.url_name.removeprefix("admin:").rsplit("_", 1)[0].replace("_", ".", 1)
        for path in WRITE_PATHS
        if path.url_name and path.url_name.startswith("admin:")
    }
    registered = {model._meta.label_lower for model in admin.site._registry}
    missing = sorted(registered - covered - set(OTHER_ADMIN_MODELS))
    assert missing == [], f"Add to WRITE_PATHS or OTHER_ADMIN_MODELS: {missing}"
    assert covered | set(OTHER_ADMIN_MODELS) <= registered
