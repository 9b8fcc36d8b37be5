"""calendar feeds stored hashed, version checks on assignment

Revision ID: 0015_feeds_and_versions
Revises: 0014_access_review
Create Date: 2026-11-23

Calendar feed tokens are kept as their SHA-256 from now on. Existing tokens
are hashed in place, so the addresses people already subscribed to keep
working; a downgrade cannot recover a token from its hash, so it revokes
every feed (their owners make new addresses).
"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0015_feeds_and_versions'
down_revision = '0014_access_review'
branch_labels = None
depends_on = None

feeds = sa.table(
    'calendar_feeds',
    sa.column('id', sa.Integer),
    sa.column('token', sa.String),
    sa.column('token_hash', sa.String),
    sa.column('revoked_at', sa.DateTime),
)


def upgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    for feed_id, token in conn.execute(sa.select(feeds.c.id, feeds.c.token)).all():
        digest = hashlib.sha256(token.encode()).hexdigest()
        conn.execute(feeds.update().where(feeds.c.id == feed_id).values(token_hash=digest))
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f('uq_calendar_feeds_token_hash'), ['token_hash']
        )
        batch_op.drop_constraint(batch_op.f('uq_calendar_feeds_token'), type_='unique')
        batch_op.drop_column('token')


def downgrade():
    # A hash gives no token back: every feed stops, under a placeholder token.
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    conn.execute(
        feeds.update()
        .where(feeds.c.revoked_at.is_(None))
        .values(revoked_at=sa.func.current_timestamp())
    )
    conn.execute(feeds.update().values(token=sa.func.substr(feeds.c.token_hash, 1, 64)))
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.alter_column('token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_calendar_feeds_token'), ['token'])
        batch_op.drop_constraint(batch_op.f('uq_calendar_feeds_token_hash'), type_='unique')
        batch_op.drop_column('token_hash')
