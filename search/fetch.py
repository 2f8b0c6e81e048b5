"""Fetching pages and feeds safely with aiohttp.

Only http and https; at most ``max_redirects`` redirects, each checked like the first URL; connect and read
timeouts; a size cap (the body is read in chunks and abandoned past it); a content-type check. Addresses that
resolve to loopback, private, link-local (cloud metadata), multicast, reserved or unspecified ranges are
refused unless a network is explicitly allowed: checked before each request and again by the connector's
resolver at connect time, so a name cannot be re-pointed between the check and the connection.
Every failure is a ``FetchError`` whose message is a short, user-readable reason.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from search.decode import UndecodableError, decode

if TYPE_CHECKING:
    import aiohttp

TEXT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "application/json",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(RuntimeError):
    """Why a URL could not be fetched, in a few words."""


@dataclass
class FetchPolicy:
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 3
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    allowed_networks: list[Network] = field(default_factory=list)  # e.g. 127.0.0.1/32 in tests
    user_agent: str = "briefbot/0.1 (+https://github.com/briefbot)"

    def refusal(self, address: IPAddress) -> str | None:
        """Why connecting to ``address`` is refused, or None if it is allowed. An IPv6 address that carries an
        IPv4 address (mapped, 6to4, Teredo, NAT64, IPv4-compatible) is judged by that IPv4 address."""
        if any(address in network for network in self.allowed_networks):
            return None
        inner = embedded_ipv4(address)
        if inner is None:
            kind = _refused_kind(address)
            return f"{address} is a {kind} address" if kind else None
        kind = _refused_kind(inner)
        return f"{address} carries {inner}, a {kind} address" if kind else None


_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_LAST_32_BITS = (
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated)
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (and a router may deliver to), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]  # the client; the server is public by definition
    if int(address) > 1 and any(address in network for network in _NAT64 + _LAST_32_BITS):  # not :: or ::1
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _refused_kind(address: IPAddress) -> str | None:
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local (metadata)", address.is_link_local),
        ("private", address.is_private),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
    ):
        if flag:
            return kind
    return None


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str
    text: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    body: bytes = b""  # the bytes as downloaded (a PDF is read from these)


class _GuardedResolver:  # an aiohttp AbstractResolver; aiohttp is imported only when something is fetched
    """Resolves with the system resolver, then drops refused addresses (all refused: an error)."""

    def __init__(self, policy: FetchPolicy) -> None:
        import aiohttp

        self.policy = policy
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        results = await self._inner.resolve(host, port, family)
        allowed = [r for r in results if self.policy.refusal(ipaddress.ip_address(r["host"])) is None]
        if not allowed:
            raise OSError(f"refused: {host} resolves only to refused addresses")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


def check_link(url: str) -> tuple[str, int]:
    """The link's host and port, or FetchError: not http(s), no host, or a user name or password in it
    (briefbot shows the links it follows and cites to everyone who uses it, so none may hold a secret)."""
    try:
        url.encode()  # bytes a terminal could not decode arrive as lone surrogates
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port  # a bad host ("[" unclosed) or port raises here
    except ValueError:  # UnicodeEncodeError too
        raise FetchError("that is not a valid link") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https links can be fetched, not {parts.scheme or 'that'}")
    if not host:
        raise FetchError("that link has no host")
    if "@" in parts.netloc:
        raise FetchError("leave the user name and password out of the link: briefbot shows its links to everyone")
    return host, port or 80


async def _check_url(url: str, policy: FetchPolicy) -> None:
    host, port = check_link(url)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):  # UnicodeError: a host name IDNA cannot encode (a label over 63)
            raise FetchError(f"could not find the host {host}") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        reason = policy.refusal(address)
        if reason:
            raise FetchError(f"refused: {reason}")


async def fetch(
    url: str,
    policy: FetchPolicy | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: tuple[str, ...] = TEXT_TYPES,
) -> Fetched:
    """GET ``url`` under ``policy``; conditional when ``etag``/``last_modified`` are given (304 -> not_modified)."""
    import aiohttp  # here, not at the top: commands that never fetch start without it

    policy = policy or FetchPolicy()
    headers = {"User-Agent": policy.user_agent}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = aiohttp.ClientTimeout(
        total=policy.total_timeout, sock_connect=policy.connect_timeout, sock_read=policy.read_timeout
    )
    connector = aiohttp.TCPConnector(resolver=_GuardedResolver(policy), use_dns_cache=False)
    try:
        async with aiohttp.ClientSession(timeout=timeout, connector=connector, headers=headers) as session:
            for _ in range(policy.max_redirects + 1):
                await _check_url(url, policy)
                async with session.get(url, allow_redirects=False) as response:
                    if response.status in (301, 302, 303, 307, 308):
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchError(f"HTTP {response.status} without a Location")
                        url = urljoin(url, location)
                        continue
                    return await _read(response, url, policy, accept)
            raise FetchError(f"too many redirects (more than {policy.max_redirects})")
    except FetchError:
        raise
    except TimeoutError:
        raise FetchError("the site took too long to answer") from None
    except aiohttp.ClientConnectorError as error:
        reason = str(error.os_error) if error.os_error else str(error)
        raise FetchError(reason if reason.startswith("refused") else f"could not connect: {reason}") from None
    except aiohttp.ClientError as error:
        raise FetchError(f"the download failed: {type(error).__name__}") from None


async def _read(response: aiohttp.ClientResponse, url: str, policy: FetchPolicy, accept) -> Fetched:
    etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    if response.status == 304:
        return Fetched(url, 304, "", "", etag, modified, not_modified=True)
    if response.status >= 400:
        raise FetchError(f"the site answered HTTP {response.status}")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type and content_type not in accept:
        raise FetchError(f"not a page or feed (content type {content_type})")
    declared = response.content_length
    if declared is not None and declared > policy.max_bytes:
        raise FetchError(f"too large (over {policy.max_bytes // 2**20} MB)")
    body = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        body.extend(chunk)
        if len(body) > policy.max_bytes:
            raise FetchError(f"too large (over {policy.max_bytes // 2**20} MB)")
    try:
        text = decode(bytes(body), declared=response.charset)
    except UndecodableError:
        text = bytes(body).decode("utf-8", errors="replace")  # extraction then says what is wrong with it
    return Fetched(url, response.status, content_type, text, etag, modified, body=bytes(body))
