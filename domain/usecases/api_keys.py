"""The intake API's keys: made, revoked, listed, and which one a request's token is."""

from __future__ import annotations

from domain.apikeys import DEFAULT_SCOPES, ApiKey, Scope, new_key, prefix_of
from domain.ports import Clock, UnitOfWork


async def create_api_key(
    uow: UnitOfWork,
    clock: Clock,
    *,
    name: str,
    scopes: frozenset[Scope] = DEFAULT_SCOPES,
    carriers: frozenset[str] = frozenset(),
) -> tuple[str, ApiKey]:
    """A key with the carrier scope names its carriers, and only such a key does."""
    token, key = new_key(name.strip(), clock.now(), scopes, carriers)
    async with uow:
        await uow.api.add_key(key)
        await uow.commit()
    return token, key


async def revoke_api_key(uow: UnitOfWork, clock: Clock, *, name: str) -> bool:
    async with uow:
        done = await uow.api.revoke(name.strip(), clock.now())
        await uow.commit()
        return done


async def api_keys(uow: UnitOfWork) -> list[ApiKey]:
    async with uow.read_only():
        return await uow.api.keys()


async def authenticate(uow: UnitOfWork, token: str) -> ApiKey | None:
    """The active key this token is, or None (unknown, malformed or revoked alike)."""
    prefix = prefix_of(token)
    if prefix is None:
        return None
    async with uow.read_only():
        key = await uow.api.key_by_prefix(prefix)
    return key if key is not None and key.active and key.matches(token) else None
