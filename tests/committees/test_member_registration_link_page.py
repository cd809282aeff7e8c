"""The member's own link page (/aanmelden/<token>/): never stored in a shared cache or
indexed, and a validly signed payload that is no usable id is a 400, not a 500."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from committees.registration_links import SALT, member_registration_url
from tests.factories import CommitteeFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(department):
    interview = timezone.localdate() + datetime.timedelta(days=30)
    return MembershipFactory(
        committee=CommitteeFactory(department=department, interview_date=interview)
    )


def test_the_page_is_private_and_not_indexed(client, membership) -> None:
    response = client.get(member_registration_url(membership))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


@pytest.mark.parametrize("payload", ["abc", "²", "9" * 30, "-1", ""])
def test_a_signed_payload_that_is_no_id_is_a_400(client, payload) -> None:
    token = signing.TimestampSigner(salt=SALT).sign(payload)
    response = client.get(reverse("member-registration", args=[token]))
    assert response.status_code == 400
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
