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
            # Said because `run` (what the service unit starts) has no API: a key made for it was refused nowhere.
            print(
                "It works with the intake API, which `ordergram serve` runs (`ordergram run` has none): "
                f"{_api_address(settings)} (OpenAPI at /api/v1/openapi.json); send it as `Authorization: Bearer og_…`",
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


def _api_address(settings: Settings) -> str:
    """Where serve answers the API: the public address (WEBAPP_URL, serve's) when set, else where it listens."""
    base = settings.webapp_url or f"http://{settings.webhook_host}:{settings.webhook_port}"
    return f"{base}/api/v1"


def _scopes(scopes: frozenset[Scope]) -> str:
    return ",".join(scope.value for scope in Scope if scope in scopes)


async def callback(settings: Settings, name: str, url: str, *, remove: bool = False) -> int:
    """``ordergram apikey callback NAME [URL] [--remove]``: the channel's status callback set (its
    signing secret printed once), shown, or removed."""
    from bot.runtime import open_database
    from domain.callbacks import InvalidCallbackUrl
    from domain.ports import SystemClock
    from domain.usecases.callbacks import NoSuchChannel, channel_callback, remove_callback, set_callback
    from storage.uow import SqlUnitOfWork

    if not name or (remove and url):
        print(
            "ordergram apikey callback: give the channel's NAME, then a URL or --remove (or neither)", file=sys.stderr
        )
        return 2
    engine, sessions = await open_database(settings)
    uow = SqlUnitOfWork(sessions)
    try:
        if remove:
            dropped = await remove_callback(uow, channel=name)
            if dropped is None:
                print(f"ordergram apikey callback: the channel {name!r} has no callback URL", file=sys.stderr)
                return 1
            waiting = {0: "no events were waiting", 1: "1 event waiting to be sent was dropped"}.get(
                dropped, f"{dropped} events waiting to be sent were dropped"
            )
            print(f"Callback of {name!r} removed: {waiting}; a URL set again gets events from then on")
            return 0
        if url:
            try:
                secret = await set_callback(uow, SystemClock(), channel=name, url=url)
            except InvalidCallbackUrl as error:
                print(f"ordergram apikey callback: {error}", file=sys.stderr)
                return 1
            except NoSuchChannel:
                print(f"ordergram apikey callback: no active API key named {name!r}", file=sys.stderr)
                return 1
            print(secret)
            print(
                f"Status changes of {name!r}'s orders go to {url}, signed with this secret (Ordergram-Signature); "
                "it is shown only now.",
                file=sys.stderr,
            )
            return 0
        state = await channel_callback(uow, name)
        if state is None:
            print(f"{name}\tno callback URL")
        else:
            print(
                f"{name}\t{state.url}\tset {state.set_at:%Y-%m-%d}\twaiting {state.pending}\tgiven up {state.given_up}"
            )
        return 0
    finally:
        await engine.dispose()
