"""Alembic environment: the app's engine and metadata; batch mode so SQLite can alter tables."""
from alembic import context

from lms.core.db import db

config = context.config
app = config.attributes["flask_app"]
only_prefix = config.attributes.get("only_prefix")


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and only_prefix:
        return name.startswith(only_prefix)
    return True


with app.app_context():
    engine = db.engine
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, render_as_batch=True,
                          include_object=include_object, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
