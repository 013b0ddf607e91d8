"""A person's locale (language and the way dates, numbers and money are written) is theirs to choose.

Until now every person had 'en-GB' whether or not they chose it. It becomes a Babel identifier ('es_AR') or
'', which means "not chosen yet: follow the browser" and is filled from the browser on the next sign-in.
(An empty string rather than NULL: making the column nullable would rebuild the people table on SQLite,
and with it the expression index that keeps emails unique whatever their case.)

Revision ID: 5e0c8a7d61f2
Revises: 7c1e5a9d0b42
Create Date: 2026-12-02 06:30:00

"""
from alembic import op

revision = '5e0c8a7d61f2'
down_revision = '7c1e5a9d0b42'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE people SET locale = '' WHERE locale = 'en-GB'")


def downgrade():
    op.execute("UPDATE people SET locale = 'en-GB' WHERE locale = ''")
