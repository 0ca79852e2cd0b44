"""Personal links: the signed, expiring key to one registration, sent by e-mail."""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from confreg.events.models import Event
from confreg.extensions import db
from confreg.registration.models import Registration
from confreg.urls import external_url


class InvalidLink(Exception):
    pass


class ExpiredLink(InvalidLink):
    pass


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="confreg.manage-link")


def manage_token(registration: Registration) -> str:
    return _serializer().dumps(registration.public_id)


def manage_url(registration: Registration) -> str:
    return external_url(
        "registration.manage", slug=registration.event.slug, token=manage_token(registration)
    )


def registration_for_token(event: Event, token: str) -> Registration:
    """The registration a manage link stands for; InvalidLink or ExpiredLink otherwise."""
    max_age = timedelta(days=current_app.config["MANAGE_LINK_MAX_AGE_DAYS"])
    try:
        public_id = _serializer().loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise ExpiredLink from error
    except BadSignature as error:
        raise InvalidLink from error
    registration = db.session.scalar(
        select(Registration).where(
            Registration.public_id == public_id, Registration.event_id == event.id
        )
    )
    if registration is None or registration.erased_at is not None:
        raise InvalidLink  # an erased delegate's link opens nothing
    return registration
