"""The export page: delegates, session seats or check-ins of the delegates the list's
filters find, with the columns chosen, as CSV or XLSX."""

from flask import Response, render_template, request
from flask_login import current_user

from confreg import audit
from confreg.auth.access import event_role_required
from confreg.extensions import db
from confreg.organiser import exports
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.organiser.forms import ExportForm
from confreg.organiser.views import bp
from confreg.spreadsheets import csv_response, xlsx_response


@bp.route("/exports", methods=["GET", "POST"])
@event_role_required("organiser")
def exports_page(event):
    kind = request.values.get("kind", "delegates")
    if kind not in exports.KINDS:
        kind = "delegates"
    delegate_filter = DelegateFilter.from_args(request.values)
    form = ExportForm(kind)
    if form.validate_on_submit():
        return _download(event, kind, form, delegate_filter)
    if request.method == "GET":
        form.columns.data = exports.default_columns(kind)
    return render_template(
        "organiser/exports.html",
        event=event,
        form=form,
        kind=kind,
        kinds=exports.KINDS,
        passport_columns=exports.PASSPORT_COLUMNS,
        delegate_filter=delegate_filter,
        filter_args=delegate_filter.as_args(),
    ), 400 if form.errors else 200


def _download(event, kind: str, form: ExportForm, delegate_filter: DelegateFilter) -> Response:
    chosen = [name for name in exports.columns(kind) if name in form.columns.data]
    audit.record_event_change(
        event, "list_exported", current_user, subject=str(exports.KINDS[kind][0]),
        format=form.format.data, columns=chosen, filters=delegate_filter.as_args(),
    )  # fmt: skip
    db.session.commit()
    header = exports.header(kind, chosen)
    rows = exports.export_rows(event, kind, chosen, delegate_filter)
    filename = f"{event.slug}-{kind}"
    if form.format.data == "csv":
        cells = ([exports.csv_cell(value) for value in row] for row in rows)
        return csv_response(f"{filename}.csv", header, cells)
    return xlsx_response(f"{filename}.xlsx", str(exports.KINDS[kind][0]), header, rows)
