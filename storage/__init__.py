"""Persistence: SQLAlchemy 2 async tables, repositories, the unit of work, migrations."""
