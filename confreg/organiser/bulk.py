"""Actions an organiser applies to many delegates at once, each recorded in the
delegate's history as if it had been taken one by one."""

from dataclasses import dataclass

from sqlalchemy import select

from confreg.events.models import Event
from confreg.extensions import db
from confreg.organiser.delegate_filter import DelegateFilter
from confreg.registration import service as registration_service
from confreg.registration.models import Registration

#: Changes of status offered for a selection, as stable codes.
STATUS_ACTIONS = ("approve", "waitlist", "reject")


@dataclass(frozen=True)
class BulkOutcome:
    #: Delegates changed.
    done: int
    #: Delegates left as they were, their status not allowing the action.
    skipped: int


def matching_registrations(event: Event, delegate_filter: DelegateFilter):
    """Registrations passing the filter, oldest first (the order a waiting list keeps)."""
    return (
        select(Registration)
        .where(*delegate_filter.conditions(event))
        .order_by(Registration.created_at, Registration.id)
    )


def change_status(
    event: Event, delegate_filter: DelegateFilter, action: str, staff_user, reason: str = ""
) -> BulkOutcome:
    """Approve, move to the waiting list or reject every delegate the filter selects,
    one transaction per delegate, so that capacity and e-mails work as for one."""
    if action not in STATUS_ACTIONS:
        raise ValueError(action)
    ids = db.session.scalars(
        matching_registrations(event, delegate_filter).with_only_columns(Registration.id)
    ).all()
    done = skipped = 0
    for registration_id in ids:
        registration = db.session.get(Registration, registration_id)
        try:
            if action == "approve":
                registration_service.approve(registration, staff_user)
            elif action == "waitlist":
                registration_service.move_to_waitlist(registration, staff_user)
            else:
                registration_service.reject(registration, reason, staff_user)
        except registration_service.NotAllowed:
            skipped += 1
        else:
            done += 1
    return BulkOutcome(done, skipped)
