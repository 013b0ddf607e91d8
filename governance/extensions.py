"""Flask extensions, created unbound and initialised in the app factory."""

import json

from flask import g, has_request_context
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api, Blueprint
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from webargs.flaskparser import FlaskParser

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class JSONParser(FlaskParser):
    """webargs' parser, answering a body Python cannot read as JSON (say, an integer of more than 4,300
    digits, which json refuses with a plain ValueError) with the same 400 as any malformed JSON."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise
        except ValueError as error:
            raise json.JSONDecodeError(
                str(error), "<request body>", 0
            ) from error  # a non-empty doc: not "missing"


# Every flask-smorest blueprint, the features' included, parses its arguments with it.
Blueprint.ARGUMENTS_PARSER = JSONParser()


class RoundtableApi(Api):
    """flask-smorest's Api, minus its app-wide error handler: errors are mapped once in `governance.errors`."""

    def _register_error_handlers(self):
        pass


COMMITTED_FLAG = "_roundtable_committed"


class HandsOnAfterCommit:
    """A Session mixin: once a commit has completed (and the session can be used again), the outbox rows it
    made permanent are handed on (`governance.outbox`): mail and jobs leave only after their change stands."""

    def commit(self) -> None:
        super().commit()  # type: ignore[misc]
        if has_request_context():
            g.setdefault(COMMITTED_FLAG, True)  # an error page after this must not say "nothing was saved"
        from governance.outbox import hand_on_committed

        hand_on_committed(self)  # type: ignore[arg-type]


class AppSession(HandsOnAfterCommit, FlaskSession):
    pass


db = SQLAlchemy(model_class=Base, session_options={"class_": AppSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
api = RoundtableApi()
