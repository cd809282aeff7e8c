"""Reads shared by a page and its download, so both always list the same rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import QueryDict

from committees.filters import CommitteeFilter
from committees.models import SelectionCommittee

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def committee_list_filter(user: User | AnonymousUser, params: QueryDict | None) -> CommitteeFilter:
    """The committee list with the filters of `params`, scoped to what `user` may see.

    `filter.qs` is the list (with compliance counts and the department); the page
    paginates it, the download writes all of it.
    """
    committees = (
        SelectionCommittee.objects.visible_to(user).with_compliance().select_related("department")
    )
    return CommitteeFilter(params or None, queryset=committees, user=user)
