from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from confreg.badges import letters
from confreg.badges.forms import PhotoForm
from confreg.database import utcnow
from confreg.events import calendar
from confreg.events import enrolment as enrolment_service
from confreg.events.models import ProgrammeSession
from confreg.events.service import event_or_404
from confreg.extensions import csrf, db, limiter
from confreg.registration import links, service
from confreg.registration.forms import (
    ConfirmForm,
    DelegateDetailsForm,
    LostLinkForm,
    RegistrationForm,
)

bp = Blueprint("registration", __name__, url_prefix="/e/<slug>")


def with_manage_link(view):
    """Resolves the personal link to its registration, or explains why it cannot."""

    @wraps(view)
    def wrapped(slug: str, token: str, **kwargs):
        event = event_or_404(slug)
        try:
            registration = links.registration_for_token(event, token)
        except links.ExpiredLink:
            return render_template("registration/bad_link.html", event=event, expired=True), 410
        except links.InvalidLink:
            return render_template("registration/bad_link.html", event=event, expired=False), 404
        return view(event, registration, token, **kwargs)

    return wrapped


def _closed_page(event):
    opens = event.registration_opens_at
    not_yet_open = opens is not None and utcnow() < opens
    return render_template("registration/closed.html", event=event, not_yet_open=not_yet_open), 403


# The forms marked exempt check their CSRF token themselves, so that a failed check is
# shown next to the form with everything typed still in it.
@bp.route("/register", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(lambda: current_app.config["REGISTRATION_RATE_LIMIT"], methods=["POST"])
def register(slug: str):
    event = event_or_404(slug)
    if not event.registration_is_open(utcnow()):
        return _closed_page(event)
    # An invitation's link fills in the form; it works while registration is open.
    invitation = None
    if "invitation" in request.args:
        invitation = service.invitation_for_token(event, request.args["invitation"][:64])
        if invitation is None or invitation.taken:
            page = render_template(
                "registration/invitation_unusable.html", event=event, invitation=invitation
            )
            return page, 404 if invitation is None else 200
    form = RegistrationForm()
    if invitation is not None:
        form.accept_invitation(invitation)
    offered = enrolment_service.sessions_open_to_choose(event.id)
    form.sessions.choices = [(session.id, session.display_title) for session in offered]
    if form.validate_on_submit():
        try:
            service.register(
                event, form.details(), form.submission_key.data, session_wishes=form.sessions.data
            )
        except service.RegistrationClosed:
            return _closed_page(event)
        session["registered_email"] = form.email.data
        return redirect(url_for(".thanks", slug=slug), 303)
    if not form.is_submitted() and invitation is None:
        form.preferred_locale.data = str(get_locale())
    return render_template(
        "registration/register.html",
        event=event,
        form=form,
        offered={s.id: s for s in offered},
        invitation=invitation,
    )


@bp.get("/register/thanks")
def thanks(slug: str):
    event = event_or_404(slug)
    return render_template(
        "registration/thanks.html", event=event, email=session.get("registered_email")
    )


@bp.get("/manage/<token>")
@with_manage_link
def manage(event, registration, token):
    return render_template(
        "registration/manage.html",
        event=event,
        registration=registration,
        token=token,
        waitlist_position=service.waitlist_position(registration),
        choices=enrolment_service.session_choices(registration)
        if registration.status == "confirmed"
        else [],
        form=ConfirmForm(),
        documents=letters.delegate_documents(registration),
        photo_form=PhotoForm(),
    )


@bp.get("/manage/<token>/agenda.ics")
@with_manage_link
def agenda(event, registration, token):
    body = calendar.agenda_calendar(
        registration, calendar.agenda_enrolments(registration), registration.preferred_locale
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-my-sessions.ics"'},
    )


@bp.post("/manage/<token>/sessions/<int:session_id>/<any(join, leave):action>")
@with_manage_link
def choose_session(event, registration, token, session_id: int, action: str):
    session = db.session.get(ProgrammeSession, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    title = session.display_title
    try:
        if action == "join":
            enrolment = enrolment_service.enrol(registration, session)
        else:
            enrolment_service.leave(registration, session)
    except enrolment_service.Overlaps as refused:
        flash(
            _(
                "%(session)s overlaps with %(other)s, which you have chosen already.",
                session=title,
                other=refused.other.display_title,
            ),
            "error",
        )
    except enrolment_service.EnrolmentRefused as refused:
        flash(_REFUSALS[refused.code], "error")
    else:
        if action == "leave":
            flash(_("You have left %(session)s.", session=title), "success")
        elif enrolment.status == "enrolled":
            flash(_("You have a seat in %(session)s.", session=title), "success")
        else:
            position = enrolment_service.waitlist_position(enrolment)
            message = _(
                "%(session)s is full: you are number %(position)d on its waiting list.",
                session=title,
                position=position,
            )
            flash(message, "success")
    return redirect(url_for(".manage", slug=event.slug, token=token) + "#programme", 303)


_REFUSALS = {
    "not_confirmed": _l("You can choose sessions once your registration is confirmed."),
    "not_eligible": _l("This session is not open to you."),
    "not_enrolled": _l("You had not chosen this session."),
}


@bp.route("/manage/<token>/edit", methods=["GET", "POST"])
@csrf.exempt
@with_manage_link
def edit(event, registration, token):
    if registration.status in ("cancelled", "rejected"):
        flash(_("This registration can no longer be changed."), "error")
        return redirect(url_for(".manage", slug=event.slug, token=token), 303)
    form = DelegateDetailsForm(obj=registration)
    if form.validate_on_submit():
        try:
            changes = service.update_details(registration, form.details())
        except service.EmailTaken:
            form.email.errors.append(_("Another registration for this event uses this address."))
        else:
            flash(_("Your changes are saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for(".manage", slug=event.slug, token=token), 303)
    return render_template(
        "registration/edit.html", event=event, registration=registration, form=form, token=token
    )


@bp.route("/manage/<token>/cancel", methods=["GET", "POST"])
@with_manage_link
def cancel(event, registration, token):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.cancel(registration)
        except service.NotAllowed:
            flash(_("This registration is already cancelled or was rejected."), "error")
        else:
            flash(_("Your registration is cancelled. We have sent you a confirmation."), "success")
        return redirect(url_for(".manage", slug=event.slug, token=token), 303)
    return render_template(
        "registration/cancel.html", event=event, registration=registration, form=form, token=token
    )


@bp.route("/manage/lost", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(lambda: current_app.config["LOST_LINK_RATE_LIMIT"], methods=["POST"])
def lost_link(slug: str):
    event = event_or_404(slug)
    form = LostLinkForm()
    if form.validate_on_submit():
        service.send_manage_link(event, form.email.data)
        return render_template(
            "registration/lost_link_sent.html", event=event, email=form.email.data
        )
    return render_template("registration/lost_link.html", event=event, form=form)


# Routes of the same blueprint, kept in modules of their own.
from confreg.registration import travel_views  # noqa: E402, F401
