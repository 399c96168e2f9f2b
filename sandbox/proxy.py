"""A round-robin reverse proxy for tests and benchmarks of several bot processes: Telegram's
webhook deliveries and API requests spread across them, as nginx in front would."""

from __future__ import annotations

import asyncio
import itertools

import aiohttp
from aiohttp import web

HOP_BY_HOP = {"host", "content-length", "connection", "transfer-encoding"}


class RoundRobin:
    """Each request to the next backend in turn; headers (the webhook secret, the API key)
    passed through, the answer's status, type and location passed back."""

    def __init__(self, backends: list[int], port: int = 0) -> None:
        self.route(backends)
        self.port = port  # 0: one the system gives, known once started (no other program can take it first)
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    def route(self, backends: list[int]) -> None:
        """To these backends from now on (known only once they listen, after the proxy's port is)."""
        self.backends = itertools.cycle(backends)
        self.served: dict[int, int] = dict.fromkeys(backends, 0)

    async def forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        port = next(self.backends)
        self.served[port] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        url = f"http://127.0.0.1:{port}{request.path_qs}"
        async with self._http.request(request.method, url, data=await request.read(), headers=headers) as answer:
            body = await answer.read()
            passed = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "location")}
            return web.Response(status=answer.status, body=body, headers=passed)

    async def start(self) -> None:
        self._http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()


async def wait_until_serving(
    processes: list[asyncio.subprocess.Process], ports: list[int], seconds: float = 60
) -> None:
    """Until every ``ordergram serve`` answers its OpenAPI document; a process that exits
    first, or a start slower than ``seconds``, is an error (with the process's stderr)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(seconds * 10)):
            for process in processes:
                if process.returncode is not None:
                    output = await process.stderr.read() if process.stderr else b""
                    raise RuntimeError(f"ordergram serve exited: {output.decode()[-3000:]}")
            answering = 0
            for port in ports:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/api/v1/openapi.json") as answer:
                        answering += answer.status == 200
                except aiohttp.ClientError:
                    pass
            if answering == len(ports):
                return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"ordergram serve did not answer on {ports} within {seconds} s")
