#!/usr/bin/env python3
"""A mixed load against gunicorn on PostgreSQL, then a check of what the database kept.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load.py [--clients 40] [--seconds 30] [--delegates 400]
        [--mix programme=30,register=10,manage=25,checkin=35] [--double 0.1]
        [--workers 2] [--threads 8] [--postgresql postgresql+psycopg://postgres@127.0.0.1:5432/test]

A scratch database at head on the PostgreSQL server, holding one event the size of the
demo: a three-day programme, --delegates confirmed delegates (names in several scripts,
each in the plenaries) with their badges, and a desk volunteer's API token. gunicorn
serves it with mail left in the outbox and rate limits off (every client comes from one
loopback address, standing for a whole venue's worth of people).

--clients closed-loop clients then run for --seconds, each picking its next action by the
--mix weights: the public programme; a registration (GET the form for its tokens, POST it
with a new e-mail, two requests reported apart); a delegate's personal page; a badge
scanned through the check-in API, at the entrance first and then at session doors, every
(badge, place) once, except a --double share that two desks scan back to back, often at
the same instant. Expected answers: 200 for pages, 303 for a registration, "ok" or
"already_checked_in" for a scan; anything else, and every exception, is an error.

Prints per kind and overall: requests, req/s, p50 and p99 latency and errors; then checks
the database: each registration answered 303 is stored exactly once, each first check-in
answered "ok" is stored and stands, and no badge has two first check-ins at one place.
PASS or FAIL per check; the exit status is 1 when one fails.
"""

import argparse
import asyncio
import itertools
import random
import re
import secrets
import sys
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import POSTGRESQL, SECRET, scratch_postgresql, serve

SLUG = "bench"
_HIDDEN = re.compile(r'name="(csrf_token|submission_key)"[^>]*value="([^"]*)"')
KINDS = ("programme", "register", "manage", "checkin")
#: Kinds as reported: a registration is two requests, timed apart.
REPORTED = ("programme", "register_form", "register", "manage", "checkin")
# given, family, Latin given, Latin family, country
# fmt: off
NAMES = [
    ("Αθανάσιος", "Καρπουχτσής", "Athanasios", "Karpouchtsis", "GR"),
    ("فاطمه", "کریمی", "Fatemeh", "Karimi", "IR"),
    ("Ayşe", "Yılmaz", "", "", "TR"),
    ("Олена", "Коваленко", "Olena", "Kovalenko", "UA"),
    ("Špela", "Kovačič", "", "", "SI"),
    ("María José", "Hernández García", "", "", "MX"),
    ("芳", "王", "Fang", "Wang", "CN"),
    ("أحمد", "المنصوري", "Ahmed", "Al Mansouri", "BH"),
    ("Ngozi", "Okafor", "", "", "NG"),
]
# fmt: on


@dataclass(frozen=True)
class Delegate:
    public_id: str
    #: The badge's QR content.
    badge: str
    #: The token of the personal link.
    manage: str


@dataclass(frozen=True)
class Fixture:
    api_token: str
    delegates: list[Delegate]
    #: Programme sessions whose doors desks scan at, besides the entrance ("event").
    session_ids: list[int]


def prepare(url: str, delegates: int) -> Fixture:
    """The event, its programme, delegates with badges and a desk token."""
    from flask_migrate import upgrade

    from config import TestConfig
    from confreg import create_app
    from confreg.auth.service import create_api_token, create_or_update_staff_user
    from confreg.badges.service import issue_token
    from confreg.events.models import Enrolment, Event, ProgrammeSession, Room, Track
    from confreg.extensions import db
    from confreg.registration.links import manage_token
    from confreg.registration.models import Registration

    config = TestConfig(url)
    config.SECRET_KEY = SECRET  # the server's: personal links made here must work there
    app = create_app(config)
    with app.app_context():
        upgrade()
        event = Event(slug=SLUG, name={"en": "Bench"}, city="Mexico City", country="MX",
                      timezone="America/Mexico_City", starts_on=date(2031, 9, 28),
                      ends_on=date(2031, 9, 30), requires_approval=False)  # fmt: skip
        plenary = Track(event=event, kind="plenary", name={"en": "Plenary"}, position=0)
        regions = [
            Track(event=event, kind="regional", name={"en": f"Region {n}"}, position=n)
            for n in range(1, 6)
        ]
        hall = Room(event=event, name="Main hall", capacity=1200)
        salons = [Room(event=event, name=f"Salón {letter}", capacity=150) for letter in "ABCDE"]
        db.session.add_all([event, plenary, *regions, hall, *salons])
        plenaries, sessions = [], []
        for day in range(3):  # two plenaries and five regional sessions a day
            morning = datetime(2031, 9, 28 + day, 14, 0, tzinfo=UTC)
            for start in (morning, morning + timedelta(hours=2)):
                plenaries.append(
                    ProgrammeSession(event=event, track=plenary, room=hall,
                                     title={"en": f"Plenary {len(plenaries) + 1}"},
                                     starts_at=start, ends_at=start + timedelta(minutes=90))
                )  # fmt: skip
            afternoon = morning + timedelta(hours=5)
            for track, room in zip(regions, salons, strict=True):
                sessions.append(
                    ProgrammeSession(event=event, track=track, room=room,
                                     title={"en": f"{track.name['en']}, day {day + 1}"},
                                     starts_at=afternoon,
                                     ends_at=afternoon + timedelta(minutes=90))
                )  # fmt: skip
        db.session.add_all([*plenaries, *sessions])
        now = datetime.now(UTC)
        registrations = []
        for number in range(delegates):
            given, family, latin_given, latin_family, country = NAMES[number % len(NAMES)]
            registration = Registration(
                event=event, status="confirmed", given_name=given, family_name=family,
                latin_given_name=latin_given, latin_family_name=latin_family,
                email=f"d{number}@bench.example", email_key=f"d{number}@bench.example",
                category="city_official", country=country, preferred_locale="en",
                privacy_consent_at=now,
            )  # fmt: skip
            registration.refresh_search_text()
            registrations.append(registration)
        db.session.add_all(registrations)
        db.session.flush()
        db.session.add_all(
            Enrolment(session_id=session.id, registration_id=registration.id, status="enrolled")
            for registration in registrations
            for session in plenaries
        )
        db.session.commit()
        create_or_update_staff_user("desk@bench.example", "bench-password-1", "desk", SLUG)
        _record, api_token = create_api_token("desk@bench.example", "load bench")
        fixture = Fixture(
            api_token,
            [Delegate(r.public_id, issue_token(r), manage_token(r)) for r in registrations],
            [session.id for session in plenaries + sessions],
        )
        db.session.commit()
        db.engine.dispose()
    return fixture


@dataclass(frozen=True)
class Sample:
    kind: str
    seconds: float
    #: Why the answer was not an expected one (its status, or the exception); None when
    #: it was.
    error: str | None


@dataclass(frozen=True)
class Scan:
    """One check-in answer, as the client saw it."""

    public_id: str
    #: "event" (the entrance) or a session's id.
    scope: str | int
    client: int
    result: str
    checkin_id: int
    started: float
    ended: float


@dataclass
class Run:
    """What the clients share: the scans still to make, and what they saw."""

    fixture: Fixture
    #: (delegate index, scope) still to scan; a doubled place appears twice in a row.
    scans: deque[tuple[int, str | int]]
    samples: list[Sample] = field(default_factory=list)
    answers: list[Scan] = field(default_factory=list)
    #: E-mail addresses whose registration was answered 303.
    registered: list[str] = field(default_factory=list)
    #: Check-ins a client chose while no scan was left.
    scans_exhausted: int = 0


def scan_plan(fixture: Fixture, double: float, rng: random.Random) -> deque[tuple[int, str | int]]:
    """Every (badge, place) once, the entrance before the session doors; a `double` share
    of them twice in a row, for two desks to scan at once."""
    plan = deque()
    for scope in ["event", *fixture.session_ids]:
        order = list(range(len(fixture.delegates)))
        rng.shuffle(order)
        for index in order:
            plan.extend([(index, scope)] * (2 if rng.random() < double else 1))
    return plan


async def timed(run: Run, kind: str, request, expected) -> httpx.Response | None:
    """Send `request` (a coroutine) and record its time and whether `expected(response)`
    held (it returns None, or why not). Returns the response if it was expected."""
    started = time.perf_counter()
    try:
        response = await request
    except httpx.HTTPError as exception:
        run.samples.append(Sample(kind, time.perf_counter() - started, type(exception).__name__))
        return None
    error = expected(response)
    run.samples.append(Sample(kind, time.perf_counter() - started, error))
    return response if error is None else None


def status_is(status: int):
    return lambda response: None if response.status_code == status else str(response.status_code)


async def view_programme(http: httpx.AsyncClient, run: Run, client: int, number: int) -> None:
    await timed(run, "programme", http.get(f"/e/{SLUG}/programme"), status_is(200))


async def view_manage_page(http: httpx.AsyncClient, run: Run, client: int, number: int) -> None:
    delegate = random.choice(run.fixture.delegates)
    await timed(run, "manage", http.get(f"/e/{SLUG}/manage/{delegate.manage}"), status_is(200))


async def register(http: httpx.AsyncClient, run: Run, client: int, number: int) -> None:
    http.cookies.clear()  # each registration is a new visitor
    page = await timed(run, "register_form", http.get(f"/e/{SLUG}/register"), status_is(200))
    if page is None:
        return
    given, family, latin_given, latin_family, country = random.choice(NAMES)
    email = f"load-{client}-{number}@city.example"
    form = dict(_HIDDEN.findall(page.text)) | {
        "given_name": given, "family_name": family, "latin_given_name": latin_given,
        "latin_family_name": latin_family, "email": email, "category": "city_official",
        "organisation": "Learning City", "city": "Bench", "country": country,
        "preferred_locale": "en", "privacy_consent": "y",
    }  # fmt: skip
    answer = await timed(
        run, "register", http.post(f"/e/{SLUG}/register", data=form), status_is(303)
    )
    if answer is not None:
        run.registered.append(email)


def scan_answer(response: httpx.Response) -> str | None:
    if response.status_code != 200:
        return str(response.status_code)
    try:
        result = response.json()["result"]
    except (ValueError, KeyError, TypeError):
        return "200 without a result"
    return None if result in ("ok", "already_checked_in") else f"200 {result}"


async def check_in(http: httpx.AsyncClient, run: Run, client: int, number: int) -> None:
    if not run.scans:
        run.scans_exhausted += 1
        return
    index, scope = run.scans.popleft()
    delegate = run.fixture.delegates[index]
    body = {"token": delegate.badge, "nonce": secrets.token_hex(12), "scope": scope,
            "desk": f"Desk {client}"}  # fmt: skip
    started = time.perf_counter()
    response = await timed(
        run,
        "checkin",
        http.post(f"/api/v1/events/{SLUG}/checkins", json=body,
                  headers={"Authorization": f"Bearer {run.fixture.api_token}"}),
        scan_answer,
    )  # fmt: skip
    if response is not None:
        answer = response.json()
        run.answers.append(
            Scan(delegate.public_id, scope, client, answer["result"], answer["checkin"]["id"],
                 started, time.perf_counter())
        )  # fmt: skip


ACTIONS = {
    "programme": view_programme,
    "register": register,
    "manage": view_manage_page,
    "checkin": check_in,
}


async def client(base: str, run: Run, number: int, mix: dict[str, int], deadline: float) -> None:
    kinds, weights = list(mix), list(mix.values())
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for action_number in itertools.count():
            if time.perf_counter() >= deadline:
                return
            kind = random.choices(kinds, weights)[0]
            await ACTIONS[kind](http, run, number, action_number)


async def warm_up(base: str, fixture: Fixture) -> None:
    """Every page once per server thread or so, so that start-up costs are not timed."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for path in ("/programme", "/register", f"/manage/{fixture.delegates[0].manage}"):
            await asyncio.gather(*(http.get(f"/e/{SLUG}{path}") for _ in range(8)))


async def drive(base: str, run: Run, clients: int, seconds: float, mix: dict[str, int]) -> float:
    """Run the clients; return the wall time until the last one finished."""
    await warm_up(base, run.fixture)
    started = time.perf_counter()
    await asyncio.gather(
        *(client(base, run, number, mix, started + seconds) for number in range(clients))
    )
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of non-empty `values`."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def report(run: Run, wall: float, client_cpu: float) -> None:
    print(f"{'kind':<15}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}")
    for kind in (*REPORTED, "all"):
        samples = [s for s in run.samples if kind in (s.kind, "all")]
        if not samples:
            continue
        times = [s.seconds * 1000 for s in samples]
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        errors = sum(s.error is not None for s in samples)
        print(f"{kind:<15}{len(samples):>9}{len(samples) / wall:>8.1f}{p50:>8.1f}{p99:>8.1f}"
              f"{errors:>7}")  # fmt: skip
    errors = Counter(f"{s.kind} {s.error}" for s in run.samples if s.error is not None)
    for what, count in errors.most_common():
        print(f"  error: {what} × {count}")
    results = Counter(scan.result for scan in run.answers)
    print(f"wall {wall:.1f} s, client CPU {client_cpu:.1f} s; registrations accepted "
          f"{len(run.registered)}; scans {dict(results)}")  # fmt: skip
    pairs = defaultdict(list)
    for scan in run.answers:
        pairs[(scan.public_id, scan.scope)].append(scan)
    doubled = [scans for scans in pairs.values() if len(scans) == 2]
    two_desks = [(a, b) for a, b in doubled if a.client != b.client]
    overlapping = [(a, b) for a, b in two_desks if a.started < b.ended and b.started < a.ended]
    print(f"places scanned twice {len(doubled)}: by two desks {len(two_desks)}, "
          f"at the same time {len(overlapping)}")  # fmt: skip
    if run.scans_exhausted:
        print(f"warning: every badge was scanned everywhere; {run.scans_exhausted} check-ins "
              "were skipped (raise --delegates)")  # fmt: skip


def scope_key(scope: str | int) -> int:
    """The place as the checkins table keys it: a session's id, 0 at the entrance."""
    return 0 if scope == "event" else scope


def verify(url: str, run: Run) -> list[tuple[str, bool, str]]:
    """(check, passed, detail) for what the server said it accepted."""
    engine = create_engine(url)
    with engine.connect() as connection:
        stored_emails = Counter(
            connection.scalars(
                text("SELECT email_key FROM registrations WHERE email_key LIKE 'load-%'")
            )
        )
        first_checkins = connection.execute(
            text(
                "SELECT c.id, r.public_id, c.scope_key FROM checkins c "
                "JOIN registrations r ON r.id = c.registration_id "
                "WHERE c.result = 'ok' AND c.undone_at IS NULL"
            )
        ).all()
    engine.dispose()
    checks = []

    not_once = [email for email in run.registered if stored_emails[email] != 1]
    answered = set(run.registered)
    unanswered = sum(n for email, n in stored_emails.items() if email not in answered)
    checks.append((
        "each accepted registration stored exactly once",
        not not_once,
        f"{len(run.registered)} accepted, {len(not_once)} not stored once "
        f"({', '.join(not_once[:3])}); {unanswered} stored without a 303 seen",
    ))  # fmt: skip

    standing = {row.id: (row.public_id, row.scope_key) for row in first_checkins}
    accepted = [scan for scan in run.answers if scan.result == "ok"]
    missing = [
        scan for scan in accepted
        if standing.get(scan.checkin_id) != (scan.public_id, scope_key(scan.scope))
    ]  # fmt: skip
    checks.append((
        "each accepted check-in stored and standing",
        not missing,
        f"{len(accepted)} accepted, {len(missing)} missing, undone or misplaced",
    ))  # fmt: skip

    stored_twice = [place for place, n in Counter(standing.values()).items() if n > 1]
    answered_twice = [
        place for place, n in Counter((s.public_id, s.scope) for s in accepted).items() if n > 1
    ]
    checks.append((
        "no badge has two first check-ins at one place",
        not stored_twice and not answered_twice,
        f"{len(stored_twice)} places with two stored, {len(answered_twice)} answered ok twice",
    ))  # fmt: skip
    return checks


def mix_weights(value: str) -> dict[str, int]:
    """`programme=30,checkin=35`: a weight per kind, the ones left out being 0."""
    weights = dict.fromkeys(KINDS, 0)
    try:
        for part in value.split(","):
            kind, weight = part.split("=")
            if kind.strip() not in weights:
                raise ValueError(kind)
            weights[kind.strip()] = int(weight)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"expected kind=weight,… with kinds {', '.join(KINDS)}"
        ) from error
    if min(weights.values()) < 0 or not any(weights.values()):
        raise argparse.ArgumentTypeError("weights are whole numbers ≥ 0, not all 0")
    return weights


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """The docstring as written, and each option's default."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("--clients", type=int, default=40, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=30, help="how long they run")
    parser.add_argument("--delegates", type=int, default=400,
                        help="confirmed delegates with badges and personal links")  # fmt: skip
    parser.add_argument(
        "--mix", type=mix_weights, default="programme=30,register=10,manage=25,checkin=35",
        help="weights of the actions: programme, register, manage, checkin",
    )  # fmt: skip
    parser.add_argument("--double", type=float, default=0.1,
                        help="share of places where two desks scan the same badge")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=5080, help="gunicorn's port on 127.0.0.1")
    parser.add_argument("--seed", type=int, default=None, help="for a repeatable scan plan")
    parser.add_argument("--postgresql", default=POSTGRESQL,
                        help="a server where a scratch database may be created")  # fmt: skip
    args = parser.parse_args()
    if args.clients < 1 or args.delegates < 1 or args.seconds <= 0 or not 0 <= args.double <= 1:
        parser.error("--clients and --delegates ≥ 1, --seconds > 0, --double within 0…1")
    random.seed(args.seed)
    with scratch_postgresql(args.postgresql) as url:
        fixture = prepare(url, args.delegates)
        run = Run(fixture, scan_plan(fixture, args.double, random.Random(args.seed)))
        server = serve("wsgi:app", url, args.port, args.workers, args.threads)
        try:
            cpu = time.process_time()
            wall = asyncio.run(
                drive(f"http://127.0.0.1:{args.port}", run, args.clients, args.seconds, args.mix)
            )
            cpu = time.process_time() - cpu
        finally:
            server.terminate()
            server.wait()
        report(run, wall, cpu)
        checks = verify(url, run)
    for name, passed, detail in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}")
    sys.exit(0 if all(passed for _name, passed, _detail in checks) else 1)


if __name__ == "__main__":
    main()
