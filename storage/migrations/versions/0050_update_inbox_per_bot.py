"""update_inbox keyed by bot id and update id: another bot token's update ids start again at 1

The rows already there get bot id 0: the first bot that opens the inbox after the upgrade (the
one the shop runs on) adopts them (``storage.inbox``), so it still knows what it took.

Revision ID: 0050
Revises: 0049
Create Date: 2026-12-06 08:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0050"
down_revision: str | None = "0049"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("update_inbox", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("bot_id", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.drop_constraint("pk_update_inbox", type_="primary")
        batch_op.create_primary_key("pk_update_inbox", ["bot_id", "update_id"])
    with op.batch_alter_table("update_inbox") as batch_op:
        batch_op.alter_column("bot_id", server_default=None, existing_type=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    # One bot's rows are all the old key can hold: the other bots' updates are forgotten (at
    # worst one of them delivered again within a day is handled again).
    bots = sa.table("update_inbox", sa.column("bot_id", sa.BigInteger()), sa.column("received_at"))
    newest = sa.select(bots.c.bot_id).order_by(bots.c.received_at.desc()).limit(1).scalar_subquery()
    op.execute(bots.delete().where(bots.c.bot_id != newest))
    with op.batch_alter_table("update_inbox", recreate="always") as batch_op:
        batch_op.drop_constraint("pk_update_inbox", type_="primary")
        batch_op.drop_column("bot_id")
        batch_op.create_primary_key("pk_update_inbox", ["update_id"])
