"""Fixtures for ongoing groups: a group with members, an open session, a member's own browser."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from core import members
from core.extensions import db
from core.models import GroupSession


@dataclass
class MemberBrowser:
    id: int
    public_id: str
    secret: str
    client: object


@pytest.fixture
def opened(app):
    """Open a session as the console does (status "live"), so members' links lead into it."""
    from facilitator import sessions as ops

    def do(gs):
        with app.app_context():
            ops.mark_live(db.session.get(GroupSession, gs.id))
        return gs

    return do


@pytest.fixture
def make_member(app):
    """A roster member with a standing link, and a browser that has opened it once."""

    def make(group, owner, name: str = "Sam", *, link: bool = True) -> MemberBrowser:
        with app.app_context():
            m = members.add(group, name, owner.id)
            secret = members.new_link(m, owner.id) if link else ""
            public_id = m.public_id
            member_id = m.id
        c = app.test_client()
        if link:
            assert c.get(f"/m/{secret}").status_code == 302
        return MemberBrowser(member_id, public_id, secret, c)

    return make
