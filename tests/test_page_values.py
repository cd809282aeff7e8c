"""Values prepared once for a page's rows (training_monitor.page_values): one reverse for many
URLs, each date formatted once, and a list counted up to a limit."""

from __future__ import annotations

import datetime

import pytest
from django.core.paginator import EmptyPage
from django.urls import reverse
from django.utils import translation

from committees.models import SelectionCommittee
from tests.factories import CommitteeFactory
from training_monitor.page_values import CountedUpTo, date_shown, url_for_pk


def test_url_for_pk_gives_what_reverse_gives() -> None:
    url = url_for_pk("committees:detail")
    assert [url(pk) for pk in (1, 42, 987654321)] == [
        reverse("committees:detail", args=[pk]) for pk in (1, 42, 987654321)
    ]


def test_date_shown_formats_as_the_date_filter() -> None:
    shown = date_shown()
    with translation.override("nl"):
        assert shown(datetime.date(2026, 3, 1)) == "1 maart 2026"


@pytest.mark.django_db
def test_up_to_the_limit_the_count_and_the_pages_are_exact(department) -> None:
    CommitteeFactory.create_batch(5, department=department)
    paginator = CountedUpTo(SelectionCommittee.objects.order_by("pk"), 2, count_limit=5)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, False, 3)
    assert not paginator.get_page(3).has_next()


@pytest.mark.django_db
def test_beyond_the_limit_a_page_knows_its_next_from_one_row_more(department) -> None:
    committees = CommitteeFactory.create_batch(7, department=department)
    paginator = CountedUpTo(SelectionCommittee.objects.order_by("pk"), 2, count_limit=3)
    assert (paginator.count, paginator.capped) == (4, True)
    # Past the pages counted (2 of 2 rows each), as far as the rows go.
    page = paginator.page(3)
    assert [c.pk for c in page.object_list] == [c.pk for c in committees[4:6]]
    assert page.has_next()
    assert page.next_page_number() == 4
    last = paginator.page(4)
    assert [c.pk for c in last.object_list] == [committees[6].pk]
    assert not last.has_next()
    assert last.has_previous()
    with pytest.raises(EmptyPage):
        paginator.page(5)
