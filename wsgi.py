"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from governance import create_app

app = create_app()
