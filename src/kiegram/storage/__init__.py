"""Persistence: SQLAlchemy 2 async models, the engine factory, repositories, migrations."""
