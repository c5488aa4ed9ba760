"""full-text search of complaints, for the caseworkers' queue

PostgreSQL: a generated tsvector column with a GIN index. SQLite: an FTS5 table kept in step
by triggers. Neither is mapped in the models (the queue reaches them with SQL): see
`remedy.cases.queries._text_match`, and `include_object` in env.py, which keeps
autogenerate from wanting to drop them.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE complaints ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(narrative, ''))) STORED"
        )
        op.execute("CREATE INDEX ix_complaints_search_vector ON complaints USING GIN (search_vector)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE complaints_fts USING fts5("
        "title, narrative, content='complaints', content_rowid='id', tokenize='unicode61')"
    )
    op.execute("INSERT INTO complaints_fts (rowid, title, narrative) "
               "SELECT id, title, narrative FROM complaints")
    op.execute(
        "CREATE TRIGGER complaints_fts_insert AFTER INSERT ON complaints BEGIN "
        "INSERT INTO complaints_fts (rowid, title, narrative) VALUES (new.id, new.title, new.narrative); END"
    )
    op.execute(
        "CREATE TRIGGER complaints_fts_delete AFTER DELETE ON complaints BEGIN "
        "INSERT INTO complaints_fts (complaints_fts, rowid, title, narrative) "
        "VALUES ('delete', old.id, old.title, old.narrative); END"
    )
    op.execute(
        "CREATE TRIGGER complaints_fts_update AFTER UPDATE OF title, narrative ON complaints BEGIN "
        "INSERT INTO complaints_fts (complaints_fts, rowid, title, narrative) "
        "VALUES ('delete', old.id, old.title, old.narrative); "
        "INSERT INTO complaints_fts (rowid, title, narrative) VALUES (new.id, new.title, new.narrative); END"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_complaints_search_vector")
        op.execute("ALTER TABLE complaints DROP COLUMN IF EXISTS search_vector")
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS complaints_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS complaints_fts")
