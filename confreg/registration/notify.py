"""E-mail to one delegate: in their own language, with their personal link."""

from typing import Any

from confreg.mail import queue_mail
from confreg.registration.links import manage_url


def notify_delegate(registration, template: str, **context: Any) -> None:
    """Queue `templates/mail/<template>.txt` for the delegate in the current transaction;
    an erased delegate has no address left to write to."""
    if registration.erased_at is not None:
        return
    queue_mail(
        template,
        registration.email,
        registration.preferred_locale,
        event_id=registration.event_id,
        registration=registration,
        event=registration.event,
        manage_url=manage_url(registration),
        **context,
    )
