"""The composition root: configuration, dispatcher wiring, middlewares, update inbox, notifier, HTTP API, CLI, demo."""

from bot.aiogram_types import install as _defer_aiogram_type_builds

_defer_aiogram_type_builds()  # before any module of this package imports aiogram (see bot/aiogram_types.py)
