"""The programme editor: tracks, rooms and sessions."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from confreg.auth.access import event_role_required
from confreg.events import programme
from confreg.events.models import ProgrammeSession, Room, Track
from confreg.events.translations import text_statuses
from confreg.extensions import db
from confreg.i18n import format_event_datetime, format_event_time
from confreg.organiser.programme_forms import (
    ELIGIBILITY,
    TRACK_KIND_LABELS,
    event_texts_form,
    room_form,
    session_form,
    track_form,
)
from confreg.organiser.views import bp
from confreg.registration.forms import ConfirmForm

# Delete routes come last: the role checks (tests/organiser/test_access.py) visit every
# route in the order of the URL map, and the earlier ones need the objects to exist.


@bp.get("/programme")
@event_role_required("organiser")
def programme_overview(event):
    return render_template(
        "organiser/programme/overview.html",
        event=event,
        overview=programme.programme_overview(event),
        kind_labels=TRACK_KIND_LABELS,
        confirm_form=ConfirmForm(),
    )


# --- tracks --------------------------------------------------------------------------


@bp.route("/programme/tracks/new", methods=["GET", "POST"])
@event_role_required("organiser")
def track_new(event):
    form = track_form(event)
    if form.validate_on_submit():
        programme.create_track(event, form.kind.data, form.localised("name"), form.colour.data)
        flash(_("Track added."), "success")
        return redirect(url_for(".programme_overview", slug=event.slug), 303)
    return _track_page(event, form, None)


@bp.route("/programme/tracks/<int:track_id>", methods=["GET", "POST"])
@event_role_required("organiser")
def track_edit(event, track_id: int):
    track = _owned_or_404(Track, track_id, event)
    form = track_form(event, track)
    if form.validate_on_submit():
        programme.update_track(track, form.kind.data, form.localised("name"), form.colour.data)
        flash(_("Track saved."), "success")
        return redirect(url_for(".programme_overview", slug=event.slug), 303)
    return _track_page(event, form, track)


@bp.post("/programme/tracks/<int:track_id>/up")
@event_role_required("organiser")
def track_up(event, track_id: int):
    return _move_track(event, track_id, -1)


@bp.post("/programme/tracks/<int:track_id>/down")
@event_role_required("organiser")
def track_down(event, track_id: int):
    return _move_track(event, track_id, 1)


def _move_track(event, track_id: int, steps: int):
    programme.move_track(_owned_or_404(Track, track_id, event), steps)
    return redirect(url_for(".programme_overview", slug=event.slug, _anchor="tracks"), 303)


def _track_page(event, form, track):
    status = 400 if form.errors else 200
    return render_template(
        "organiser/programme/track.html", event=event, form=form, track=track
    ), status


# --- rooms ---------------------------------------------------------------------------


@bp.route("/programme/rooms/new", methods=["GET", "POST"])
@event_role_required("organiser")
def room_new(event):
    form = room_form()
    if form.validate_on_submit():
        programme.create_room(event, form.name.data, form.capacity.data)
        flash(_("Room added."), "success")
        return redirect(url_for(".programme_overview", slug=event.slug), 303)
    return _room_page(event, form, None)


@bp.route("/programme/rooms/<int:room_id>", methods=["GET", "POST"])
@event_role_required("organiser")
def room_edit(event, room_id: int):
    room = _owned_or_404(Room, room_id, event)
    form = room_form(room)
    if form.validate_on_submit():
        try:
            programme.update_room(room, form.name.data, form.capacity.data)
        except programme.CapacityBelowEnrolled as refused:
            form.capacity.errors.append(_capacity_refusal(refused))
            return _room_page(event, form, room)
        flash(_("Room saved."), "success")
        return redirect(url_for(".programme_overview", slug=event.slug), 303)
    return _room_page(event, form, room)


def _room_page(event, form, room):
    status = 400 if form.errors else 200
    return render_template(
        "organiser/programme/room.html", event=event, form=form, room=room
    ), status


# --- sessions ------------------------------------------------------------------------


@bp.route("/programme/sessions/new", methods=["GET", "POST"])
@event_role_required("organiser")
def session_new(event):
    form = session_form(event)
    if form.validate_on_submit():
        session = programme.create_session(event, form.details())
        flash(_("Session added."), "success")
        _flash_warnings(session)
        return redirect(url_for(".programme_overview", slug=event.slug), 303)
    return _session_page(event, form, None)


@bp.route("/programme/sessions/<int:session_id>", methods=["GET", "POST"])
@event_role_required("organiser")
def session_edit(event, session_id: int):
    session = _owned_or_404(ProgrammeSession, session_id, event)
    form = session_form(event, session)
    if form.validate_on_submit():
        try:
            change = programme.update_session(session, form.details())
        except programme.CapacityBelowEnrolled as refused:
            form.capacity.errors.append(_capacity_refusal(refused))
            return _session_page(event, form, session)
        flash(_("Session saved."), "success")
        if change.moved:
            flash(
                ngettext(
                    "The session has a new time: %(num)d delegate is being told by e-mail.",
                    "The session has a new time: %(num)d delegates are being told by e-mail.",
                    change.told,
                ),
                "success",
            )
        if change.promoted:
            flash(
                ngettext(
                    "%(num)d delegate was given a seat from the waiting list.",
                    "%(num)d delegates were given a seat from the waiting list.",
                    change.promoted,
                ),
                "success",
            )
        _flash_warnings(session)
        return redirect(url_for(".programme_overview", slug=event.slug), 303)
    return _session_page(event, form, session)


def _session_page(event, form, session):
    status = 400 if form.errors else 200
    return render_template(
        "organiser/programme/session.html",
        event=event,
        form=form,
        session=session,
        # About the session as saved; a refused form shows what was sent instead.
        warnings=_warning_messages(session) if session and not form.is_submitted() else [],
        counts=programme.session_delegates(session) if session else None,
        eligibility=ELIGIBILITY,
    ), status


def _warning_messages(session: ProgrammeSession) -> list[str]:
    event = session.event
    messages = []
    for warning in programme.schedule_warnings(session):
        if warning.code == "room_in_use":
            other = warning.other
            messages.append(
                _(
                    "%(room)s is also used by %(session)s from %(start)s to %(end)s.",
                    room=session.room.name,
                    session=other.display_title,
                    start=format_event_datetime(other.starts_at, event, with_zone=False),
                    end=format_event_time(other.ends_at, event, with_zone=False),
                )
            )
        elif warning.code == "outside_event_dates":
            messages.append(_("The session lies outside the event's dates."))
    return messages


def _flash_warnings(session: ProgrammeSession) -> None:
    for message in _warning_messages(session):
        flash(message, "warning")


def _capacity_refusal(refused: programme.CapacityBelowEnrolled) -> str:
    return ngettext(
        "%(num)d delegate is seated in %(session)s already: the number of seats cannot be "
        "lower. Nothing was changed.",
        "%(num)d delegates are seated in %(session)s already: the number of seats cannot be "
        "lower. Nothing was changed.",
        refused.enrolled,
        session=refused.session.display_title,
    )


# --- deleting ------------------------------------------------------------------------


@bp.post("/programme/tracks/<int:track_id>/delete")
@event_role_required("organiser")
def track_delete(event, track_id: int):
    track = _owned_or_404(Track, track_id, event)
    name = track.title
    programme.delete_track(track)
    flash(_("Track %(track)s deleted; its sessions have no track now.", track=name), "success")
    return redirect(url_for(".programme_overview", slug=event.slug), 303)


@bp.post("/programme/rooms/<int:room_id>/delete")
@event_role_required("organiser")
def room_delete(event, room_id: int):
    room = _owned_or_404(Room, room_id, event)
    name = room.name
    programme.delete_room(room)
    flash(_("Room %(room)s deleted; its sessions have no room now.", room=name), "success")
    return redirect(url_for(".programme_overview", slug=event.slug), 303)


@bp.route("/programme/sessions/<int:session_id>/delete", methods=["GET", "POST"])
@event_role_required("organiser")
def session_delete(event, session_id: int):
    """Asks first (saying who is signed up), deletes when the confirmation is sent."""
    session = _owned_or_404(ProgrammeSession, session_id, event)
    if request.method == "POST":  # the CSRF token is checked for every POST
        title = session.display_title
        told = programme.delete_session(session, current_user)
        flash(
            ngettext(
                "%(session)s deleted. %(num)d delegate is being told by e-mail.",
                "%(session)s deleted. %(num)d delegates are being told by e-mail.",
                told,
                session=title,
            ),
            "success",
        )
        return redirect(url_for(".programme_overview", slug=event.slug), 303)
    return render_template(
        "organiser/programme/session_delete.html",
        event=event,
        session=session,
        counts=programme.session_delegates(session),
        confirm_form=ConfirmForm(),
    )


def _owned_or_404(model, row_id: int, event):
    row = db.session.get(model, row_id)
    if row is None or row.event_id != event.id:
        abort(404)
    return row


# --- the event's own texts and their translations ------------------------------------


@bp.route("/texts", methods=["GET", "POST"])
@event_role_required("organiser")
def event_texts(event):
    form = event_texts_form(event)
    if form.validate_on_submit():
        event.name = form.localised("name")
        event.registration_help = form.localised("registration_help")
        event.confirmation_note = form.localised("confirmation_note")
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for(".event_texts", slug=event.slug), 303)
    return render_template("organiser/event_texts.html", event=event, form=form)


@bp.get("/translations")
@event_role_required("organiser")
def translations(event):
    locales = tuple(current_app.config["LOCALES"])
    return render_template(
        "organiser/translations.html",
        event=event,
        statuses=text_statuses(event, locales),
        locales=locales,
    )
