"""The event's audit log page."""

from flask import current_app, render_template, request

from confreg.audit import ACTIONS
from confreg.auth.access import event_role_required
from confreg.organiser import audit_log
from confreg.organiser.forms import AuditFilterForm
from confreg.organiser.views import bp
from confreg.registration.models import STATUSES


@bp.get("/audit")
@event_role_required("organiser")
def audit_page(event):
    form = AuditFilterForm(ACTIONS, audit_log.staff_who_changed(event), formdata=request.args)
    valid = form.validate()
    audit_filter = audit_log.AuditFilter()
    if valid:
        audit_filter = audit_log.AuditFilter(
            action=form.action.data or "",
            actor=form.actor.data or "",
            staff_user_id=int(form.staff_user.data) if form.staff_user.data else None,
            delegate=form.delegate.data or "",
            since=form.since.data,
            until=form.until.data,
        )
    result = audit_log.find_entries(
        event,
        audit_filter,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["DELEGATES_PER_PAGE"],
    )
    args = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template(
        "organiser/audit.html",
        event=event,
        form=form,
        result=result,
        args=args,
        statuses=STATUSES,
    ), 200 if valid else 400
