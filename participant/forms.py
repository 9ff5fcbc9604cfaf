"""Participant forms: join code, display name, consent. CSRF on each."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from core.text import NAME_MAX, clean_name


class CodeForm(FlaskForm):
    code = StringField("Join code", validators=[DataRequired(message="Please type the code."), Length(max=20)])


class NameForm(FlaskForm):
    name = StringField("Your first name or a name you'd like to use",
                       validators=[DataRequired(message="Please choose a name to show the group."),
                                   Length(max=NAME_MAX + 20)])
    # A member on a device the app does not know yet: the facilitator confirms it in the waiting room.
    member_claim = BooleanField("I am a member of this group, on a new phone or computer")

    def validate_name(self, field) -> None:
        try:
            field.data = clean_name(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class ConsentForm(FlaskForm):
    agree = BooleanField("I have read the group agreements and I agree to them",
                         validators=[DataRequired(message="Please tick the box to agree before you join.")])


class LeaveForm(FlaskForm):
    """Leave the session on this device: CSRF only."""
