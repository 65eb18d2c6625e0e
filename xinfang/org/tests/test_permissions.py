"""The permission matrix is the one source: the role groups, the workflow's actor kinds and the
docs are derived from it."""

from pathlib import Path
from types import SimpleNamespace

from django.conf import settings

from xinfang.matters.workflow import Actor, actor_kinds
from xinfang.org.choices import Role
from xinfang.org.permissions import (
    BUREAU_ROLES,
    COUNTY_WIDE_ROLES,
    MATRIX,
    REVEAL_ROLES,
    UNIT_ROLES,
    Ability,
    may,
    permissions_markdown,
    roles_with,
)


def test_every_role_has_a_row_and_every_ability_a_holder():
    assert set(MATRIX) == set(Role)
    assert all(roles_with(a) for a in Ability)


def test_role_groups_are_derived_from_the_matrix():
    assert COUNTY_WIDE_ROLES == {Role.REGISTRAR, Role.CASE_OFFICER, Role.BUREAU_LEADER, Role.COUNTY_LEADER,
                                 Role.AUDITOR, Role.ADMIN}
    assert UNIT_ROLES == {Role.UNIT_HANDLER, Role.UNIT_LEADER}
    assert BUREAU_ROLES == {Role.REGISTRAR, Role.CASE_OFFICER, Role.BUREAU_LEADER}
    assert REVEAL_ROLES == BUREAU_ROLES | UNIT_ROLES


def _user(roles, *, bureau: bool, unit_id: int = 7):
    return SimpleNamespace(roles=roles, unit_id=unit_id, in_bureau=bureau, is_authenticated=True,
                           unit=SimpleNamespace(kind="bureau" if bureau else "town"))


def test_workflow_actor_kinds_follow_the_abilities():
    matter = SimpleNamespace(handling_unit_id=7, review_body_id=None, recheck_body_id=None)
    assert actor_kinds(_user([Role.REGISTRAR], bureau=True), matter) == {Actor.BUREAU_INTAKE, Actor.PETITIONER}
    assert Actor.BUREAU in actor_kinds(_user([Role.CASE_OFFICER], bureau=True), matter)
    assert actor_kinds(_user([Role.AUDITOR], bureau=True), matter) == set()
    assert actor_kinds(_user([Role.UNIT_HANDLER], bureau=False), matter) == {Actor.HANDLER}
    assert actor_kinds(_user([Role.UNIT_LEADER], bureau=False), matter) == {Actor.HANDLER, Actor.HANDLER_LEADER}
    assert may(_user([Role.UNIT_LEADER], bureau=False), Ability.LEAD_UNIT)
    assert not may(_user([Role.COUNTY_LEADER], bureau=False), Ability.REVEAL)


def test_permissions_doc_is_generated_from_the_matrix():
    path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
    assert path.read_text(encoding="utf-8") == permissions_markdown(), "run: python manage.py workflow_doc"
