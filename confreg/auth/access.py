"""Per-event role checks for staff pages."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from confreg.events.service import event_or_404


def event_role_required(*roles: str):
    """The view takes `slug`; the logged-in user must hold one of `roles` at that
    event. The view is called with the event instead of the slug."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(slug: str, **kwargs):
            event = event_or_404(slug)
            if not any(current_user.has_role(event.id, role) for role in roles):
                abort(403)
            return view(event, **kwargs)

        return wrapped

    return decorator
