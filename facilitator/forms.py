"""Facilitator forms (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, EqualTo, Length, NumberRange, Optional, ValidationError

from core.text import clean_text


def plain_text(limit: int, multiline: bool = False):
    def check(_form, field):
        try:
            field.data = clean_text(field.data or "", limit, multiline=multiline)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    return check


def email_text(_form, field):
    """An email address is one line of visible text (a NUL byte must never reach a query)."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in field.data or ""):
        raise ValidationError("Please enter a valid email address.")


class ActionForm(FlaskForm):
    """A button that changes something: CSRF only."""


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254), email_text])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class AccountForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=80), plain_text(80)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254), email_text])
    password = PasswordField("Password (at least 10 characters)", validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField("Password again", validators=[EqualTo("password", message="The passwords do not match.")])


class GroupForm(FlaskForm):
    name = StringField("Group name", validators=[DataRequired(), Length(max=120), plain_text(120)])
    description = TextAreaField("Description (optional)", validators=[Length(max=2000), plain_text(2000, True)])
    agreements = TextAreaField("Group agreements (one per line)",
                               validators=[Length(max=4000), plain_text(4000, True)])
    retention_days = IntegerField("Keep participants' answers for (days)", default=30,
                                  validators=[NumberRange(min=1, max=365)])
    record_retention_years = IntegerField("Keep the attendance record for (years)", default=7,
                                          validators=[NumberRange(min=1, max=30)])
    distress_threshold = IntegerField("Alert me when a check-in intensity is at least (0-10)", default=8,
                                      validators=[NumberRange(min=1, max=10)])
    crisis_text = TextAreaField("Crisis resources shown to participants (optional)",
                                validators=[Length(max=4000), plain_text(4000, True)])


class SessionForm(FlaskForm):
    title = StringField("Session title", validators=[DataRequired(), Length(max=120), plain_text(120)])
    starts_at = DateTimeLocalField("Date and time (optional)", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    video_url = StringField("Video call link for remote members (optional)",
                            validators=[Optional(), Length(max=500), URL(require_tld=False, message="Please enter a full https:// link.")])
    auto_admit = BooleanField("Let people in without the waiting room")


class RecordSettingsForm(FlaskForm):
    """The clinical record's settings (the owner's): the members' note format, trends, safety procedure."""

    note_format = SelectField("Format of each member's session note",
                              choices=[("dap", "DAP (data, assessment, plan)"),
                                       ("birp", "BIRP (behaviour, intervention, response, plan)"),
                                       ("soap", "SOAP (subjective, objective, assessment, plan)"),
                                       ("plain", "Plain (one free text)")])
    members_see_trends = BooleanField("Members see their own measure trends on their page")
    safety_procedure = TextAreaField("Safety procedure when a risk item is answered (optional)",
                                     validators=[Length(max=3000), plain_text(3000, True)])
