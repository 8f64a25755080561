"""create the read-only role akhbar_reader for SQL users

Revision ID: 5a1e0c7d9b21
Revises: 372bc01f3706
Create Date: 2026-12-02 08:10:00

``akhbar_reader`` is a NOLOGIN group role: grant it to a login role
(``GRANT akhbar_reader TO alice``) to give read-only SQL access. Roles are
cluster-wide, so the role is created only if missing and kept on downgrade when
another database still grants it privileges. On a managed server where the
migrating user may not create roles, the grant is skipped with a notice.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "5a1e0c7d9b21"
down_revision: str | None = "372bc01f3706"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'akhbar_reader') THEN
                BEGIN
                    CREATE ROLE akhbar_reader NOLOGIN;
                EXCEPTION WHEN insufficient_privilege THEN
                    RAISE NOTICE 'no privilege to create role akhbar_reader; skipped';
                    RETURN;
                END;
            END IF;
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO akhbar_reader', current_database());
            GRANT USAGE ON SCHEMA public TO akhbar_reader;
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO akhbar_reader;
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO akhbar_reader;
        END
        $$;
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'akhbar_reader') THEN
                ALTER DEFAULT PRIVILEGES IN SCHEMA public
                    REVOKE SELECT ON TABLES FROM akhbar_reader;
                REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM akhbar_reader;
                REVOKE USAGE ON SCHEMA public FROM akhbar_reader;
                EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM akhbar_reader',
                               current_database());
                BEGIN
                    DROP ROLE akhbar_reader;
                EXCEPTION WHEN dependent_objects_still_exist THEN
                    RAISE NOTICE 'akhbar_reader still has privileges in another database; kept';
                END;
            END IF;
        END
        $$;
        """
    )
