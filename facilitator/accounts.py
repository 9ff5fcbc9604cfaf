"""Facilitator accounts and group membership: create, sign in, invite co-facilitators."""
from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from core import audit
from core.extensions import db
from core.models import Facilitator, Group, GroupMember, OneTimeToken, utcnow
from core.security import DUMMY_HASH, check_password, hash_password, new_token, token_hash
from core.text import clean_text

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
PASSWORD_MIN = 10


class AccountError(ValueError):
    """A human-readable reason an account operation was refused."""


def validate_account(name: str, email: str, password: str) -> tuple[str, str]:
    try:
        name = clean_text(name, 80)
    except ValueError as exc:
        raise AccountError(str(exc)) from exc
    email = (email or "").strip().lower()
    if not name:
        raise AccountError("Please enter your name.")
    if not EMAIL.match(email):
        raise AccountError("Please enter a valid email address.")
    if not PASSWORD_MIN <= len(password or "") <= 200:
        raise AccountError(f"Please choose a password of at least {PASSWORD_MIN} characters.")
    if db.session.execute(select(Facilitator.id).where(Facilitator.email == email)).first():
        raise AccountError("An account with this email already exists. Please sign in instead.")
    return name, email


def create_account(name: str, email: str, password: str) -> Facilitator:
    name, email = validate_account(name, email, password)
    with db.transaction() as s:
        f = Facilitator(name=name, email=email, password_hash=hash_password(password))
        s.add(f)
    return f


def authenticate(email: str, password: str) -> Facilitator | None:
    f = db.session.execute(
        select(Facilitator).where(Facilitator.email == (email or "").strip().lower())
    ).scalar_one_or_none()
    if f is None:
        check_password(DUMMY_HASH, password or "")  # same cost whether or not the account exists
        return None
    return f if check_password(f.password_hash, password or "") else None


def redeem(purpose: str, token: str) -> OneTimeToken | None:
    """The unused, unexpired token of that purpose, or None. Redeeming marks it used (callers commit)."""
    if not token or len(token) > 100:
        return None
    t = db.session.execute(
        select(OneTimeToken).where(OneTimeToken.token_hash == token_hash(token), OneTimeToken.purpose == purpose)
    ).scalar_one_or_none()
    if t is None or t.used_at is not None or t.expires_at < utcnow():
        return None
    return t


def complete_setup(token: str, name: str, email: str, password: str) -> Facilitator:
    """The first facilitator account, through the one-time setup link."""
    with db.transaction() as s:
        t = redeem("setup", token)
        if t is None or s.execute(select(Facilitator.id)).first():
            raise AccountError("This setup link has expired or was already used.")
        name, email = validate_account(name, email, password)
        t.used_at = utcnow()
        f = Facilitator(name=name, email=email, password_hash=hash_password(password))
        s.add(f)
    return f


INVITE_ROLES = {"invite": "co", "invite_sup": "supervisor"}  # OneTimeToken.purpose -> GroupMember.role


def create_invite(group: Group, inviter: Facilitator, *, supervisor: bool = False) -> str:
    """A one-time link that adds whoever opens it as a co-facilitator (or, with supervisor, the supervisor)."""
    token = new_token()
    hours = current_app.config["INVITE_LINK_HOURS"]
    with db.transaction() as s:
        s.add(OneTimeToken(purpose="invite_sup" if supervisor else "invite", token_hash=token_hash(token),
                           group_id=group.id, created_by=inviter.id, expires_at=utcnow() + timedelta(hours=hours)))
        audit.record("invite", actor="facilitator", actor_id=inviter.id, group_id=group.id,
                     target="supervisor" if supervisor else "")
    return token


def accept_invite(token: str, facilitator: Facilitator) -> tuple[Group, str]:
    """Join the group in the invitation's role; someone already in the team keeps the role they have.
    Returns the group and their role in it."""
    with db.transaction() as s:
        purpose = next((p for p in INVITE_ROLES if redeem(p, token) is not None), None)
        t = redeem(purpose, token) if purpose else None
        if t is None or t.group_id is None:
            raise AccountError("This invitation has expired or was already used.")
        t.used_at = utcnow()
        m = s.get(GroupMember, (t.group_id, facilitator.id))
        if m is None:
            m = GroupMember(group_id=t.group_id, facilitator_id=facilitator.id, role=INVITE_ROLES[purpose])
            s.add(m)
            audit.record("supervisor_join" if m.role == "supervisor" else "facilitator_join", actor="facilitator",
                         actor_id=facilitator.id, group_id=t.group_id)
        group, role = s.get(Group, t.group_id), m.role
    return group, role


def mark_login(f: Facilitator) -> None:
    with db.transaction() as s:
        f = s.merge(f)
        f.last_login_at = utcnow()
        audit.record("login", actor="facilitator", actor_id=f.id)


def end_all_logins(f: Facilitator) -> None:
    """Logout everywhere: older cookies carry the old epoch and stop working."""
    with db.transaction() as s:
        f = s.merge(f)
        f.auth_epoch += 1
        audit.record("logout", actor="facilitator", actor_id=f.id)
