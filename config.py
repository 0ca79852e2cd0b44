"""Configuration classes; every setting can be overridden from the environment."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The configured key, or, outside production, one generated once and kept under
    instance/ so that manage links and sessions survive a restart of a demo."""
    if key := os.environ.get("CONFREG_SECRET_KEY"):
        return key
    if os.environ.get("CONFREG_ENV") == "production":
        # Several servers must share one key, and it must survive a redeploy.
        raise RuntimeError("CONFREG_SECRET_KEY must be set when CONFREG_ENV=production")
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "CONFREG_DATABASE_URL", f"sqlite:///{INSTANCE / 'confreg.sqlite'}"
    )
    #: Statement parameters (passport numbers among them) stay out of error messages and logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    #: Links in e-mails are built from this, never from the request's Host header.
    BASE_URL = os.environ.get("CONFREG_BASE_URL", "http://127.0.0.1:5000")
    #: Locales with a UI catalogue; an event offers a subset of them.
    LOCALES = ("en", "fr", "es", "ar", "zh", "ru", "el", "fa", "tr", "uk", "sl")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")

    #: A form stays valid as long as the browser session lasts: a delegate may take
    #: an hour over the registration form.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("CONFREG_SECURE_COOKIES", False)
    REMEMBER_COOKIE_SAMESITE = "Lax"

    #: Days a manage link in an e-mail stays valid; a new one can be requested.
    MANAGE_LINK_MAX_AGE_DAYS = int(os.environ.get("CONFREG_MANAGE_LINK_MAX_AGE_DAYS", "180"))
    #: A lost-link request for the same registration is answered at most this often.
    MANAGE_LINK_RESEND_SECONDS = int(os.environ.get("CONFREG_MANAGE_LINK_RESEND_SECONDS", "60"))
    DELEGATES_PER_PAGE = 50
    #: Forms carry text only; a larger request is refused before it is read.
    MAX_CONTENT_LENGTH = 256 * 1024

    #: "smtp" sends through CONFREG_MAIL_SERVER; "log" writes each message to the
    #: application log (the demo's mode). Without a server configured, "log".
    MAIL_BACKEND = os.environ.get(
        "CONFREG_MAIL_BACKEND", "smtp" if os.environ.get("CONFREG_MAIL_SERVER") else "log"
    )
    MAIL_SERVER = os.environ.get("CONFREG_MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("CONFREG_MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("CONFREG_MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("CONFREG_MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("CONFREG_MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("CONFREG_MAIL_USE_SSL", False)
    MAIL_TIMEOUT = float(os.environ.get("CONFREG_MAIL_TIMEOUT", "10"))
    MAIL_SENDER = os.environ.get("CONFREG_MAIL_SENDER", "confreg <no-reply@localhost>")
    #: Attempts before a message is marked failed; retries back off exponentially.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("CONFREG_MAIL_MAX_ATTEMPTS", "8"))
    MAIL_RETRY_BASE_SECONDS = int(os.environ.get("CONFREG_MAIL_RETRY_BASE_SECONDS", "30"))
    #: Deliver queued mail right after the response that queued it; a worker
    #: (`flask confreg send-mail --loop`) takes care of retries either way.
    MAIL_DELIVER_AFTER_REQUEST = _env_bool("CONFREG_MAIL_DELIVER_AFTER_REQUEST", True)

    #: Rate limits per client address (a venue's network puts many delegates behind one
    #: address, hence the generous figures). Counters live in memory, per process, unless
    #: CONFREG_RATELIMIT_STORAGE_URI names a shared store such as redis://127.0.0.1:6379.
    RATELIMIT_ENABLED = _env_bool("CONFREG_RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("CONFREG_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    REGISTRATION_RATE_LIMIT = "30/minute;300/hour"
    LOST_LINK_RATE_LIMIT = "5/minute;30/hour"
    LOGIN_RATE_LIMIT = "10/minute;60/hour"
    #: Per desk credential: a runaway scanner, not a busy desk, hits it.
    CHECKIN_RATE_LIMIT = "6000/minute"

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()


class TestConfig(Config):
    TESTING = True
    SERVER_NAME = None
    BASE_URL = "http://confreg.test"
    MAIL_DELIVER_AFTER_REQUEST = False
    #: Tests send many requests from one address; the rate-limit tests set low limits.
    REGISTRATION_RATE_LIMIT = LOST_LINK_RATE_LIMIT = LOGIN_RATE_LIMIT = "1000000/minute"
    CHECKIN_RATE_LIMIT = "1000000/minute"

    def __init__(self, database_url: str) -> None:
        self.SECRET_KEY = "test-secret-key"
        self.SQLALCHEMY_DATABASE_URI = database_url
