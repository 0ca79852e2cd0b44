from dataclasses import replace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from confreg import audit
from confreg.auth.access import event_role_required
from confreg.checkin.service import checked_in_ids
from confreg.cities import REGION_LABELS
from confreg.events.service import move_event
from confreg.i18n import country_choices
from confreg.organiser import messages, service
from confreg.organiser.delegate_filter import DelegateFilter, session_choices
from confreg.organiser.forms import BulkActionForm, EventDatesForm, EventSettingsForm, RejectForm
from confreg.registration import service as registration_service
from confreg.registration.forms import ConfirmForm
from confreg.registration.models import CATEGORIES, STATUSES

bp = Blueprint("organiser", __name__, url_prefix="/organiser/<slug>")


@bp.get("/delegates")
@event_role_required("organiser")
def delegates(event):
    delegate_filter = replace(DelegateFilter.from_args(request.args), selected=())
    sort = request.args.get("sort", "registered")
    result = service.find_delegates(
        event,
        delegate_filter,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["DELEGATES_PER_PAGE"],
        sort=sort,
        locale=str(get_locale()),
    )
    registered_countries = set(service.countries_registered(event))
    return render_template(
        "organiser/delegates.html",
        event=event,
        result=result,
        delegate_filter=delegate_filter,
        filter_args=delegate_filter.as_args(),
        checked_in=checked_in_ids(event, among=[r.id for r in result.registrations]),
        statuses=STATUSES,
        categories=CATEGORIES,
        regions=REGION_LABELS,
        countries=[pair for pair in country_choices() if pair[0] in registered_countries],
        sessions=session_choices(event),
        sort=sort,
        bulk_form=BulkActionForm(),
    )


@bp.get("/delegates/<public_id>")
@event_role_required("organiser")
def delegate(event, public_id: str):
    return _delegate_page(event, _registration_or_404(event, public_id), RejectForm())


@bp.post("/delegates/<public_id>/approve")
@event_role_required("organiser")
def approve(event, public_id: str):
    registration = _registration_or_404(event, public_id)
    try:
        registration_service.approve(registration, current_user)
    except registration_service.NotAllowed:
        flash(_("Only a pending registration can be approved."), "error")
    else:
        flash(_("Approved: %(status)s.", status=registration.status_label), "success")
    return redirect(url_for(".delegate", slug=event.slug, public_id=public_id), 303)


@bp.post("/delegates/<public_id>/reject")
@event_role_required("organiser")
def reject(event, public_id: str):
    registration = _registration_or_404(event, public_id)
    form = RejectForm()
    if not form.validate():
        return _delegate_page(event, registration, form), 400
    try:
        registration_service.reject(registration, form.reason.data, current_user)
    except registration_service.NotAllowed:
        flash(_("This registration is already cancelled or rejected."), "error")
    else:
        flash(_("Rejected. The delegate has been told why by e-mail."), "success")
    return redirect(url_for(".delegate", slug=event.slug, public_id=public_id), 303)


@bp.post("/delegates/<public_id>/cancel")
@event_role_required("organiser")
def cancel(event, public_id: str):
    registration = _registration_or_404(event, public_id)
    try:
        registration_service.cancel(registration, "staff", current_user)
    except registration_service.NotAllowed:
        flash(_("This registration is already cancelled or rejected."), "error")
    else:
        flash(_("Cancelled. The delegate has been told by e-mail."), "success")
    return redirect(url_for(".delegate", slug=event.slug, public_id=public_id), 303)


@bp.route("/settings", methods=["GET", "POST"])
@event_role_required("organiser")
def settings(event):
    form = EventSettingsForm(event)
    if form.validate_on_submit():
        try:
            promoted = registration_service.update_event_settings(event, form.settings())
        except registration_service.CapacityBelowConfirmed as refused:
            form.capacity.errors.append(
                ngettext(
                    "%(num)d delegate is confirmed already: the number of places cannot be "
                    "lower. Cancel registrations first if you must.",
                    "%(num)d delegates are confirmed already: the number of places cannot be "
                    "lower. Cancel registrations first if you must.",
                    refused.confirmed,
                )
            )
            return render_template("organiser/settings.html", event=event, form=form), 400
        flash(_("Settings saved."), "success")
        if promoted:
            flash(
                ngettext(
                    "%(num)d delegate was given a place from the waiting list.",
                    "%(num)d delegates were given a place from the waiting list.",
                    len(promoted),
                ),
                "success",
            )
        return redirect(url_for(".settings", slug=event.slug), 303)
    return render_template("organiser/settings.html", event=event, form=form)


@bp.route("/dates", methods=["GET", "POST"])
@event_role_required("organiser")
def dates(event):
    form = EventDatesForm(obj=event)
    if form.validate_on_submit():
        told = move_event(event, form.starts_on.data, form.ends_on.data, form.move_programme.data)
        flash(
            ngettext(
                "New dates saved. %(num)d delegate is being told by e-mail.",
                "New dates saved. %(num)d delegates are being told by e-mail.",
                told,
            ),
            "success",
        )
        return redirect(url_for(".dates", slug=event.slug), 303)
    return render_template("organiser/dates.html", event=event, form=form)


def _delegate_page(event, registration, reject_form: RejectForm):
    return render_template(
        "organiser/delegate.html",
        event=event,
        registration=registration,
        history=audit.history(registration.id),
        waitlist_position=registration_service.waitlist_position(registration),
        confirm_form=ConfirmForm(),
        reject_form=reject_form,
        delegate_messages=messages.delegate_messages(registration),
    )


def _registration_or_404(event, public_id: str):
    registration = service.registration_by_public_id(event, public_id)
    if registration is None:
        abort(404)
    return registration


# Routes of the same blueprint, kept in modules of their own.
from confreg.organiser import (  # noqa: E402, F401
    arrivals_views,
    audit_views,
    badge_views,
    bulk_views,
    dashboard_views,
    export_views,
    import_views,
    logistics_views,
    message_views,
    privacy_views,
    programme_views,
    session_views,
)
