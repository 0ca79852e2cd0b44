"""Every model, imported in one place so that Alembic and the app see all tables."""

from confreg.audit import AuditEntry
from confreg.auth.models import EventRole, StaffUser
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
    "AuditEntry",
    "Enrolment",
    "Event",
    "EventRole",
    "OutboxMessage",
    "ProgrammeSession",
    "Registration",
    "Room",
    "SessionInvitation",
    "StaffUser",
    "Track",
]
