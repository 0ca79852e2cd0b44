#!/usr/bin/env python3
"""Badge rendering: the app's own pipeline beside bare reportlab drawing the same pages.

    .venv/bin/python bench/badges.py [--counts 100 1000 3000] [--repeat 3]

The app: an event on a scratch SQLite database with N confirmed delegates named in
mixed scripts (Persian, Arabic, Chinese, Japanese, Korean, Greek, Cyrillic, Turkish,
Slovenian…), their badges rendered one per page (A6) the way `flask confreg badges`
does: the query, the badge contents in the event's language, per-run fonts, shaping and
bidi, fitting and wrapping, and the QR code. "cold" is the first print, before any QR
matrix is kept (the app computes them when delegates are confirmed); "warm" every
print after.

The bare script: reportlab alone, given every string already shaped, ordered and
assigned its font and every QR code already turned into PDF path operators, draws the
same page content (band, texts at fixed sizes, the QR paths); no app, no database, no
layout decisions: the floor of what drawing these pages costs.

Prints pages per second for each and the app's time over the bare drawing's ("app
time": 1.0 means the app costs nothing over the drawing), best of --repeat runs, all in
one run so that the figures compare.
"""

import argparse
import io
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEOPLE = [
    ("فاطمه", "کریمی", "Fatemeh Karimi", "شهرداری کرمانشاه", "Kermanshah", "IR", "mayor"),
    ("أحمد", "المنصوري", "Ahmed Al Mansouri", "بلدية المحرق", "Muharraq", "BH", "city_official"),
    ("伟", "李", "Li Wei", "北京市教育委员会", "Beijing", "CN", "city_official"),
    ("花子", "山田", "Yamada Hanako", "岡山ESDプロジェクト", "Okayama", "JP", "ngo"),
    ("민준", "김", "Kim Minjun", "수원시청", "Suwon", "KR", "deputy_mayor"),
    ("Αθανάσιος", "Καρπουχτσής", "Athanasios Karpouchtsis", "Δήμος Σερρών", "Serres", "GR",
     "expert_speaker"),
    ("Олена", "Коваленко", "Olena Kovalenko", "Мелітопольська міська рада", "Melitopol", "UA",
     "city_official"),
    ("İbrahim", "Öztürk", "", "Balıkesir Büyükşehir Belediyesi", "Balıkesir", "TR", "mayor"),
    ("Špela", "Kovačič", "", "Andragoški center Slovenije", "Ljubljana", "SI", "press"),
    ("María José", "Hernández García", "", "Secretaría de Educación de la Ciudad de México",
     "Mexico City", "MX", "unesco_staff"),
]  # fmt: skip


def build_app(count: int):
    from flask_migrate import upgrade

    from config import TestConfig
    from confreg import create_app
    from confreg.events.models import Event
    from confreg.extensions import db
    from confreg.registration.models import Registration

    directory = tempfile.mkdtemp(prefix="confreg-bench-")
    app = create_app(TestConfig(f"sqlite:///{directory}/bench.sqlite"))
    with app.app_context():
        upgrade()
        event = Event(slug="bench", name={"en": "2nd International Conference on Learning Cities"},
                      venue="Centro Banamex", city="Mexico City", country="MX",
                      timezone="America/Mexico_City", starts_on=date(2015, 9, 28),
                      ends_on=date(2015, 9, 30))  # fmt: skip
        db.session.add(event)
        now = datetime.now(UTC)
        for number in range(count):
            given, family, latin, organisation, city, country, category = PEOPLE[number % 10]
            latin_given, _, latin_family = latin.partition(" ")
            db.session.add(
                Registration(event=event, status="confirmed", given_name=given,
                             family_name=family, latin_given_name=latin_given,
                             latin_family_name=latin_family, email=f"d{number}@bench.example",
                             email_key=f"d{number}@bench.example", category=category,
                             organisation=organisation, city=city, country=country,
                             preferred_locale="en", privacy_consent_at=now)
            )  # fmt: skip
        db.session.commit()
    return app


def app_pipeline(app) -> tuple[float, bytes]:
    from sqlalchemy import select

    from confreg.badges import service
    from confreg.events.models import Event
    from confreg.extensions import db

    with app.app_context():
        started = time.perf_counter()
        event = db.session.scalars(select(Event)).one()
        delegates = db.session.scalars(service.badge_filter(event)).all()
        body = service.render_badges(event, delegates)
        seconds = time.perf_counter() - started
        db.session.remove()
    return seconds, body


def bare_inputs(app) -> list[dict]:
    """Everything the bare script needs, computed beforehand (not timed)."""
    from sqlalchemy import select

    from confreg.badges import service, text
    from confreg.badges.qr import pdf_operators
    from confreg.events.models import Event
    from confreg.extensions import db

    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        pages = []
        for registration in db.session.scalars(service.badge_filter(event)):
            content = service.badge_content(registration)
            lines = [
                (content.event_name, 11, False), (content.given_name, 40, True),
                (content.family_name, 28, True), (content.latin_name, 13, False),
                (content.organisation, 12, False), (content.place, 11, False),
            ]  # fmt: skip
            pages.append({
                "lines": [(text.runs(value, bold), size) for value, size, bold in lines if value],
                "category": text.runs(content.category, True),
                "colour": content.colour,
                "qr": pdf_operators(content.qr, 60, 40, 180),
            })  # fmt: skip
    return pages


def bare_reportlab(pages: list[dict]) -> tuple[float, bytes]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A6
    from reportlab.pdfgen.canvas import Canvas

    started = time.perf_counter()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A6, pageCompression=1)
    width, height = A6
    for page in pages:
        canvas.setFillColor(HexColor(page["colour"]))
        canvas.rect(0, 0, width, 26, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        x = 20
        for font, run, _w in page["category"]:
            canvas.setFont(font, 14)
            canvas.drawString(x, 8, run)
        canvas.setFillColorRGB(0, 0, 0)
        y = height - 8
        for runs, size in page["lines"]:
            y -= size * 1.1
            x = 8
            for font, run, run_width in runs:
                canvas.setFont(font, size)
                canvas.drawString(x, y, run)
                x += run_width * size
        canvas.addLiteral(page["qr"])
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - started, out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from confreg.badges.qr import modules, qr_drawing, qr_version

    sample = qr_drawing("A" * 133)
    print(f"QR: version {qr_version(sample)}, level M, {modules(sample)} modules a side")
    print(f"{'badges':>7} {'app cold/s':>11} {'app warm/s':>11} {'bare/s':>9} "
          f"{'app time':>9} {'PDF MB':>7}")  # fmt: skip
    for count in args.counts:
        app = build_app(count)
        cold, _body = app_pipeline(app)
        warm, body = min(app_pipeline(app) for _ in range(args.repeat))
        pages = bare_inputs(app)
        bare, _bare_body = min(bare_reportlab(pages) for _ in range(args.repeat))
        print(f"{count:>7} {count / cold:>11.0f} {count / warm:>11.0f} {count / bare:>9.0f} "
              f"{warm / bare:>9.2f} {len(body) / 1e6:>7.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
