"""Organiser pages for badges and documents: printing, re-issuing, settings, visa
letters."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from confreg.auth.access import event_role_required
from confreg.badges import letters
from confreg.badges import service as badges
from confreg.badges.documents import LETTER_PLACEHOLDERS
from confreg.badges.forms import BadgeFilterForm, badge_settings_form, letter_settings_form
from confreg.badges.views import pdf_response
from confreg.extensions import db
from confreg.organiser.views import _registration_or_404, bp
from confreg.registration.forms import ConfirmForm
from confreg.registration.models import Registration

#: More delegates than this are printed, not listed one by one on the page.
LISTED_AT_MOST = 500


@bp.get("/badges")
@event_role_required("organiser")
def badge_printing(event):
    form = BadgeFilterForm(request.args)
    query = badges.badge_filter(event, **form.values())
    delegates = db.session.scalars(query.limit(LISTED_AT_MOST + 1)).all()
    return render_template(
        "organiser/badges.html",
        event=event,
        form=form,
        filters=form.values(),
        delegates=delegates[:LISTED_AT_MOST],
        more=len(delegates) > LISTED_AT_MOST,
        print_form=ConfirmForm(),
    )


@bp.post("/badges/print")
@event_role_required("organiser")
def print_badges(event):
    """The chosen delegates' badges (or, with none chosen, every one the filter finds)
    as one PDF; they are recorded as printed."""
    form = ConfirmForm()
    filters = BadgeFilterForm(request.form)
    query = badges.badge_filter(event, **filters.values())
    if chosen := request.form.getlist("public_id"):
        query = query.where(Registration.public_id.in_(chosen[:10000]))
    delegates = db.session.scalars(query).all()
    if not form.validate_on_submit() or not delegates:
        flash(_("No badge to print: choose delegates, or change the filter."), "error")
        return redirect(url_for(".badge_printing", slug=event.slug, **filters.values()), 303)
    body = badges.render_badges(event, delegates)
    badges.mark_printed(delegates)
    return pdf_response(body, f"{event.slug}-badges.pdf")


@bp.post("/delegates/<public_id>/badge.pdf")
@event_role_required("organiser")
def delegate_badge(event, public_id: str):
    registration = _registration_or_404(event, public_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("This form has expired. Reload the page and try again."), "error")
        return redirect(url_for(".delegate", slug=event.slug, public_id=public_id), 303)
    body = badges.render_badges(event, [registration])
    badges.mark_printed([registration])
    return pdf_response(body, f"{event.slug}-badge-{public_id}.pdf")


@bp.post("/delegates/<public_id>/badge/reissue")
@event_role_required("organiser")
def reissue_badge(event, public_id: str):
    registration = _registration_or_404(event, public_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("This form has expired. Reload the page and try again."), "error")
    else:
        try:
            badges.reissue_badge(registration, current_user)
        except badges.BadgeNotReissued:
            flash(_("Only a confirmed delegate's badge can be re-issued."), "error")
        else:
            flash(
                _(
                    "Badge re-issued (version %(revision)d): the old badge is refused from now "
                    "on. Print the new one.",
                    revision=registration.badge_revision,
                ),
                "success",
            )
    return redirect(url_for(".delegate", slug=event.slug, public_id=public_id), 303)


@bp.route("/badges/settings", methods=["GET", "POST"])
@event_role_required("organiser")
def badge_settings(event):
    form = badge_settings_form(event)
    if form.validate_on_submit():
        event.badge_layout = form.layout.data
        event.badge_shows_photo = form.shows_photo.data
        event.badge_colours = form.colours()
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for(".badge_settings", slug=event.slug), 303)
    return render_template("organiser/badge_settings.html", event=event, form=form)


@bp.get("/visa-letters")
@event_role_required("organiser")
def visa_letters(event):
    delegates = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.needs_visa_letter.is_(True),
            Registration.status == "confirmed",
        )
        .order_by(Registration.visa_letter_reference.is_not(None), Registration.created_at)
    ).all()
    return render_template(
        "organiser/visa_letters.html", event=event, delegates=delegates, form=ConfirmForm()
    )


@bp.post("/visa-letters/<public_id>/approve")
@event_role_required("organiser")
def approve_visa_letter(event, public_id: str):
    registration = _registration_or_404(event, public_id)
    try:
        if not ConfirmForm().validate_on_submit():
            raise letters.DocumentUnavailable
        letters.approve_visa_letter(registration, current_user)
    except letters.DocumentUnavailable:
        flash(_("Only a confirmed delegate who asked for a visa letter can have one."), "error")
    else:
        flash(
            _("Letter approved for %(name)s. The delegate can download it now.",
              name=registration.full_name),
            "success",
        )  # fmt: skip
    return redirect(url_for(".visa_letters", slug=event.slug), 303)


@bp.get("/visa-letters/<public_id>.pdf")
@event_role_required("organiser")
def visa_letter_pdf(event, public_id: str):
    registration = _registration_or_404(event, public_id)
    try:
        body = letters.visa_letter_pdf(registration)
    except letters.DocumentUnavailable:
        flash(_("Approve the letter first."), "error")
        return redirect(url_for(".visa_letters", slug=event.slug), 303)
    return pdf_response(body, f"{event.slug}-visa-letter-{public_id}.pdf")


@bp.route("/visa-letters/text", methods=["GET", "POST"])
@event_role_required("organiser")
def visa_letter_text(event):
    form = letter_settings_form(event)
    if form.validate_on_submit():
        letters.update_letter_settings(
            event, form.texts(), form.signatory.data, form.signatory_title.data
        )
        flash(_("Settings saved."), "success")
        return redirect(url_for(".visa_letter_text", slug=event.slug), 303)
    return render_template(
        "organiser/visa_letter_text.html", event=event, form=form, placeholders=LETTER_PLACEHOLDERS
    )
