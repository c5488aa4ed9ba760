"""The schema comes only from migrations, and they match the models, both ways."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from remedy.extensions import db
from tests.conftest import DATABASE_URL, ON_POSTGRES


def _migrations_env():
    """migrations/env.py's helpers, without running it as Alembic would."""
    import ast
    from pathlib import Path
    from types import ModuleType

    source = (Path(__file__).resolve().parents[1] / "migrations" / "env.py").read_text()
    tree = ast.parse(source)
    module = ModuleType("migrations_env")
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "include_object"]
    exec(compile(ast.Module(body=functions, type_ignores=[]), "env.py", "exec"), module.__dict__)
    return module


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": _migrations_env().include_object})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_go_down_and_up_again(make_app, instance_dir):
    if ON_POSTGRES:
        # Named after the test database, so that two runs on other databases do not collide.
        test_database = sa.engine.make_url(DATABASE_URL).database
        scratch_name = f"{test_database}_migrations"
        url = sa.engine.make_url(DATABASE_URL).set(database=scratch_name)
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{scratch_name}"'))
        admin.dispose()
        url = url.render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{instance_dir / 'migrations.db'}"
    scratch = make_app(DATABASE_URL=url)
    with scratch.app_context():
        upgrade()
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "complaints" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
