"""Small forms behind the plan builder's buttons (Flask-WTF: CSRF on every one). They only parse;
the rules (ranges, ownership, limits) are checked in facilitator/plans.py."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class AddForm(FlaskForm):
    slug = StringField("Activity", validators=[DataRequired(), Length(max=80)])
    minutes = IntegerField("Minutes", validators=[Optional()])


class MoveForm(FlaskForm):
    direction = SelectField("Direction", choices=[SelectChoice("up", "Up"), SelectChoice("down", "Down")])


class MinutesForm(FlaskForm):
    minutes = IntegerField("Minutes", validators=[InputRequired()])


class PromptForm(FlaskForm):
    """A plan item's wording for this session; "clear" (or empty text) goes back to the activity's own."""
    prompt = TextAreaField("Wording for this session", validators=[Optional(), Length(max=300)])
    action = SelectField("Action", choices=[SelectChoice("save", "Save"), SelectChoice("clear", "Clear")],
                         default="save", validate_choice=True)


class CopyForm(FlaskForm):
    source = IntegerField("Session", validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])


class SaveTemplateForm(FlaskForm):
    name = StringField("Template name", validators=[DataRequired(), Length(max=120)])


class ApplyTemplateForm(FlaskForm):
    template = IntegerField("Template", validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])
