"""A local Bot API server for tests and the offline demo.

It answers the Bot API methods Ordergram uses, enforces Telegram's documented limits with
Telegram's error bodies, records every call, and lets a Python driver act as users.
Point the bot at it with ``TELEGRAM_API_URL``, exactly like a self-hosted Bot API server.
"""

from sandbox.driver import SandboxGroup, SandboxUser
from sandbox.server import SandboxServer

__all__ = ["SandboxGroup", "SandboxServer", "SandboxUser"]
