"""The Django admin is for administrators only, and stays scoped and safe in depth anyway.

Two layers are tested: the admin site refuses everybody but active administrators, and
each admin form refuses a related object outside what its user may use and sends every
membership write through the committee services (with the enforcement rule), so a
forged POST cannot get round either even if the first layer were wrong.
"""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.urls import reverse

from committees.admin import MembershipInline
from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    SelectionCommittee,
)
from demo.demo_data import ensure_demo_users
from departments.models import Department
from imports.models import ImportBatch
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2030, 6, 1)


@pytest.fixture
def bzk(department: Department) -> Department:
    return department


@pytest.fixture
def fin(other_department: Department) -> Department:
    return other_department


@pytest.fixture
def staff_op_user(op_user):
    """O&P staff of `department` who were wrongly given is_staff (as the demo data did)."""
    op_user.is_staff = True
    op_user.save(update_fields=["is_staff"])
    return op_user


def committee_in(department: Department, *, mode: str = "advisory", status: str = "planned"):
    department.enforcement_mode = mode
    department.save(update_fields=["enforcement_mode"])
    return CommitteeFactory(department=department, status=status, interview_date=INTERVIEW)


def inline_data(committee: SelectionCommittee, *rows: dict[str, object]) -> dict[str, object]:
    """The committee change form as the admin posts it, with new membership rows."""
    data: dict[str, object] = {
        "department": committee.department.pk,
        "vacancy_reference": committee.vacancy_reference,
        "vacancy_title": committee.vacancy_title,
        "interview_date": committee.interview_date.isoformat(),
        "status": committee.status,
        "notes": committee.notes,
        "justification": "",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": "0",
        "justifications-TOTAL_FORMS": "0",
        "justifications-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"memberships-{index}-{name}"] = value
        data[f"memberships-{index}-committee"] = committee.pk
    return data


def change_url(committee: SelectionCommittee) -> str:
    return reverse("admin:committees_selectioncommittee_change", args=[committee.pk])


def membership_errors(response) -> list[dict[str, object]]:
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is CommitteeMembership
    )
    return list(formset.errors)


def admin_request(user, method: str = "get", data: dict[str, object] | None = None):
    request = getattr(RequestFactory(), method)("/admin/", data or {})
    request.user = user
    return request


# --- finding 1: the committee inline took another department's person -----------------


def test_op_staff_with_is_staff_cannot_put_another_departments_person_on_a_committee(
    client, staff_op_user, bzk, fin
) -> None:
    committee = committee_in(bzk)
    foreign = PersonFactory(department=fin)
    client.force_login(staff_op_user)
    client.post(
        change_url(committee), inline_data(committee, {"person": foreign.pk, "role": "member"})
    )
    assert not CommitteeMembership.objects.filter(person=foreign).exists()


def test_the_membership_inline_refuses_a_person_its_user_may_not_use(op_user, bzk, fin) -> None:
    # Defence in depth: even for a user the site would let in.
    committee = committee_in(bzk)
    foreign = PersonFactory(department=fin)
    # A user the site let in, with the model permissions the admin asks for.
    op_user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="committees", codename__endswith="membership"
        )
    )
    op_user = type(op_user).objects.get(pk=op_user.pk)  # no cached permissions
    request = admin_request(op_user)
    inline = MembershipInline(SelectionCommittee, admin.site)
    formset_class = inline.get_formset(request, committee)
    data = inline_data(committee, {"person": foreign.pk, "role": "member"})
    formset = formset_class(data=data, instance=committee, prefix="memberships")
    assert not formset.is_valid()
    assert "person" in formset.forms[0].errors


# --- finding 2: the membership admin took another department's committee ------------


def test_op_staff_with_is_staff_cannot_add_a_membership_to_another_departments_committee(
    client, staff_op_user, bzk, fin
) -> None:
    foreign_committee = committee_in(fin)
    own_person = PersonFactory(department=bzk)
    client.force_login(staff_op_user)
    client.post(
        reverse("admin:committees_committeemembership_add"),
        {"committee": foreign_committee.pk, "person": own_person.pk, "role": "member"},
    )
    assert not CommitteeMembership.objects.filter(committee=foreign_committee).exists()


def test_the_membership_form_refuses_a_committee_its_user_may_not_change(op_user, bzk, fin) -> None:
    foreign_committee = committee_in(fin)
    own_person = PersonFactory(department=bzk)
    model_admin = admin.site._registry[CommitteeMembership]
    request = admin_request(op_user)
    form_class = model_admin.get_form(request, None)
    form = form_class(
        data={"committee": foreign_committee.pk, "person": own_person.pk, "role": "member"}
    )
    assert not form.is_valid()
    assert "committee" in form.errors


def test_a_memberships_committee_cannot_be_changed(client, admin_user_, bzk, fin) -> None:
    membership = MembershipFactory(committee=committee_in(bzk))
    other = committee_in(fin)
    client.force_login(admin_user_)
    url = reverse("admin:committees_committeemembership_change", args=[membership.pk])
    response = client.post(
        url, {"committee": other.pk, "person": membership.person.pk, "role": "hr_adviser"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.committee.department, membership.role) == (bzk, "hr_adviser")


# --- finding 3: the admin's membership add skipped the enforcement rule -------------


def test_strict_refuses_an_untrained_member_on_the_membership_add_page(
    client, admin_user_, bzk
) -> None:
    committee = committee_in(bzk, mode="strict", status=CommitteeStatus.CONFIRMED)
    person = PersonFactory(department=bzk)
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:committees_committeemembership_add"),
        {"committee": committee.pk, "person": person.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not CommitteeMembership.objects.filter(committee=committee).exists()


def test_justify_asks_a_reason_on_the_membership_add_page(client, admin_user_, bzk) -> None:
    committee = committee_in(bzk, mode="justify", status=CommitteeStatus.CONFIRMED)
    person = PersonFactory(department=bzk)
    client.force_login(admin_user_)
    url = reverse("admin:committees_committeemembership_add")
    data = {"committee": committee.pk, "person": person.pk, "role": "member"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "justification" in response.context["adminform"].form.errors
    response = client.post(url, {**data, "justification": "Geen andere kandidaat"})
    assert response.status_code == 302
    assert CommitteeMembership.objects.filter(committee=committee, person=person).exists()
    assert CommitteeJustification.objects.get(committee=committee).text == "Geen andere kandidaat"


def test_a_trained_member_joins_a_strict_confirmed_committee_on_the_add_page(
    client, admin_user_, bzk
) -> None:
    committee = committee_in(bzk, mode="strict", status=CommitteeStatus.CONFIRMED)
    person = PersonFactory(department=bzk)
    CompletionFactory(person=person)
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:committees_committeemembership_add"),
        {"committee": committee.pk, "person": person.pk, "role": "member"},
    )
    assert response.status_code == 302
    assert CommitteeMembership.objects.filter(committee=committee, person=person).exists()


def test_strict_refuses_an_untrained_member_in_the_committee_inline(
    client, admin_user_, bzk
) -> None:
    committee = committee_in(bzk, mode="strict", status=CommitteeStatus.CONFIRMED)
    person = PersonFactory(department=bzk)
    client.force_login(admin_user_)
    response = client.post(
        change_url(committee), inline_data(committee, {"person": person.pk, "role": "member"})
    )
    assert response.status_code == 200
    assert "person" in membership_errors(response)[0]
    assert not CommitteeMembership.objects.filter(committee=committee).exists()


def test_justify_asks_a_reason_in_the_committee_inline(client, admin_user_, bzk) -> None:
    committee = committee_in(bzk, mode="justify", status=CommitteeStatus.CONFIRMED)
    person = PersonFactory(department=bzk)
    client.force_login(admin_user_)
    row = {"person": person.pk, "role": "member"}
    response = client.post(change_url(committee), inline_data(committee, row))
    assert response.status_code == 200
    assert "justification" in membership_errors(response)[0]
    assert not CommitteeMembership.objects.filter(committee=committee).exists()
    row["justification"] = "Spoed"
    response = client.post(change_url(committee), inline_data(committee, row))
    assert response.status_code == 302
    assert CommitteeMembership.objects.filter(committee=committee, person=person).exists()
    assert CommitteeJustification.objects.get(committee=committee).text == "Spoed"


def test_a_role_change_in_the_inline_goes_through_the_rule(client, admin_user_, bzk) -> None:
    committee = committee_in(bzk, mode="strict", status=CommitteeStatus.CONFIRMED)
    adviser = MembershipFactory(committee=committee, role="external")
    client.force_login(admin_user_)
    data = inline_data(committee)
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": adviser.pk,
            "memberships-0-committee": committee.pk,
            "memberships-0-person": adviser.person.pk,
            "memberships-0-role": "member",
        }
    )
    response = client.post(change_url(committee), data)
    assert response.status_code == 200
    assert "role" in membership_errors(response)[0]
    adviser.refresh_from_db()
    assert adviser.role == "external"


def test_removing_a_member_in_the_inline_deletes_the_membership(client, admin_user_, bzk) -> None:
    committee = committee_in(bzk)
    membership = MembershipFactory(committee=committee)
    client.force_login(admin_user_)
    data = inline_data(committee)
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-committee": committee.pk,
            "memberships-0-person": membership.person.pk,
            "memberships-0-role": membership.role,
            "memberships-0-DELETE": "on",
        }
    )
    assert client.post(change_url(committee), data).status_code == 302
    assert not CommitteeMembership.objects.filter(pk=membership.pk).exists()


def test_a_new_confirmed_committee_with_untrained_members_stays_planned_in_strict(
    client, admin_user_, bzk
) -> None:
    bzk.enforcement_mode = "strict"
    bzk.save(update_fields=["enforcement_mode"])
    person = PersonFactory(department=bzk)
    client.force_login(admin_user_)
    data = {
        "department": bzk.pk,
        "vacancy_reference": "NIEUW-1",
        "vacancy_title": "Beleidsmedewerker",
        "interview_date": INTERVIEW.isoformat(),
        "status": CommitteeStatus.CONFIRMED,
        "notes": "",
        "justification": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-person": person.pk,
        "memberships-0-role": "member",
        "justifications-TOTAL_FORMS": "0",
        "justifications-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:committees_selectioncommittee_add"), data, follow=True)
    assert response.status_code == 200
    committee = SelectionCommittee.objects.get(vacancy_reference="NIEUW-1")
    assert committee.status == CommitteeStatus.PLANNED
    assert committee.memberships.get().person == person
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_the_membership_admin_removes_a_member(client, admin_user_, bzk) -> None:
    membership = MembershipFactory(committee=committee_in(bzk))
    client.force_login(admin_user_)
    url = reverse("admin:committees_committeemembership_delete", args=[membership.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not CommitteeMembership.objects.filter(pk=membership.pk).exists()


# --- defence in depth on every admin form --------------------------------------------


@pytest.mark.parametrize("model", sorted(admin.site._registry, key=lambda m: m._meta.label))
def test_every_admin_form_offers_only_what_its_user_may_use(model, op_user, bzk, fin) -> None:
    DepartmentFactory(code="CCC")
    PersonFactory(department=fin)
    CommitteeFactory(department=fin)
    model_admin = admin.site._registry[model]
    request = admin_request(op_user)
    forms = [model_admin.get_form(request, None)]
    forms += [
        inline_class(model, admin.site).get_formset(request, None).form
        for inline_class in model_admin.inlines
    ]
    for form_class in forms:
        for name, field in form_class.base_fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None or not hasattr(queryset, "visible_to"):
                continue
            allowed = queryset.model._default_manager.all()
            allowed = getattr(allowed, "editable_by", allowed.visible_to)(op_user)
            assert set(queryset) <= set(allowed), (model, name)


# --- the site itself: administrators only ---------------------------------------------


def test_op_staff_with_is_staff_get_no_admin_page(client, staff_op_user, bzk) -> None:
    committee = committee_in(bzk)
    client.force_login(staff_op_user)
    for url in (reverse("admin:index"), change_url(committee)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_the_programme_bureau_with_is_staff_gets_no_admin_page(client, bureau) -> None:
    bureau.is_staff = True
    bureau.save(update_fields=["is_staff"])
    client.force_login(bureau)
    response = client.get(reverse("admin:committees_selectioncommittee_changelist"))
    assert response.status_code == 302


def test_an_inactive_administrator_gets_no_admin_page(client, admin_user_) -> None:
    client.force_login(admin_user_)
    admin_user_.is_active = False
    admin_user_.save(update_fields=["is_active"])
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_superuser_and_an_administrator_use_the_admin(client, admin_user_) -> None:
    superuser = UserFactory(is_superuser=True)
    for user in (admin_user_, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_site_refuses_anonymous_users() -> None:
    assert not admin.site.has_permission(admin_request(AnonymousUser()))


def test_new_op_and_bureau_users_are_not_staff(op_user, bureau, admin_user_) -> None:
    assert (op_user.is_staff, bureau.is_staff, admin_user_.is_staff) == (False, False, True)


# --- finding 4: admin uploads are size-checked before anything is stored --------------


@override_settings(IMPORT_MAX_UPLOAD_BYTES=100)
def test_the_admin_import_page_refuses_a_file_over_the_limit(client, admin_user_) -> None:
    client.force_login(admin_user_)
    upload = SimpleUploadedFile("lijst.csv", b"id,person\n" + b"x" * 200, "text/csv")
    response = client.post(
        reverse("admin:trainings_trainingcompletion_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    assert "import_file" in response.context["form"].errors
    assert "confirm_form" not in response.context


@override_settings(IMPORT_MAX_UPLOAD_BYTES=100)
def test_the_admin_import_batch_add_refuses_a_file_over_the_limit(client, admin_user_) -> None:
    supplier = SupplierFactory()
    client.force_login(admin_user_)
    upload = SimpleUploadedFile("lijst.csv", b"a;b\n" + b"x" * 200, "text/csv")
    response = client.post(
        reverse("admin:imports_importbatch_add"),
        {"supplier": supplier.pk, "file": upload, "sheet": ""},
    )
    assert response.status_code == 200
    assert "file" in response.context["adminform"].form.errors
    assert not ImportBatch.objects.exists()


@override_settings(IMPORT_MAX_UPLOAD_BYTES=100)
def test_a_request_body_far_over_the_limit_is_refused_before_it_is_read(
    client, admin_user_
) -> None:
    client.force_login(admin_user_)
    upload = SimpleUploadedFile("groot.csv", b"x" * (3 * 1024 * 1024), "text/csv")
    response = client.post(
        reverse("admin:imports_importbatch_add"), {"supplier": "1", "file": upload}
    )
    assert response.status_code == 413
    assert not ImportBatch.objects.exists()


def test_the_migration_clears_is_staff_for_everybody_but_administrators(
    op_user, bureau, admin_user_
) -> None:
    migration = importlib.import_module("departments.migrations.0003_admin_for_administrators_only")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    inactive = UserFactory(is_staff=True, is_active=False)
    for user in (op_user, bureau):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    migration.clear_is_staff(django_apps, None)
    staff = dict(type(op_user).objects.values_list("pk", "is_staff"))
    assert [staff[user.pk] for user in (op_user, bureau)] == [False, False]
    assert [staff[user.pk] for user in (admin_user_, superuser, inactive)] == [True, True, True]


def test_op_staff_and_the_bureau_hold_no_model_permissions(op_user, bureau) -> None:
    # Model permissions only serve the admin; the pages check roles.
    for user in (op_user, bureau):
        assert user.get_all_permissions() == set()


def test_only_the_demo_administrator_is_staff() -> None:
    ensure_demo_users("demo-wachtwoord-123")
    staff = dict(get_user_model().objects.values_list("username", "is_staff"))
    assert staff == {"op.bzk": False, "op.fin": False, "bureau": False, "beheer": True}
