"""The organisers' overview: status cards, and the event's figures as charts."""

from datetime import date, datetime

from babel.dates import format_skeleton
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from confreg.auth.access import event_role_required
from confreg.cities import REGION_LABELS
from confreg.i18n import country_name, text_direction
from confreg.organiser import charts, statistics
from confreg.organiser.charts import ChartRow
from confreg.organiser.views import bp
from confreg.registration.models import CATEGORIES, STATUSES


@bp.get("/")
@event_role_required("organiser")
def dashboard(event):
    today = datetime.now(event.zone).date()
    figures = statistics.dashboard(event, today=min(today, event.ends_on))
    return render_template(
        "organiser/dashboard.html",
        event=event,
        figures=figures,
        counts=figures.statuses,
        statuses=STATUSES,
        undelivered_mail=figures.undelivered_mail,
        charts=_charts(figures, text_direction()),
    )


def _short_date(day: date) -> str:
    return format_skeleton("MMMd", day, locale=get_locale())


def _charts(figures: statistics.Dashboard, direction: str) -> dict:
    """The dashboard's charts, labelled in the reader's language."""
    countries = [
        ChartRow(country_name(code) or _("Country not known"), count)
        for code, count in figures.countries
    ]
    if figures.other_countries:
        countries.append(ChartRow(_("Other countries"), figures.other_countries))
    result = {
        "statuses": charts.bar_chart(
            [ChartRow(str(label), figures.statuses[code]) for code, label in STATUSES.items()],
            direction,
        ),
        "categories": charts.bar_chart(
            [
                ChartRow(str(CATEGORIES.get(code, code)), count)
                for code, count in figures.categories
            ],
            direction,
        ),
        "countries": charts.bar_chart(countries, direction),
        "regions": charts.bar_chart(
            [
                ChartRow(str(REGION_LABELS[region]) if region else _("Region not known"), count)
                for region, count in figures.regions
            ],
            direction,
        ),
        "sessions": charts.bar_chart(
            [
                ChartRow(fill.session.display_title, fill.enrolled, fill.seats)
                for fill in figures.sessions
            ],
            direction,
        ),
    }
    if figures.per_day:
        days = [count.day for count in figures.per_day]
        result["total"] = charts.time_chart(
            days, [count.total for count in figures.per_day], _short_date, direction
        )
        result["new"] = charts.time_chart(
            days, [count.new for count in figures.per_day], _short_date, direction
        )
    if figures.arrivals:
        result["arrivals"] = charts.bar_chart(
            [ChartRow(_short_date(day), count) for day, count in figures.arrivals.per_day],
            direction,
        )
    return result
