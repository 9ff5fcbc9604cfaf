"""Forms for the group's roster (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core.member_models import MEMBER_STATUSES
from core.members import STATUS_WORDS
from core.text import NAME_MAX, clean_name

STATUS_CHOICES = [SelectChoice(s, STATUS_WORDS[s].capitalize()) for s in MEMBER_STATUSES]


def _name(_form, field) -> None:
    try:
        field.data = clean_name(field.data or "")
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class MemberForm(FlaskForm):
    name = StringField("First name or pseudonym", validators=[DataRequired(message="Please give a name."),
                                                              Length(max=NAME_MAX + 20), _name])
    status = SelectField("Status", choices=STATUS_CHOICES, default="active")
    started_on = DateField("Member since", validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=STATUS_CHOICES)
    on = DateField("From", validators=[Optional()])


class RenameForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Please give a name."),
                                           Length(max=NAME_MAX + 20), _name])


class StraightInForm(FlaskForm):
    straight_in = BooleanField("Members come straight in (no waiting room for members who use their own link)")
