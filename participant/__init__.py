"""Participant blueprint: join by link or code, name, consent gate, waiting room, live screen."""
from flask import Blueprint

bp = Blueprint("participant", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/participant")

from . import member_access, member_calendar, routes  # noqa: E402,F401
from . import member_home, practice_routes, review, review_console  # noqa: E402,F401
