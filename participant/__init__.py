"""Participant blueprint: join by link or code, name, consent gate, waiting room, live screen; members'
standing links, their own page, practice log and commitment review."""
from flask import Blueprint

bp = Blueprint("participant", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/participant")

from . import (  # noqa: E402,F401
    member_access,
    member_calendar,
    member_erase,
    member_home,
    member_join,
    member_measures,
    practice_routes,
    review,
    review_console,
    routes,
)
