"""Markdown is rendered and sanitised once, when it is written: the HTML is stored beside the source of
proposals (summary and body), their revisions and comments, and pages show the stored HTML.

Existing rows are rendered here with the renderer of today (governance.markdown). A later change of the
renderer's allow-list re-renders the same way, in a migration of its own.

Revision ID: 3bd31e694ce4
Revises: 673a3a6151c1
Create Date: 2026-12-02 03:46:00

"""
import sqlalchemy as sa
from alembic import op

from governance.markdown import render

# revision identifiers, used by Alembic.
revision = '3bd31e694ce4'
down_revision = '673a3a6151c1'
branch_labels = None
depends_on = None

COLUMNS = {
    'proposals': ('summary', 'body'),
    'proposal_revisions': ('summary', 'body'),
    'proposal_comments': ('body',),
}
BATCH = 500


def upgrade():
    for table, sources in COLUMNS.items():
        for source in sources:
            op.add_column(table, sa.Column(f'{source}_html', sa.Text(), server_default='', nullable=False))
        _fill(table, sources)


def downgrade():
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not batch mode's copy of the table: dropping
    # the old proposals table with foreign keys on would cascade to its comments and revisions.
    for table, sources in COLUMNS.items():
        for source in sources:
            op.drop_column(table, f'{source}_html')


def _fill(table_name: str, sources: tuple[str, ...]) -> None:
    """Render every row's Markdown, a batch of rows at a time, in id order."""
    table = sa.table(
        table_name, sa.column('id'), *(sa.column(s) for s in sources), *(sa.column(f'{s}_html') for s in sources)
    )
    bind, last = op.get_bind(), 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, *(table.c[s] for s in sources))
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            html = {f'{s}_html': str(render(getattr(row, s))) for s in sources}
            bind.execute(sa.update(table).where(table.c.id == row.id).values(**html))
        last = rows[-1].id
