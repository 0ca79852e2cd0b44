from flask import Blueprint, render_template, request

from confreg.database import utcnow
from confreg.events.service import event_or_404, programme_by_day, timetable, upcoming_events

bp = Blueprint("events", __name__)


@bp.get("/")
def index():
    return render_template("events/index.html", events=upcoming_events())


@bp.get("/e/<slug>/")
def event_page(slug: str):
    event = event_or_404(slug)
    return render_template(
        "events/event.html",
        event=event,
        days=programme_by_day(event),
        registration_open=event.registration_is_open(utcnow()),
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


@bp.get("/e/<slug>/privacy")
def privacy(slug: str):
    return render_template("events/privacy.html", event=event_or_404(slug))
