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
from confreg.organiser.models import DelegateImport, Mailing
from confreg.registration.models import Invitation, Registration

__all__ = [
    "ApiToken",
    "AuditEntry",
    "CheckIn",
    "DelegateImport",
    "Enrolment",
    "Event",
    "EventRole",
    "EventSigningKey",
    "Invitation",
    "LoginFailure",
    "Mailing",
    "OutboxMessage",
    "ProgrammeSession",
    "Registration",
    "RegistrationPhoto",
    "Room",
    "SessionInvitation",
    "StaffUser",
    "Track",
]
