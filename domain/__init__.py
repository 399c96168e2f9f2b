"""Ordergram's business core: entities, value objects, policies, use cases and ports.

Pure Python: nothing here imports aiogram, SQLAlchemy, aiohttp or APScheduler
(``tests/unit/test_architecture.py`` enforces it).
"""
