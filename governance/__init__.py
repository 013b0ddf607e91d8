"""Roundtable: networks of co-operatives decide together, pledge, and sign joint agreements."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nothing imported here: `governance.texts` is used where Flask is not
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """The application factory: configuration from the environment, then any overrides (tests)."""
    from flask import Flask

    from governance import config

    app = Flask(
        "roundtable",
        instance_path=str(config.instance_path(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(config.load(Path(app.instance_path)))
    app.config.update(overrides or {})
    config.fit_engine_options(app.config)
    from governance.database import IdConverter

    app.url_map.converters["int"] = IdConverter
    _configure_logging(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    from governance import error_handlers, headers, request_checks, templating

    error_handlers.register(app)
    headers.register(app)
    request_checks.register(app)
    templating.register(app)
    return app


def _configure_logging(app: Flask) -> None:
    from governance import log_redaction
    from governance.ops import logs

    logs.configure(app)
    log_redaction.install()


def _init_extensions(app: Flask) -> None:
    from flask_smorest.spec.plugins import integerconverter2paramschema

    from governance import auth, i18n, outbox  # noqa: F401 - the outbox's table and hand-on join the app
    from governance.database import IdConverter, configure_engines
    from governance.extensions import api, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    configure_engines(app)
    i18n.init(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    auth.init_login(login_manager)
    api.init_app(app)
    api.register_converter(IdConverter, integerconverter2paramschema)


def _register_blueprints(app: Flask) -> None:
    from governance import ops
    from governance.agreements import register as register_agreements
    from governance.api import register_api
    from governance.auth.views import bp as auth_bp
    from governance.meetings import register as register_meetings
    from governance.notifications import register as register_notifications
    from governance.views import bp as main_bp
    from proposals import register as register_proposals
    from proposals.pledging import register as register_pledging
    from voting import register as register_voting

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    register_proposals(app)
    register_voting(app)
    register_pledging(app)  # after voting: a read closes a due vote before it settles the campaign
    register_meetings(app)
    register_notifications(app)
    register_agreements(app)  # after pledging: it draws on committed campaigns
    register_api(app)
    ops.register(app)


def _register_commands(app: Flask) -> None:
    from governance.cli import register
    from governance.i18n import register_commands as register_translation_commands
    from governance.jobs import start_scheduler_on_first_request

    register(app)
    register_translation_commands(app)
    start_scheduler_on_first_request(app)
