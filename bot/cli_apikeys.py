"""``ordergram apikey``: the intake API's keys created (shown once), listed and revoked."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.config import Settings
from domain.apikeys import Scope, parse_scopes
from domain.errors import DomainError


async def apikey(
    settings: Settings, action: str, name: str, scopes: Sequence[str] = (), carriers: Sequence[str] = ()
) -> int:
    from bot.runtime import open_database
    from domain.ports import SystemClock
    from domain.usecases.api_keys import api_keys, create_api_key, revoke_api_key
    from storage.uow import SqlUnitOfWork

    if action != "list" and not name:
        print(f"ordergram apikey {action}: give the key's NAME", file=sys.stderr)
        return 2
    engine, sessions = await open_database(settings)
    uow = SqlUnitOfWork(sessions)
    try:
        if action == "create":
            try:
                token, key = await create_api_key(
                    uow, SystemClock(), name=name, scopes=parse_scopes(scopes), carriers=frozenset(carriers)
                )
            except DomainError as error:
                print(f"ordergram apikey create: {error}", file=sys.stderr)
                return 1
            print(token)
            reports = f" for carriers {', '.join(sorted(key.carriers))}" if key.carriers else ""
            print(
                f"API key {name!r} created with scopes {_scopes(key.scopes)}{reports}; it is shown only now.",
                file=sys.stderr,
            )
            return 0
        if action == "revoke":
            if not await revoke_api_key(uow, SystemClock(), name=name):
                print(f"ordergram apikey revoke: no active API key named {name!r}", file=sys.stderr)
                return 1
            print(f"API key {name!r} revoked")
            return 0
        for key in await api_keys(uow):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            line = f"{key.name}\tog_{key.prefix}_…\t{_scopes(key.scopes)}\tcreated {key.created_at:%Y-%m-%d}\t{state}"
            if Scope.CARRIER in key.scopes:  # an old carrier key names none: it is refused until replaced
                named = ", ".join(sorted(key.carriers)) or "none (refused: make a new key with --carrier)"
                line += f"\tcarriers {named}"
            print(line)
        return 0
    finally:
        await engine.dispose()


def _scopes(scopes: frozenset[Scope]) -> str:
    return ",".join(scope.value for scope in Scope if scope in scopes)
