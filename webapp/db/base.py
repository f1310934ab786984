"""The declarative base, and the extensions that hold the database: `db` and `migrate`."""

from typing import TYPE_CHECKING, Any, ClassVar, cast

import sqlalchemy as sa
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Every model maps one Table (none a join or a select), and the statements
    # built on Model.__table__ use it as one.
    __table__: ClassVar[sa.Table]

    # Named constraints, so Alembic can alter them later (SQLite batch mode too).
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# The models' base. db.Model is made at run time, from Base and Flask-SQLAlchemy's
# mixins, which a type checker cannot follow; to it, models derive from Base,
# whose columns, registry and metadata db.Model shares.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def rows_changed(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through the session touched."""
    return cast(sa.CursorResult[Any], result).rowcount
