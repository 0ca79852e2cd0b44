"""Every model, imported in one place so that Alembic and the app see all tables."""

from confreg.audit import AuditEntry
from confreg.auth.models import ApiToken, EventRole, LoginFailure, StaffUser
from confreg.badges.models import EventSigningKey, RegistrationPhoto
from confreg.checkin.models import CheckIn
from confreg.events.models import (
    Enrolment,
    Event,
    ProgrammeSession,
    Room,
    SessionInvitation,
    Track,
)
from confreg.mail import OutboxMessage
from confreg.registration.models import Registration

__all__ = [
    "ApiToken",
    "AuditEntry",
    "CheckIn",
    "Enrolment",
    "Event",
    "EventRole",
    "EventSigningKey",
    "LoginFailure",
    "OutboxMessage",
    "ProgrammeSession",
    "Registration",
    "RegistrationPhoto",
    "Room",
    "SessionInvitation",
    "StaffUser",
    "Track",
]
