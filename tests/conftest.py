from __future__ import annotations

import pytest

from departments.models import Department
from tests.factories import DepartmentFactory, administrator, bureau_user, op_staff


@pytest.fixture
def department(db: None) -> Department:
    return DepartmentFactory(code="AAA")


@pytest.fixture
def other_department(db: None) -> Department:
    return DepartmentFactory(code="ZZZ")


@pytest.fixture
def op_user(department: Department):
    return op_staff(department, username="op.aaa")


@pytest.fixture
def outsider(other_department: Department):
    """O&P staff of another department: must never see `department`'s data."""
    return op_staff(other_department, username="op.zzz")


@pytest.fixture
def bureau(db: None):
    return bureau_user()


@pytest.fixture
def admin_user_(db: None):
    return administrator()
