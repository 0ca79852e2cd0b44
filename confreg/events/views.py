from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import get_locale

from confreg.database import utcnow
from confreg.events import calendar
from confreg.events.service import event_or_404, timetable, upcoming_events

bp = Blueprint("events", __name__)


@bp.get("/")
def index():
    return render_template("events/index.html", events=upcoming_events())


@bp.get("/e/<slug>/")
def event_page(slug: str):
    event = event_or_404(slug)
    return render_template(
        "events/event.html", event=event, registration_open=event.registration_is_open(utcnow())
    )


@bp.get("/e/<slug>/programme")
def programme(slug: str):
    event = event_or_404(slug)
    track_id = request.args.get("track", type=int)
    return render_template(
        "events/programme.html",
        event=event,
        days=timetable(event, track_id),
        track_id=track_id,
    )


@bp.get("/e/<slug>/programme.ics")
def programme_ics(slug: str):
    event = event_or_404(slug)
    body = calendar.programme_calendar(event, calendar.programme_sessions(event), _export_locale())
    return _calendar_response(body, f"{event.slug}-programme.ics")


@bp.get("/e/<slug>/programme.json")
def programme_json(slug: str):
    event = event_or_404(slug)
    return jsonify(calendar.programme_json(event, calendar.programme_sessions(event)))


def _export_locale() -> str:
    """?lang= when it names a language we have, else the visitor's."""
    asked = request.args.get("lang")
    return asked if asked in current_app.config["LOCALES"] else str(get_locale())


def _calendar_response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/e/<slug>/privacy")
def privacy(slug: str):
    return render_template("events/privacy.html", event=event_or_404(slug))
