"""Facilitator blueprint: accounts, groups, sessions, the live console and the room display."""
from flask import Blueprint

bp = Blueprint("facilitator", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/facilitator")

from . import backchannel_events, events, member_events, routes  # noqa: E402,F401
