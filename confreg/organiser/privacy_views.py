"""Organiser pages for privacy: a delegate's personal data as JSON, erasing a delegate,
and how long passport details are kept."""

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from confreg.auth.access import event_role_required
from confreg.organiser.privacy_forms import EraseForm, PassportRetentionForm
from confreg.organiser.views import _registration_or_404, bp
from confreg.registration import privacy


@bp.get("/delegates/<public_id>/personal-data.json")
@event_role_required("organiser")
def personal_data(event, public_id: str):
    registration = _registration_or_404(event, public_id)
    data = privacy.export_personal_data(registration, current_user)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{event.slug}-personal-data-{public_id}.json"'
            ),
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/delegates/<public_id>/erase", methods=["GET", "POST"])
@event_role_required("organiser")
def erase_delegate(event, public_id: str):
    registration = _registration_or_404(event, public_id)
    back = redirect(url_for(".delegate", slug=event.slug, public_id=public_id), 303)
    if registration.erased_at is not None:
        flash(_("This delegate's personal data was erased already."), "error")
        return back
    form = EraseForm()
    if form.validate_on_submit():
        try:
            privacy.erase(registration, current_user)
        except privacy.AlreadyErased:
            flash(_("This delegate's personal data was erased already."), "error")
        else:
            flash(_("Personal data erased. The registration still counts in the figures."),
                  "success")  # fmt: skip
        return back
    page = render_template(
        "organiser/erase_delegate.html", event=event, registration=registration, form=form
    )
    return page, 400 if form.errors else 200


@bp.route("/privacy", methods=["GET", "POST"])
@event_role_required("organiser")
def privacy_settings(event):
    form = PassportRetentionForm(obj=event)
    if form.validate_on_submit():
        try:
            privacy.set_passport_retention(event, form.passport_retention_until.data, current_user)
        except privacy.RetentionBeforeEventEnd:
            form.passport_retention_until.errors.append(
                _(
                    "Passport details are kept at least until the event is over: choose "
                    "%(day)s or later.",
                    day=format_date(event.ends_on, "medium"),
                )
            )
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for(".privacy_settings", slug=event.slug), 303)
    page = render_template(
        "organiser/privacy.html",
        event=event,
        form=form,
        holders=privacy.passport_holder_count(event),
    )
    return page, 400 if form.errors else 200
