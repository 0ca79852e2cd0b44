"""Staff accounts, log-in and per-event roles."""
