"""Messages to delegates: write one to the delegates a filter finds, preview it in each
language, send it through the outbox, and follow its delivery."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from confreg.auth.access import event_role_required
from confreg.cities import REGION_LABELS
from confreg.extensions import db
from confreg.i18n import country_name
from confreg.organiser import messages
from confreg.organiser.delegate_filter import DelegateFilter, session_choices
from confreg.organiser.message_forms import MessageForm, message_form
from confreg.organiser.models import Mailing
from confreg.organiser.programme_forms import language_in_current_locale
from confreg.organiser.views import bp
from confreg.registration.models import CATEGORIES, STATUSES

#: How often a page showing undelivered messages reloads itself, in seconds.
REFRESH_SECONDS = 10


@bp.get("/messages")
@event_role_required("organiser")
def message_list(event):
    mailings = messages.mailings(event)
    progress = messages.mailing_progress([mailing.id for mailing in mailings])
    return render_template(
        "organiser/message_list.html",
        event=event,
        mailings=mailings,
        progress=progress,
        refresh=any(not figures.done for figures in progress.values()) and REFRESH_SECONDS,
    )


@bp.route("/messages/new", methods=["GET", "POST"])
@event_role_required("organiser")
def new_message(event):
    # The form repeats the filters in hidden fields: a long selection would not fit a URL.
    delegate_filter = DelegateFilter.from_args(
        request.form if request.method == "POST" else request.args
    )
    form = message_form(event)
    recipients = messages.count_recipients(event, delegate_filter)
    if not form.is_submitted():
        return _compose_page(event, form, delegate_filter, recipients)
    if not form.validate():
        return _compose_page(event, form, delegate_filter, recipients), 400
    subjects, bodies = form.localised("subject"), form.localised("body")
    if request.form.get("action") == "send" and _confirmed(form, recipients):
        try:
            sent = messages.send_mailing(
                event, delegate_filter, subjects, bodies, current_user, form.submission_key.data
            )
        except messages.NoRecipients:
            form.form_errors.append(_no_recipients())
        else:
            if sent.created:
                flash(
                    ngettext(
                        "Message queued for %(num)d delegate.",
                        "Message queued for %(num)d delegates.",
                        sent.mailing.recipients,
                    ),
                    "success",
                )
            else:
                flash(_("This message had been sent already: it was not sent again."), "error")
            return redirect(
                url_for(".message_detail", slug=event.slug, mailing_id=sent.mailing.id), 303
            )
    previews = messages.preview_mailing(
        event, delegate_filter, subjects, bodies, form.locales, _("Sample Delegate")
    )
    form.expected_recipients.data = recipients
    form.confirmed.data = False
    status = 400 if form.errors else 200
    return _compose_page(event, form, delegate_filter, recipients, previews), status


@bp.get("/messages/<int:mailing_id>")
@event_role_required("organiser")
def message_detail(event, mailing_id: int):
    mailing = db.session.get(Mailing, mailing_id)
    if mailing is None or mailing.event_id != event.id:
        abort(404)
    progress = messages.mailing_progress([mailing.id])[mailing.id]
    delegate_filter = DelegateFilter.from_args(mailing.criteria)
    return render_template(
        "organiser/message_detail.html",
        event=event,
        mailing=mailing,
        progress=progress,
        problems=messages.delivery_problems(mailing),
        failures_shown=messages.FAILURES_SHOWN,
        filter_summary=_filter_summary(event, delegate_filter),
        filter_args=delegate_filter.as_args(),
        texts=[
            (code, mailing.subject[code], mailing.body.get(code, ""))
            for code in _ordered(event, mailing.subject)
        ],
        language_in=language_in_current_locale,
        refresh=not progress.done and REFRESH_SECONDS,
    )


def _confirmed(form: MessageForm, recipients: int) -> bool:
    """Whether the organiser confirmed sending to the recipients there are now; says
    on the form what is missing otherwise."""
    if recipients == 0:
        form.form_errors.append(_no_recipients())
        return False
    if not form.confirmed.data:
        form.confirmed.errors.append(
            _("Read the preview below, then tick this box to send the message.")
        )
        return False
    if form.expected_recipients.data != recipients:
        form.confirmed.errors.append(
            _(
                "The filters now find %(now)d delegates, not %(before)d as when you confirmed. "
                "Check the preview and confirm again.",
                now=recipients,
                before=form.expected_recipients.data or 0,
            )
        )
        return False
    return True


def _no_recipients() -> str:
    return _(
        "No delegate to write to: the filters find no one with an e-mail address. "
        "Change the filters in the delegate list."
    )


def _compose_page(event, form, delegate_filter: DelegateFilter, recipients: int, previews=()):
    return render_template(
        "organiser/message_new.html",
        event=event,
        form=form,
        recipients=recipients,
        filter_summary=_filter_summary(event, delegate_filter),
        filter_args=delegate_filter.as_args(),
        no_recipients=_no_recipients(),
        placeholders=messages.PLACEHOLDERS,
        previews=previews,
        language_in=language_in_current_locale,
    )


def _filter_summary(event, delegate_filter: DelegateFilter) -> list[tuple[str, str]]:
    """(filter, value) of each filter set, as the organiser reads them."""
    yes_no = {"yes": _("Yes"), "no": _("No")}
    visa_letter = {
        "wanted": _("Wanted"),
        "pending": _("Wanted, not yet approved"),
        "approved": _("Approved"),
    }
    summary = []
    if delegate_filter.query:
        summary.append((_("Search"), delegate_filter.query))
    if delegate_filter.status:
        summary.append((_("Status"), str(STATUSES[delegate_filter.status])))
    if delegate_filter.category:
        summary.append((_("Category"), str(CATEGORIES[delegate_filter.category])))
    if delegate_filter.country:
        summary.append((_("Country"), country_name(delegate_filter.country)))
    if delegate_filter.region:
        summary.append((_("Region"), str(REGION_LABELS[delegate_filter.region])))
    if delegate_filter.session is not None:
        titles = dict(session_choices(event))
        summary.append(
            (
                _("Seated in session"),
                titles.get(delegate_filter.session, _("A session that no longer exists")),
            )
        )
    if delegate_filter.checked_in:
        summary.append((_("Checked in"), yes_no[delegate_filter.checked_in]))
    if delegate_filter.badge_printed:
        summary.append((_("Badge printed"), yes_no[delegate_filter.badge_printed]))
    if delegate_filter.visa_letter:
        summary.append((_("Visa letter"), visa_letter[delegate_filter.visa_letter]))
    if delegate_filter.selected:
        summary.append(
            (
                _("Chosen one by one"),
                ngettext("%(num)d delegate", "%(num)d delegates", len(delegate_filter.selected)),
            )
        )
    return summary


def _ordered(event, texts: dict[str, str]) -> list[str]:
    """The locales of `texts`, the event's main one first."""
    return sorted(texts, key=lambda code: (code != event.default_locale, code))
