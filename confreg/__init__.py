"""confreg: registration and check-in for international learning-city conferences."""

import logging
from contextlib import suppress

from flask import Flask, g, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.routing import IntegerConverter

from config import INSTANCE, ROOT, Config
from confreg import database  # noqa: F401  (SQLite connection settings)
from confreg.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: object | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE),
    )
    app.url_map.converters["int"] = _DatabaseId
    app.config.from_object(config or Config())
    INSTANCE.mkdir(exist_ok=True)  # where the default SQLite database lives
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)

    from confreg import models  # noqa: F401  (every table, for Alembic and create_all)
    from confreg.i18n import select_locale
    from confreg.organiser.change_log import start_recording

    db.init_app(app)
    start_recording()
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")

    _register_blueprints(app)
    _register_error_pages(app)
    app.after_request(_security_headers)
    _register_template_helpers(app)

    from confreg.cli import confreg_cli

    app.cli.add_command(confreg_cli)
    return app


class _DatabaseId(IntegerConverter):
    """An id in a URL: no larger than a database integer holds, so that a larger number
    is a page that does not exist rather than a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    from confreg.auth.views import bp as auth
    from confreg.badges.views import api as badges_api
    from confreg.badges.views import bp as badges
    from confreg.checkin.api import bp as checkin_api
    from confreg.checkin.views import assets as desk_assets
    from confreg.checkin.views import bp as desk
    from confreg.events.views import bp as events
    from confreg.organiser.views import bp as organiser
    from confreg.registration.views import bp as registration
    from confreg.site import bp as site

    for blueprint in (site, events, registration, badges, badges_api, checkin_api, desk,
                      desk_assets, auth, organiser):  # fmt: skip
        app.register_blueprint(blueprint)


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def _security_headers(response):
    # Personal links carry their key in the URL: never hand it to another site as a
    # referrer. No page is meant to be framed by another site.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # Scripts only from our own files: no inline script, so injected markup cannot run
    # one. The desk's camera decoder runs in a worker it makes from a blob.
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


_API_ERRORS = {400: "bad_request", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "too_large", 429: "too_many_requests",
               500: "server_error"}  # fmt: skip


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: _l("The request could not be understood. Go back and try again."),
        403: _l("You do not have access to this page."),
        404: _l("This page does not exist. Check the address, or start from the home page."),
        405: _l("This page cannot be used this way."),
        413: _l("What you sent is too large."),
        429: _l("Too many requests in a short time. Wait a minute and try again."),
        500: _l("Something went wrong on our side. Please try again in a moment."),
    }

    def error_page(error):
        code = getattr(error, "code", 500) or 500
        message = messages.get(code, messages[500])
        if request.path.startswith("/api/"):
            return jsonify({"error": _API_ERRORS.get(code, "error"), "message": str(message)}), code
        return render_template("errors/error.html", code=code, message=message), code

    for code in messages:
        app.register_error_handler(code, error_page)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        """The database went away or stayed locked: the transaction is rolled back, so
        nothing of the request is half-saved, and the page says so without asking the
        database anything (not even who is logged in)."""
        cause = error.orig if error.orig is not None else error
        app.logger.error("Database unavailable: %s %s: %r", request.method, request.path, cause)
        with suppress(SQLAlchemyError):  # a connection gone takes its transaction along
            db.session.rollback()
        g.pop("event", None)
        g._login_user = login_manager.anonymous_user()
        message = _l(
            "The database is not answering, so nothing of what you sent was saved. "
            "Please try again in a minute."
        )
        if request.path.startswith("/api/"):
            return jsonify({"error": "unavailable", "message": str(message)}), 503
        return render_template("errors/error.html", code=503, message=message), 503

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        message = _l(
            "This form has expired or was sent from another site. "
            "Go back, reload the page and try again."
        )
        return render_template("errors/error.html", code=400, message=message), 400


def _register_template_helpers(app: Flask) -> None:
    from confreg import i18n
    from confreg.cities import member_cities
    from confreg.registration.models import CATEGORIES

    app.jinja_env.globals.update(
        text_direction=i18n.text_direction,
        language_name=i18n.language_name,
        available_locales=i18n.available_locales,
        country_name=i18n.country_name,
        place=i18n.format_place,
        event_zone_name=i18n.event_zone_name,
        day_and_time=i18n.format_day_and_time,
        localised=i18n.localised,
        current_locale=lambda: str(get_locale()),
        member_cities=member_cities,
    )
    app.jinja_env.filters.update(
        event_datetime=i18n.format_event_datetime,
        event_time=i18n.format_event_time,
        time_of_day=i18n.format_time_of_day,
        event_dates=i18n.format_event_dates,
        moment=i18n.format_moment,
        bdi=i18n.bidi_isolate,
        category_label=lambda code: str(CATEGORIES.get(code, code)),
    )
    app.jinja_env.add_extension("jinja2.ext.do")
