"""The arrivals board and the check-in log export."""

from flask import render_template
from flask_babel import gettext as _

from confreg.auth.access import event_role_required
from confreg.checkin import board
from confreg.cities import REGION_LABELS
from confreg.i18n import format_moment
from confreg.organiser.views import bp
from confreg.registration.models import CATEGORIES
from confreg.spreadsheets import csv_response


@bp.get("/arrivals")
@event_role_required("organiser")
def arrivals(event):
    labels = {code: str(label) for code, label in CATEGORIES.items()}
    data = board.arrivals_board(event, labels, _("Region not known"))
    regions = [
        board.Tally(str(REGION_LABELS.get(t.label, t.label)), t.expected, t.arrived)
        for t in data.by_region
    ]
    peak = max((count for _start, count in data.per_quarter_hour), default=0)
    return render_template(
        "organiser/arrivals.html", event=event, board=data, regions=regions, peak=peak
    )


@bp.get("/arrivals/checkins.csv")
@event_role_required("organiser")
def checkin_log_csv(event):
    header = [
        _("When"), _("Result"), _("Detail"), _("Name"), _("Name in Latin letters"),
        _("Category"), _("Where"), _("Desk"), _("How"), _("Volunteer"), _("Undone"),
    ]  # fmt: skip
    entrance = _("Event entrance")
    rows = (
        (
            format_moment(checkin.scanned_at, event.timezone),
            checkin.result,
            checkin.detail,
            registration.full_name if registration else "",
            registration.latin_name if registration else "",
            registration.category_label if registration else "",
            session.display_title if session else entrance,
            checkin.desk,
            checkin.method,
            volunteer or "",
            format_moment(checkin.undone_at, event.timezone),
        )
        for checkin, registration, session, volunteer in board.checkin_log(event)
    )
    return csv_response(f"{event.slug}-checkins.csv", header, rows)
