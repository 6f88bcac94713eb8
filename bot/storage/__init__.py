"""Storage: the database engine, table definitions and Alembic migrations."""
