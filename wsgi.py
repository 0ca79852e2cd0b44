"""WSGI entry point: `flask --app wsgi …`, or a WSGI server's `wsgi:app`."""

from confreg import create_app

app = create_app()
