"""Badges and documents: signed QR tokens, badge PDFs, visa letters, certificates."""

from confreg.badges.service import issue_token, verify_token

__all__ = ["issue_token", "verify_token"]
