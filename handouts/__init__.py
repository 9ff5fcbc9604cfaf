"""Handouts: printable PDFs (and their HTML previews) generated from the same content that runs live.

One data builder per handout (`context.py`) returns plain data; the same Jinja templates render the
browser preview and the PDF (`render.py`), whose URL fetcher serves only the app's own static files.
"""
from flask import Blueprint

bp = Blueprint("handouts", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/handouts")

from . import routes  # noqa: E402,F401
