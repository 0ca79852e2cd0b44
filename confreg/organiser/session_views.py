"""Who is in which session: lists, CSV, seating and invitations by hand."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from confreg.auth.access import event_role_required
from confreg.events import enrolment as enrolment_service
from confreg.events.models import Enrolment, ProgrammeSession
from confreg.extensions import db
from confreg.organiser.forms import DelegateByEmailForm
from confreg.organiser.views import _registration_or_404, bp
from confreg.registration.forms import ConfirmForm
from confreg.registration.models import Registration
from confreg.spreadsheets import csv_response


@bp.get("/sessions")
@event_role_required("organiser")
def session_lists(event):
    counts = db.session.execute(
        select(Enrolment.session_id, Enrolment.status, func.count())
        .join(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .group_by(Enrolment.session_id, Enrolment.status)
    ).all()
    per_session: dict[int, dict[str, int]] = {}
    for session_id, status, count in counts:
        per_session.setdefault(session_id, {})[status] = count
    sessions = db.session.scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()
    return render_template(
        "organiser/sessions.html", event=event, sessions=sessions, counts=per_session
    )


@bp.get("/sessions/<int:session_id>")
@event_role_required("organiser")
def session_roster(event, session_id: int):
    return _roster_page(event, _session_or_404(event, session_id))


@bp.get("/sessions/<int:session_id>/delegates.csv")
@event_role_required("organiser")
def session_roster_csv(event, session_id: int):
    session = _session_or_404(event, session_id)
    header = [
        _("Status"), _("Place on the waiting list"), _("Name"), _("Name in Latin letters"),
        _("Category"), _("Organisation"), _("City"), _("Country"), _("E-mail address"),
    ]  # fmt: skip

    def rows():
        position = 0
        for enrolment in enrolment_service.roster(session):
            registration = enrolment.registration
            waiting = enrolment.status == "waitlisted"
            position += waiting
            yield (
                _("On the waiting list") if waiting else _("Seated"), position if waiting else "",
                registration.full_name, registration.latin_name, registration.category_label,
                registration.organisation, registration.city, registration.country,
                registration.email,
            )  # fmt: skip

    return csv_response(f"{event.slug}-session-{session.id}.csv", header, rows())


@bp.post("/sessions/<int:session_id>/enrol")
@event_role_required("organiser")
def session_enrol(event, session_id: int):
    session = _session_or_404(event, session_id)
    registration, refusal = _delegate_named_in_form(event, session, "enrol")
    if refusal is not None:
        return refusal
    try:
        enrolment = enrolment_service.enrol(registration, session, staff_user=current_user)
    except enrolment_service.Overlaps as refused:
        flash(
            _("%(name)s already has %(other)s at that time.", name=registration.full_name,
              other=refused.other.display_title),
            "error",
        )  # fmt: skip
    except enrolment_service.NotConfirmed:
        flash(_("Only confirmed delegates can be seated."), "error")
    else:
        if enrolment.status == "enrolled":
            flash(_("%(name)s has a seat.", name=registration.full_name), "success")
        else:
            flash(_("The session is full: %(name)s is on its waiting list.",
                    name=registration.full_name), "success")  # fmt: skip
    return redirect(url_for(".session_roster", slug=event.slug, session_id=session.id), 303)


@bp.post("/sessions/<int:session_id>/remove/<public_id>")
@event_role_required("organiser")
def session_remove(event, session_id: int, public_id: str):
    session = _session_or_404(event, session_id)
    registration = _registration_or_404(event, public_id)
    try:
        enrolment_service.leave(registration, session, staff_user=current_user)
    except enrolment_service.NotEnrolled:
        flash(_("This delegate was not in the session."), "error")
    else:
        flash(_("%(name)s is no longer in the session.", name=registration.full_name), "success")
    return redirect(url_for(".session_roster", slug=event.slug, session_id=session.id), 303)


@bp.post("/sessions/<int:session_id>/invite")
@event_role_required("organiser")
def session_invite(event, session_id: int):
    session = _session_or_404(event, session_id)
    registration, refusal = _delegate_named_in_form(event, session, "invite")
    if refusal is not None:
        return refusal
    enrolment_service.invite(session, registration)
    flash(_("%(name)s is invited.", name=registration.full_name), "success")
    return redirect(url_for(".session_roster", slug=event.slug, session_id=session.id), 303)


@bp.post("/sessions/<int:session_id>/uninvite/<public_id>")
@event_role_required("organiser")
def session_uninvite(event, session_id: int, public_id: str):
    session = _session_or_404(event, session_id)
    registration = _registration_or_404(event, public_id)
    enrolment_service.uninvite(session, registration)
    flash(_("%(name)s is no longer invited.", name=registration.full_name), "success")
    return redirect(url_for(".session_roster", slug=event.slug, session_id=session.id), 303)


def _delegate_named_in_form(event, session, prefix: str):
    """The delegate whose address the form names, or the roster page saying why not."""
    form = DelegateByEmailForm(prefix=prefix)
    if form.validate():
        registration = _registration_by_email(event, form.email.data)
        if registration is not None:
            return registration, None
        form.email.errors.append(_("No delegate of this event has this address."))
    return None, (_roster_page(event, session, **{f"{prefix}_form": form}), 400)


def _roster_page(event, session, enrol_form=None, invite_form=None):
    entries = enrolment_service.roster(session)
    return render_template(
        "organiser/session_roster.html",
        event=event,
        session=session,
        seated=[e for e in entries if e.status == "enrolled"],
        waiting=[e for e in entries if e.status == "waitlisted"],
        invited=enrolment_service.invited(session) if session.by_invitation else [],
        enrol_form=enrol_form or DelegateByEmailForm(prefix="enrol"),
        invite_form=invite_form or DelegateByEmailForm(prefix="invite"),
        confirm_form=ConfirmForm(),
    )


def _session_or_404(event, session_id: int) -> ProgrammeSession:
    session = db.session.get(ProgrammeSession, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    return session


def _registration_by_email(event, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.email_key == email.strip().lower())
        .order_by((Registration.status == "confirmed").desc(), Registration.created_at.desc())
        .limit(1)
    )
