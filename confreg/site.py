"""Site-wide pages: the language menu and the health check."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request
from sqlalchemy import text

from confreg.extensions import db
from confreg.i18n import LOCALE_COOKIE, available_locales

bp = Blueprint("site", __name__)


def same_site_path(target: str | None) -> str:
    """Only a path on this site: never an open redirect to someone else's."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or "\\" in parts.path:
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.post("/language")
def choose_language():
    response = redirect(same_site_path(request.form.get("next")), 303)
    locale = request.form.get("locale")
    if locale in available_locales():
        response.set_cookie(
            LOCALE_COOKIE,
            locale,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
