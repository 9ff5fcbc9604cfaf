"""Calm error pages: what happened, in plain words, and a way back. Never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

log = logging.getLogger(__name__)

PAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: ("That page is not available to you", "If you think this is a mistake, ask your facilitator."),
    404: ("We couldn't find that page", "The link may be old or mistyped."),
    405: ("That did not work", "Please go back and try again."),
    413: ("That was too large", "Please send something smaller."),
    429: ("Too many tries", "Please wait a few minutes and try again."),
    500: ("Something went wrong on our side", "Nothing you did caused this. Please try again in a moment."),
}


def install(app: Flask) -> None:
    def page(code: int):
        heading, message = PAGES[code]
        return render_template("error.html", heading=heading, message=message), code

    for code in PAGES:
        app.register_error_handler(code, lambda _e, code=code: page(code))

    @app.errorhandler(CSRFError)
    def _csrf(_e):
        log.info("form refused: missing or expired CSRF token")
        return render_template("error.html", heading="This form has expired",
                               message="For your safety, forms expire. Please go back, reload the page and try again."), 400
