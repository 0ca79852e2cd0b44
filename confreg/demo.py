"""The demo conference: the 2nd International Conference on Learning Cities, Mexico
City, 28–30 September 2015, with its programme and a few dozen delegates."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from confreg import audit
from confreg.auth.service import create_or_update_staff_user
from confreg.checkin.models import CheckIn
from confreg.events.models import UNESCO_REGIONS, Event, ProgrammeSession, Room, Track
from confreg.extensions import db
from confreg.registration.models import Registration

SLUG = "iclc-2015"
ZONE = ZoneInfo("America/Mexico_City")
DEMO_LOGINS = {
    "organiser": ("organiser@iclc-2015.example", "organiser-demo-2015"),
    "desk": ("desk@iclc-2015.example", "desk-demo-2015"),
}

_REGION_NAMES = {
    "Africa": {"en": "Africa", "es": "África", "fa": "آفریقا"},
    "Arab States": {"en": "Arab States", "es": "Estados Árabes", "fa": "کشورهای عربی"},
    "Asia and the Pacific": {
        "en": "Asia and the Pacific",
        "es": "Asia y el Pacífico",
        "fa": "آسیا و اقیانوسیه",
    },
    "Europe and North America": {
        "en": "Europe and North America",
        "es": "Europa y América del Norte",
        "fa": "اروپا و آمریکای شمالی",
    },
    "Latin America and the Caribbean": {
        "en": "Latin America and the Caribbean",
        "es": "América Latina y el Caribe",
        "fa": "آمریکای لاتین و کارائیب",
    },
}

# given, family, Latin given, Latin family, category, organisation, city, country, locale
# fmt: off
_DELEGATES = [
    ("Αθανάσιος", "Καρπουχτσής", "Athanasios", "Karpouchtsis", "city_official", "Δήμος Σερρών", "Serres", "GR", "en"),
    ("Μαρία", "Παπαδοπούλου", "Maria", "Papadopoulou", "deputy_mayor", "Δήμος Λαρισαίων", "Larissa", "GR", "en"),
    ("علی", "رضایی", "Ali", "Rezaei", "mayor", "شهرداری کرمانشاه", "Kermanshah", "IR", "fa"),
    ("فاطمه", "کریمی", "Fatemeh", "Karimi", "city_official", "شهرداری کرمانشاه", "Kermanshah", "IR", "fa"),
    ("سارا", "احمدی", "Sara", "Ahmadi", "expert_speaker", "دانشگاه تهران", "Tehran", "IR", "fa"),
    ("محمد", "حسینی", "Mohammad", "Hosseini", "city_official", "شهرداری اصفهان", "Isfahan", "IR", "fa"),
    ("Ayşe", "Yılmaz", "", "", "deputy_mayor", "Balıkesir Büyükşehir Belediyesi", "Balıkesir", "TR", "en"),
    ("İbrahim", "Öztürk", "", "", "city_official", "Balıkesir Büyükşehir Belediyesi", "Balıkesir", "TR", "en"),
    ("Олена", "Коваленко", "Olena", "Kovalenko", "city_official", "Мелітопольська міська рада", "Melitopol", "UA", "en"),
    ("Іван", "Шевчук", "Ivan", "Shevchuk", "mayor", "Нікопольська міська рада", "Nikopol", "UA", "en"),
    ("Оксана", "Мельник", "Oksana", "Melnyk", "ngo", "Громадська організація «Освіта для всіх»", "Novoyavorivsk", "UA", "en"),
    ("Jože", "Novak", "", "", "city_official", "Mestna občina Ljubljana", "Ljubljana", "SI", "en"),
    ("Špela", "Kovačič", "", "", "expert_speaker", "Andragoški center Slovenije", "Ljubljana", "SI", "en"),
    ("María José", "Hernández García", "", "", "city_official", "Secretaría de Educación de la Ciudad de México", "Mexico City", "MX", "es"),
    ("José Luis", "Pérez", "", "", "mayor", "Ayuntamiento de Puebla", "Puebla", "MX", "es"),
    ("Ana Lucía", "Gómez", "", "", "deputy_mayor", "Municipalidad de Firmat", "Firmat", "AR", "es"),
    ("Carlos", "Rodríguez", "", "", "expert_speaker", "Universidad de Antioquia", "Medellín", "CO", "es"),
    ("Raúl", "Castillo", "", "", "city_official", "Alcaldía de Masaya", "Masaya", "NI", "es"),
    ("芳", "王", "Fang", "Wang", "city_official", "北京市教育委员会", "Beijing", "CN", "en"),
    ("伟", "李", "Wei", "Li", "expert_speaker", "杭州市社区大学", "Hangzhou", "CN", "en"),
    ("민준", "김", "Minjun", "Kim", "city_official", "수원시청", "Suwon", "KR", "en"),
    ("花子", "山田", "Hanako", "Yamada", "ngo", "岡山ESDプロジェクト", "Okayama", "JP", "en"),
    ("Thị Lan", "Nguyễn", "", "", "city_official", "UBND Thành phố Cao Lãnh", "Cao Lãnh", "VN", "en"),
    ("أحمد", "المنصوري", "Ahmed", "Al Mansouri", "mayor", "بلدية المحرق", "Muharraq", "BH", "en"),
    ("محمد", "حسن", "Mohamed", "Hassan", "city_official", "محافظة الشرقية", "Sharkia", "EG", "en"),
    ("Amina", "Diallo", "", "", "ngo", "Réseau des villes apprenantes du Sénégal", "Dakar", "SN", "en"),
    ("Ngozi", "Okafor", "", "", "expert_speaker", "University of Ibadan", "Ibadan", "NG", "en"),
    ("Dawit", "Bekele", "", "", "city_official", "Bahir Dar City Administration", "Bahir Dar", "ET", "en"),
    ("Emma", "Müller", "", "", "city_official", "Landeshauptstadt Dresden", "Dresden", "DE", "en"),
    ("Sophie", "Dubois", "", "", "deputy_mayor", "Ville de Liège", "Liège", "BE", "en"),
    ("Lars", "Sørensen", "", "", "private_sector", "Sønderborg Learning Lab ApS", "Sønderborg", "DK", "en"),
    ("João", "Silva", "", "", "city_official", "Câmara Municipal do Fundão", "Fundão", "PT", "en"),
    ("Siobhán", "Ní Bhriain", "", "", "expert_speaker", "Cork Learning City Forum", "Cork", "IE", "en"),
    ("Jean-Pierre", "Martin", "", "", "unesco_staff", "UNESCO Institute for Lifelong Learning", "Hamburg", "DE", "en"),
    ("Laura", "Bianchi", "", "", "press", "Rivista Città che Apprendono", "Milan", "IT", "en"),
    ("Kwabena", "", "", "", "international_organisation", "African Union Commission", "Addis Ababa", "ET", "en"),
]
# fmt: on


def load_demo() -> tuple[Event, bool]:
    """Load the demo conference unless it is there; return it and whether it was new."""
    event = db.session.scalar(select(Event).where(Event.slug == SLUG))
    created = event is None
    if created:
        event = _event()
        db.session.add(event)
        db.session.flush()
        _programme(event)
        _delegates(event)
        db.session.commit()
    for role, (email, password) in DEMO_LOGINS.items():
        create_or_update_staff_user(email, password, role, SLUG)
    return event, created


def _event() -> Event:
    return Event(
        slug=SLUG,
        name={
            "en": "2nd International Conference on Learning Cities",
            "es": "Segunda Conferencia Internacional sobre Ciudades del Aprendizaje",
            "fa": "دومین کنفرانس بین‌المللی شهرهای یادگیرنده",
        },
        venue="Mexico City",
        city="Mexico City",
        country="MX",
        timezone="America/Mexico_City",
        starts_on=date(2015, 9, 28),
        ends_on=date(2015, 9, 30),
        default_locale="en",
        contact_email="iclc-2015@example.org",
        capacity=600,
        requires_approval=False,
    )


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2015, 9, day, hour, minute, tzinfo=ZONE)


def _programme(event: Event) -> None:
    plenary = Track(
        event=event,
        kind="plenary",
        name={"en": "Plenary", "es": "Plenaria", "fa": "نشست عمومی"},
        colour="#1b4f72",
        position=0,
    )
    mayors = Track(
        event=event,
        kind="mayors_forum",
        name={"en": "Mayors' forum", "es": "Foro de alcaldes", "fa": "مجمع شهرداران"},
        colour="#7d3c98",
        position=6,
    )
    regional_colours = ("#b9770e", "#1e8449", "#c0392b", "#2874a6", "#af601a")
    regions = [
        Track(
            event=event,
            kind="regional",
            name=_REGION_NAMES[region],
            colour=colour,
            position=position,
        )
        for position, (region, colour) in enumerate(
            zip(UNESCO_REGIONS, regional_colours, strict=True), start=1
        )
    ]
    hall = Room(event=event, name="Main hall", capacity=1200)
    salons = [Room(event=event, name=f"Salón {letter}", capacity=150) for letter in "ABCDE"]
    mayors_room = Room(event=event, name="Sala de Cabildo", capacity=80)
    db.session.add_all([plenary, mayors, *regions, hall, *salons, mayors_room])

    def plenary_session(start, minutes, en, es, fa=None):
        title = {"en": en, "es": es} | ({"fa": fa} if fa else {})
        return ProgrammeSession(
            event=event, track=plenary, room=hall, title=title, starts_at=start,
            ends_at=start + timedelta(minutes=minutes), languages=["en", "es"],
            interpreted_into=["en", "es", "fr", "ar", "zh", "ru"],
        )  # fmt: skip

    sessions = [
        plenary_session(_at(28, 9), 90, "Opening ceremony", "Ceremonia de apertura", "مراسم افتتاحیه"),
        plenary_session(_at(28, 11), 90, "Building sustainable learning cities", "Construir ciudades del aprendizaje sostenibles"),
        plenary_session(_at(29, 9), 90, "Learning cities and the 2030 Agenda", "Las ciudades del aprendizaje y la Agenda 2030"),
        plenary_session(_at(30, 9), 90, "Adoption of the Mexico City Statement", "Adopción de la Declaración de la Ciudad de México"),
        plenary_session(_at(30, 11), 90, "Learning City Awards and closing", "Premios Ciudad del Aprendizaje y clausura", "جوایز شهر یادگیرنده و اختتامیه"),
    ]  # fmt: skip
    for day, hour, theme_en, theme_es in (
        (28, 14, "Regional session I: learning for all", "Sesión regional I: aprendizaje para todos"),
        (29, 11, "Regional session II: monitoring progress", "Sesión regional II: seguimiento del progreso"),
    ):  # fmt: skip
        for track, room in zip(regions, salons, strict=True):
            sessions.append(
                ProgrammeSession(
                    event=event, track=track, room=room,
                    title={"en": f"{theme_en} ({track.name['en']})", "es": f"{theme_es} ({track.name['es']})"},
                    starts_at=_at(day, hour), ends_at=_at(day, hour) + timedelta(minutes=90), capacity=150,
                    languages=["en"], interpreted_into=["es"],
                )
            )  # fmt: skip
    for day, hour, en, es in (
        (28, 16, "Mayors' forum: city leadership for lifelong learning", "Foro de alcaldes: liderazgo municipal para el aprendizaje a lo largo de la vida"),
        (29, 14, "Mayors' forum: financing learning cities", "Foro de alcaldes: financiar las ciudades del aprendizaje"),
    ):  # fmt: skip
        sessions.append(
            ProgrammeSession(
                event=event, track=mayors, room=mayors_room, title={"en": en, "es": es},
                starts_at=_at(day, hour), ends_at=_at(day, hour) + timedelta(minutes=90),
                eligible_categories=["mayor", "deputy_mayor"], languages=["en", "es"],
                interpreted_into=["en", "es"],
            )
        )  # fmt: skip
    db.session.add_all(sessions)


def _delegates(event: Event) -> None:
    registered = datetime(2015, 6, 1, 15, 0, tzinfo=ZONE)
    for number, row in enumerate(_DELEGATES):
        given, family, latin_given, latin_family, category, organisation, city, country, locale = (
            row
        )
        moment = registered + timedelta(hours=7 * number)
        email = f"{(latin_given or given).split()[0].lower()}.{number}@delegates.example"
        registration = Registration(
            event=event, status="confirmed", status_changed_at=moment, created_at=moment,
            given_name=given, family_name=family, latin_given_name=latin_given,
            latin_family_name=latin_family, email=email, email_key=email, category=category,
            organisation=organisation, city=city, country=country, preferred_locale=locale,
            privacy_consent_at=moment,
        )  # fmt: skip
        registration.refresh_search_text()
        db.session.add(registration)
        db.session.flush()
        audit.record(registration, "registered", "delegate", at=moment, status="confirmed")
        if number % 3:  # two in three have arrived on the first morning
            arrival = _at(28, 8, 5) + timedelta(minutes=4 * number)
            db.session.add(
                CheckIn(event=event, registration=registration, scanned_at=arrival,
                        recorded_at=arrival, desk=("Entrance A", "Entrance B")[number % 2],
                        nonce=f"demo-{number}", result="ok")
            )  # fmt: skip
