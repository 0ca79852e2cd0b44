"""The desk page and what a desk volunteer does besides scanning: a delegate's photo,
printing a badge on arrival, registering a walk-in."""

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from config import ROOT
from confreg.auth.access import event_role_required
from confreg.badges import letters
from confreg.badges import service as badges
from confreg.badges.views import pdf_response
from confreg.events.models import ProgrammeSession
from confreg.extensions import csrf, db
from confreg.organiser.service import registration_by_public_id
from confreg.registration import service as registration_service
from confreg.registration.forms import ConfirmForm, RegistrationForm

bp = Blueprint("desk", __name__, url_prefix="/desk/<slug>")
assets = Blueprint("desk_assets", __name__)

#: The in-browser QR decoder, installed from the npm registry by `npm ci`.
QR_SCANNER = ROOT / "node_modules" / "qr-scanner"
_QR_SCANNER_FILES = {"qr-scanner.min.js", "qr-scanner-worker.min.js"}


def camera_available() -> bool:
    return all((QR_SCANNER / name).is_file() for name in _QR_SCANNER_FILES)


@bp.get("/")
@event_role_required("desk", "organiser")
def desk_page(event):
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .order_by(ProgrammeSession.starts_at)
    ).all()
    return render_template(
        "checkin/desk.html",
        event=event,
        sessions=sessions,
        camera=camera_available(),
        form=ConfirmForm(),
        strings=desk_strings(),
        api_base=url_for("checkin_api.desk_snapshot", slug=event.slug).rsplit("/", 1)[0],
    )


@bp.get("/photos/<public_id>.jpg")
@event_role_required("desk", "organiser")
def photo(event, public_id: str):
    registration = registration_by_public_id(event, public_id)
    stored = letters.photo_of(registration) if registration else None
    if stored is None:
        abort(404)
    return Response(stored.jpeg, mimetype="image/jpeg", headers={"Cache-Control": "private"})


@bp.post("/badges/<public_id>.pdf")
@event_role_required("desk", "organiser")
def print_badge(event, public_id: str):
    """A badge printed at the desk on arrival; recorded as printed."""
    registration = registration_by_public_id(event, public_id)
    if registration is None or registration.status != "confirmed":
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    body = badges.render_badges(event, [registration])
    badges.mark_printed([registration])
    return pdf_response(body, f"{event.slug}-badge-{public_id}.pdf")


@assets.get("/vendor/qr-scanner/<name>")
def qr_scanner(name: str):
    if name not in _QR_SCANNER_FILES or not camera_available():
        abort(404)
    return send_from_directory(Path(QR_SCANNER), name, mimetype="text/javascript")


def desk_strings() -> dict[str, str]:
    """The desk page's words for its script, in the volunteer's language."""
    return {
        "online": _("Online"),
        "offline": _("Offline: scans are judged here and sent later"),
        "queued": _("Scans waiting to be sent: %(num)s", num="{num}"),
        "synced": _(
            "Queued scans sent: %(num)s. Already checked in elsewhere: %(dups)s.",
            num="{num}",
            dups="{dups}",
        ),
        "verdict_ok": _("Checked in"),
        "verdict_again": _("Already checked in"),
        "verdict_refused": _("Refused"),
        "ok": _("Checked in. Welcome!"),
        "again": _("Already checked in at %(time)s at %(desk)s.", time="{time}", desk="{desk}"),
        "invalid": _("Unknown badge: this code is not one of this event's badges."),
        "revoked": _("This badge was replaced by a newer one. Use the new badge, or print it."),
        "wrong_event": _("This badge is for another event."),
        "not_confirmed": _("This registration is not confirmed."),
        "status_cancelled": _("This registration is cancelled."),
        "status_rejected": _("This registration was not accepted."),
        "status_pending": _("This registration is not approved yet."),
        "status_waitlisted": _("This delegate is on the waiting list, not confirmed."),
        "not_eligible": _("Not admitted to this session."),
        "enrolled": _("Has a seat here."),
        "not_enrolled": _("Not signed up for this session: let in only if seats are free."),
        "session_waitlisted": _("On this session's waiting list: let in only if seats are free."),
        "unverified": _("Offline, and this browser cannot check signatures: look at the badge."),
        "no_snapshot": _("Offline, and this desk has no copy of the delegate list yet."),
        "undone": _("Check-in undone."),
        "undo_failed": _("This check-in could not be undone."),
        "a_desk": _("a desk"),
        "no_results": _("No one found."),
        "check_in": _("Check in"),
        "checked_in_at": _("Checked in at %(time)s", time="{time}"),
        "camera_failed": _("The camera could not start. Allow it, or use a scanner."),
        "error": _("Something went wrong. Try again."),
    }


@bp.route("/walk-in", methods=["GET", "POST"])
@csrf.exempt  # RegistrationForm checks its CSRF token itself, keeping what was typed
@event_role_required("desk", "organiser")
def walk_in(event):
    """A delegate who arrives unregistered, registered by the volunteer at the desk;
    where the event needs approval, the volunteer's registration is the approval."""
    if not event.desk_walk_ins:
        flash(_("The organisers have not allowed walk-in registration at the desk."), "error")
        return redirect(url_for(".desk_page", slug=event.slug), 303)
    form = RegistrationForm()
    form.sessions.choices = []
    if form.validate_on_submit():
        submission = registration_service.register(
            event, form.details(), form.submission_key.data, actor="staff", staff_user=current_user
        )
        registration = submission.registration
        if registration is None:
            flash(_("This e-mail address is registered already: find the delegate by name."),
                  "error")  # fmt: skip
        else:
            if registration.status == "pending":
                registration_service.approve(registration, current_user)
            flash(
                _("%(name)s is registered: %(status)s. Find them below to check them in.",
                  name=registration.full_name, status=registration.status_label),
                "success",
            )  # fmt: skip
        return redirect(url_for(".desk_page", slug=event.slug), 303)
    if not form.is_submitted():
        form.preferred_locale.data = str(get_locale())
    return render_template("checkin/walk_in.html", event=event, form=form)
