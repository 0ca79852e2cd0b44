"""The delegate's travel details, changed through the personal link."""

from flask import flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from confreg.extensions import csrf
from confreg.registration import travel
from confreg.registration.forms import TravelForm
from confreg.registration.service import NotAllowed
from confreg.registration.views import bp, with_manage_link

_PROBLEMS = {
    "arrival_date_missing": _l("Enter the arrival date too: you gave a time or a flight."),
    "departure_date_missing": _l("Enter the departure date too: you gave a time or a flight."),
    "arrival_outside_window": _l(
        "Choose an arrival date from %(first_arrival)s to %(last_arrival)s."
    ),
    "departure_outside_window": _l(
        "Choose a departure date from %(first_departure)s to %(last_departure)s."
    ),
    "departure_before_arrival": _l("The departure cannot be before the arrival."),
    "flight_code": _l("Enter the flight as on your ticket: airline code and number, e.g. AM 0402."),
    "hotel_too_long": _l("Use at most %(hotel_max)d characters."),
    "accompanying_persons_range": _l("Enter a number from 0 to %(persons_max)d."),
    "transfer_without_dates": _l(
        "Enter your arrival or departure so that we can plan the transfer."
    ),
}


def _problem_messages(event, problems: dict[str, str]) -> dict[str, str]:
    first_arrival, last_arrival = travel.arrival_window(event)
    first_departure, last_departure = travel.departure_window(event)
    values = {
        "first_arrival": format_date(first_arrival, "medium"),
        "last_arrival": format_date(last_arrival, "medium"),
        "first_departure": format_date(first_departure, "medium"),
        "last_departure": format_date(last_departure, "medium"),
        "hotel_max": travel.HOTEL_MAX_LENGTH,
        "persons_max": travel.MAX_ACCOMPANYING_PERSONS,
    }
    return {name: str(_PROBLEMS[code]) % values for name, code in problems.items()}


@bp.route("/manage/<token>/travel", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself, to keep what was typed
@with_manage_link
def travel_details(event, registration, token):
    manage_url = url_for(".manage", slug=event.slug, token=token)
    if registration.status in ("cancelled", "rejected"):
        flash(_("This registration can no longer be changed."), "error")
        return redirect(manage_url, 303)
    form = TravelForm(obj=registration)
    if form.validate_on_submit():
        try:
            changes = travel.update_travel(registration, form.travel(), "delegate")
        except NotAllowed:
            flash(_("This registration can no longer be changed."), "error")
            return redirect(manage_url, 303)
        except travel.InvalidTravel as invalid:
            for name, message in _problem_messages(event, invalid.problems).items():
                form[name].errors.append(message)
        else:
            flash(_("Your travel details are saved.") if changes else _("Nothing was changed."),
                  "success")  # fmt: skip
            return redirect(manage_url + "#travel", 303)
    return render_template(
        "registration/travel.html", event=event, registration=registration, form=form, token=token
    )
