"""Delegate registration, self-service, approval and waitlists."""
