"""Locale selection, text direction and organiser-entered content in several languages."""

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

import pycountry
from babel import Locale, dates
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from confreg.names import fold

#: The cookie that keeps a visitor's explicit choice from the language menu.
LOCALE_COOKIE = "confreg_locale"
RTL_LOCALES = frozenset({"ar", "fa", "he", "ur"})


def available_locales() -> tuple[str, ...]:
    return current_app.config["LOCALES"]


def select_locale() -> str:
    """The explicit choice, then the browser's preference, then the event's default."""
    if not has_request_context():  # e-mails and commands choose with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    available = available_locales()
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in available:
        return chosen
    if best := request.accept_languages.best_match(available):
        return best
    event = g.get("event")
    if event is not None and event.default_locale in available:
        return event.default_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def bidi_isolate(text: str) -> Markup:
    """Text kept in its own direction inside a sentence of the other (an e-mail
    address in a Persian sentence)."""
    return Markup("<bdi>{}</bdi>").format(text)


def text_direction(locale: str | None = None) -> str:
    code = locale or str(get_locale())
    return "rtl" if code.split("_")[0] in RTL_LOCALES else "ltr"


def language_name(code: str) -> str:
    """A language's name in that language, as a language menu shows it."""
    name = Locale.parse(code).display_name or code
    return name[:1].upper() + name[1:]


def localised(texts: dict[str, str] | None, default_locale: str = "en") -> str:
    """Organiser-entered text in the visitor's language, else the event's default,
    else any language it was written in."""
    if not texts:
        return ""
    locale = str(get_locale() or default_locale)
    for code in (locale, locale.split("_")[0], default_locale):
        if texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), "")


@lru_cache(maxsize=32)
def _countries(locale: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale).territories
    pairs = [(c.alpha_2, names.get(c.alpha_2) or c.name) for c in pycountry.countries]
    return tuple(sorted(pairs, key=lambda pair: fold(pair[1])))


def country_choices() -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 countries as (code, name in the visitor's language), sorted by name."""
    return _countries(str(get_locale()))


def country_name(code: str) -> str:
    if not code:
        return ""
    return dict(_countries(str(get_locale()))).get(code, code)


def _date_and_time(local: datetime, time_text: str) -> str:
    """A date and a time of day, in the order and with the joint the locale uses."""
    locale = get_locale()
    date_text = dates.format_date(local.date(), "medium", locale=locale)
    return locale.datetime_formats["medium"].format(time_text, date_text)


def format_day_and_time(day: date, at: time | None) -> str:
    """A local day, with its time of day when known, as the locale writes them."""
    if at is None:
        return dates.format_date(day, "medium", locale=get_locale())
    time_text = dates.format_time(at, "short", locale=get_locale())
    return _date_and_time(datetime.combine(day, at), time_text)


def format_event_datetime(moment: datetime, event, with_zone: bool = True) -> str:
    """Date and time in the event's zone, with the zone named unless the page names it."""
    local = moment.astimezone(event.zone)
    return _date_and_time(local, format_event_time(moment, event, with_zone))


def format_event_time(moment: datetime, event, with_zone: bool = True) -> str:
    """Time of day in the event's zone, with the zone named unless the page names it."""
    time_part = dates.format_time(
        moment.astimezone(event.zone).timetz(), "short", locale=get_locale()
    )
    return f"{time_part} ({event_zone_name(event)})" if with_zone else time_part


def format_time_of_day(local: datetime) -> str:
    """The time of day of a moment already in the zone it is shown in (chart labels)."""
    return dates.format_time(local.time(), "short", locale=get_locale())


def event_zone_name(event) -> str:
    """The event's time zone as people say it: 'Mexico (Mexico City) Time'."""
    return dates.get_timezone_location(event.zone, locale=get_locale())


def format_event_dates(event) -> str:
    """The event's first to last day, as the locale writes a date range."""
    return dates.format_interval(event.starts_on, event.ends_on, "yMMMd", locale=get_locale())


def format_moment(moment: datetime | None, timezone: str = "UTC") -> str:
    """A stored moment (history, lists) to the minute in the given zone, with its offset."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(timezone))
    time_text = dates.format_time(local.timetz(), "short", locale=get_locale())
    offset = dates.get_timezone_gmt(local, "long", locale=get_locale())
    return _date_and_time(local, f"{time_text} ({offset})")


def place_name(city: str, country_code: str) -> str:
    """'Serres, Greece' as plain text (documents), with the joint the language uses."""
    if not city:
        return country_name(country_code)
    return gettext("%(city)s, %(country)s", city=city, country=country_name(country_code))


def format_place(city: str, country_code: str) -> Markup:
    """'Serres, Greece', with the joint the language uses and the city kept in its own
    direction."""
    return Markup(escape(gettext("%(city)s, %(country)s"))) % {
        "city": bidi_isolate(city),
        "country": country_name(country_code),
    }
