"""api_keys.name unique among active keys only: a revoked key's name can be given to a new key

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-05 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("revoked_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("uq_api_keys_name", type_="unique")
    op.create_index(
        "uq_api_keys_active_name", "api_keys", ["name"], unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE
    )


def downgrade() -> None:
    # The old schema keeps one key per name: a revoked key whose name was given again is
    # renamed after its id (it no longer authenticates; the list still shows it).
    op.execute(
        "UPDATE api_keys SET name = SUBSTR(name, 1, 40) || ' (revoked ' || CAST(id AS VARCHAR(12)) || ')' "
        "WHERE revoked_at IS NOT NULL AND EXISTS "
        "(SELECT 1 FROM api_keys AS later WHERE later.name = api_keys.name AND later.id > api_keys.id)"
    )
    op.drop_index("uq_api_keys_active_name", table_name="api_keys")
    with op.batch_alter_table("api_keys") as batch:
        batch.create_unique_constraint("uq_api_keys_name", ["name"])
