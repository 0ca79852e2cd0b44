from functools import wraps

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from confreg.database import utcnow
from confreg.events.service import event_or_404
from confreg.extensions import csrf
from confreg.registration import service
from confreg.registration.forms import (
    ConfirmForm,
    DelegateDetailsForm,
    LostLinkForm,
    RegistrationForm,
)

bp = Blueprint("registration", __name__, url_prefix="/e/<slug>")


def _with_manage_link(view):
    """Resolves the personal link to its registration, or explains why it cannot."""

    @wraps(view)
    def wrapped(slug: str, token: str):
        event = event_or_404(slug)
        try:
            registration = service.registration_for_token(event, token)
        except service.ExpiredLink:
            return render_template("registration/bad_link.html", event=event, expired=True), 410
        except service.InvalidLink:
            return render_template("registration/bad_link.html", event=event, expired=False), 404
        return view(event, registration, token)

    return wrapped


def _closed_page(event):
    opens = event.registration_opens_at
    not_yet_open = opens is not None and utcnow() < opens
    return render_template("registration/closed.html", event=event, not_yet_open=not_yet_open), 403


# The forms marked exempt check their CSRF token themselves, so that a failed check is
# shown next to the form with everything typed still in it.
@bp.route("/register", methods=["GET", "POST"])
@csrf.exempt
def register(slug: str):
    event = event_or_404(slug)
    if not event.registration_is_open(utcnow()):
        return _closed_page(event)
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            service.register(event, form.details(), form.submission_key.data)
        except service.RegistrationClosed:
            return _closed_page(event)
        session["registered_email"] = form.email.data
        return redirect(url_for(".thanks", slug=slug), 303)
    if not form.is_submitted():
        form.preferred_locale.data = str(get_locale())
    return render_template("registration/register.html", event=event, form=form)


@bp.get("/register/thanks")
def thanks(slug: str):
    event = event_or_404(slug)
    return render_template(
        "registration/thanks.html", event=event, email=session.get("registered_email")
    )


@bp.get("/manage/<token>")
@_with_manage_link
def manage(event, registration, token):
    return render_template(
        "registration/manage.html",
        event=event,
        registration=registration,
        token=token,
        waitlist_position=service.waitlist_position(registration),
    )


@bp.route("/manage/<token>/edit", methods=["GET", "POST"])
@csrf.exempt
@_with_manage_link
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
@_with_manage_link
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
def lost_link(slug: str):
    event = event_or_404(slug)
    form = LostLinkForm()
    if form.validate_on_submit():
        service.send_manage_link(event, form.email.data)
        return render_template(
            "registration/lost_link_sent.html", event=event, email=form.email.data
        )
    return render_template("registration/lost_link.html", event=event, form=form)
