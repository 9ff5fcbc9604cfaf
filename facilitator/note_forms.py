"""Forms of the notes page: a draft's sections (posted as section_<key>), an addendum."""
from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from core.notes import ADDENDUM_MAX, SECTION_MAX
from facilitator.forms import plain_text

PREFIX = "section_"


class AddendumForm(FlaskForm):
    text = TextAreaField("Addendum", validators=[DataRequired(message="Please write the addendum."),
                                                 Length(max=ADDENDUM_MAX), plain_text(ADDENDUM_MAX, True)])


def posted_sections(form: MultiDict) -> dict[str, str]:
    """The section fields of a posted draft, by key. Unknown keys and sizes are checked by core.notes.save;
    a field sent twice, or far too long to be a section, is refused here already."""
    out = {}
    for name in form:
        if not name.startswith(PREFIX):
            continue
        values = form.getlist(name)
        if len(values) != 1 or len(values[0]) > SECTION_MAX * 2:
            raise ValueError("malformed")
        out[name[len(PREFIX):][:40]] = values[0]
    return out
