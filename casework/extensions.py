"""The Flask extensions, created once and bound in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations name things the same on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def for_dialect(dialect: str):
    """Marks a schema item that exists on one database only (`info`), so
    autogenerate on the others leaves it out (see `include_in_migrations`)."""
    return {"only_on": dialect}


def include_in_migrations(dialect: str):
    """An Alembic `include_object` hook honouring `for_dialect`."""

    def include(obj, name, type_, reflected, compare_to):
        only_on = getattr(obj, "info", {}).get("only_on")
        return only_on is None or only_on == dialect

    return include


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
