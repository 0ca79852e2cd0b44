"""The delegate list's bulk form: one action on the ticked delegates or on every one the
filters find."""

from dataclasses import replace

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from confreg.auth.access import event_role_required
from confreg.badges import service as badges
from confreg.badges.views import pdf_response
from confreg.extensions import db
from confreg.organiser import bulk
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.organiser.forms import BulkActionForm
from confreg.organiser.views import bp


@bp.post("/delegates/bulk")
@event_role_required("organiser")
def bulk_action(event):
    form = BulkActionForm()
    delegate_filter = DelegateFilter.from_args(request.form)
    if form.scope.data == "all":
        delegate_filter = replace(delegate_filter, selected=())
    back = url_for(".delegates", slug=event.slug, **replace(delegate_filter, selected=()).as_args())
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(back, 303)
    if form.scope.data != "all" and not delegate_filter.selected:
        flash(_("Tick the delegates first, or choose every delegate the filters find."), "error")
        return redirect(back, 303)
    action = form.action.data
    if action == "message":
        return redirect(url_for(".new_message", slug=event.slug, **delegate_filter.as_args()), 303)
    if action == "export":
        return redirect(url_for(".exports_page", slug=event.slug, **delegate_filter.as_args()), 303)
    if action == "badges":
        return _print_badges(event, delegate_filter, back)
    outcome = bulk.change_status(
        event, delegate_filter, action, current_user, reason=form.reason.data or ""
    )
    flash(
        ngettext("%(num)d delegate changed.", "%(num)d delegates changed.", outcome.done),
        "success",
    )
    if outcome.skipped:
        flash(
            ngettext(
                "%(num)d delegate left as they were: their status does not allow it.",
                "%(num)d delegates left as they were: their status does not allow it.",
                outcome.skipped,
            ),
            "error",
        )
    return redirect(back, 303)


def _print_badges(event, delegate_filter: DelegateFilter, back: str):
    query = badges.badge_filter(event).where(*delegate_filter.conditions(event))
    delegates = db.session.scalars(query).all()
    if not delegates:
        flash(_("No badge to print: only confirmed delegates have one."), "error")
        return redirect(back, 303)
    body = badges.render_badges(event, delegates)
    badges.mark_printed(delegates)
    return pdf_response(body, f"{event.slug}-badges.pdf")
