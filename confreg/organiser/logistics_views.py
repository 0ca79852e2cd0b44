"""Travel and logistics for the hosts: a day's arrivals, departures and airport
transfers, and the catering counts, on the page and as CSV."""

from datetime import date, datetime

from flask import render_template, request
from flask_babel import gettext as _

from confreg.auth.access import event_role_required
from confreg.organiser.views import bp
from confreg.registration import travel
from confreg.spreadsheets import csv_response


class _BadDay(Exception):
    pass


def _day_asked(event, days: list[date] | None = None) -> date:
    """The day in the address; without one, today when the hosts have work on it,
    else the event's first day."""
    if text := request.args.get("day", "").strip():
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise _BadDay from error
    today = datetime.now(event.zone).date()
    return today if today in (days or travel.travel_days(event)) else event.starts_on


def _bad_day_page():
    message = _("Choose a day from the list: what the address gives is not a date.")
    return render_template("errors/error.html", code=400, message=message), 400


@bp.get("/logistics")
@event_role_required("organiser")
def logistics(event):
    days = travel.travel_days(event)
    try:
        day = _day_asked(event, days)
    except _BadDay:
        return _bad_day_page()
    days = sorted(set(days) | {day})
    return render_template(
        "organiser/logistics.html",
        event=event,
        day=day,
        days=days,
        event_days=set(travel.event_days(event)),
        arrivals=travel.arrivals_on(event, day),
        departures=travel.departures_on(event, day),
        transfers=travel.transfers_on(event, day),
        catering=travel.catering(event, days),
    )


def _movements_csv(event, kind: str, list_movements, with_kind: bool = False):
    try:
        day = _day_asked(event)
    except _BadDay:
        return _bad_day_page()
    header = [
        _("Date"), _("Time"), _("Flight"), _("Name"), _("Name in Latin letters"),
        _("Organisation"), _("Hotel"), _("Airport transfer"), _("People"), _("E-mail address"),
    ]  # fmt: skip
    if with_kind:
        header.insert(0, _("Arrival or departure"))
    labels = {"arrival": _("Arrival"), "departure": _("Departure")}

    def rows():
        for movement in list_movements(event, day):
            registration = movement.registration
            row = [
                day.isoformat(), movement.time.strftime("%H:%M") if movement.time else "",
                movement.flight, registration.full_name, registration.latin_name,
                registration.organisation, registration.hotel,
                _("Yes") if registration.wants_airport_transfer else _("No"), movement.people,
                registration.email,
            ]  # fmt: skip
            yield [labels[movement.kind], *row] if with_kind else row

    return csv_response(f"{event.slug}-{kind}-{day.isoformat()}.csv", header, rows())


@bp.get("/logistics/arrivals.csv")
@event_role_required("organiser")
def arrivals_csv(event):
    return _movements_csv(event, "arrivals", travel.arrivals_on)


@bp.get("/logistics/departures.csv")
@event_role_required("organiser")
def departures_csv(event):
    return _movements_csv(event, "departures", travel.departures_on)


@bp.get("/logistics/transfers.csv")
@event_role_required("organiser")
def transfers_csv(event):
    return _movements_csv(event, "transfers", travel.transfers_on, with_kind=True)


@bp.get("/logistics/catering.csv")
@event_role_required("organiser")
def catering_csv(event):
    header = [
        _("Date"), _("Delegates"), _("Accompanying persons"), _("People in all"),
        _("Dietary needs"),
    ]  # fmt: skip

    def rows():
        for counts in travel.catering(event, travel.travel_days(event)):
            needs = (_("%(need)s: %(num)d", need=need, num=n) for need, n in counts.dietary_needs)
            yield (
                counts.day.isoformat(), counts.delegates, counts.accompanying, counts.people,
                "; ".join(needs),
            )  # fmt: skip

    return csv_response(f"{event.slug}-catering.csv", header, rows())
