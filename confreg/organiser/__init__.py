"""The organisers' console: dashboard, delegate list, approvals, event settings."""
