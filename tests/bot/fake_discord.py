"""A stand-in for Discord's REST API and gateway, on 127.0.0.1, for end-to-end tests of the real client.

It implements what briefbot uses: login, the gateway handshake (HELLO, IDENTIFY, READY, heartbeat ACKs; briefbot asks
for no intents, so Discord sends it no GUILD_CREATE), command sync, interactions (dispatch, callback, followups,
@original edits) and channel messages. Sharding as Discord does it: GET /gateway/bot recommends a shard count; an
IDENTIFY with ``shard: [id, count]`` gets a READY listing the guilds on that shard only (``(guild_id >> 22) % count``),
and an event about a guild goes to the connection of the guild's shard, whichever process holds it. Every message body
is checked against Discord's documented limits; a violation is recorded and answered like Discord (400, code 50035).
Unknown or expired interactions get 10062, a second acknowledgement 40060. Acknowledgement latency is recorded per
interaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

TOKEN = "stand-in-token"
APP_ID = 900000000000000001
GUILD_ID = 900000000000000100
CHANNEL_ID = 900000000000000200
BOT_USER = {
    "id": str(APP_ID),
    "username": "briefbot",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "flags": 0,
}
ALICE = {"id": "800000000000000001", "username": "alice", "discriminator": "0", "global_name": "Alice", "avatar": None}
BOB = {"id": "800000000000000002", "username": "bob", "discriminator": "0", "global_name": "Bob", "avatar": None}
ACK_DEADLINE = 3.0
GUILDS_INTENT = 1 << 0
EPHEMERAL = 64


@dataclass
class Connection:
    """A gateway connection, once identified: the shard it serves (``[0, 1]`` when unsharded)."""

    ws: web.WebSocketResponse
    session_id: str
    shard_id: int = 0
    shard_count: int = 1

    def serves(self, guild_id: int) -> bool:
        return not self.ws.closed and (guild_id >> 22) % self.shard_count == self.shard_id  # Discord's formula


@dataclass
class Interaction:
    id: int
    token: str
    type: int
    created: float
    payload: dict
    acked_at: float | None = None
    callback_type: int | None = None
    ephemeral: bool = False
    message: dict | None = None  # the visible response, once there is one
    original_deleted: bool = False
    followups: list[dict] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def latency(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.created


class FakeDiscord:
    def __init__(self) -> None:
        self.app = web.Application()
        self.app.router.add_route("*", "/gateway", self._gateway)
        self.app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self.app.router.add_get("/attachments/{id}/{filename}", self._attachment)
        self.files: dict[str, tuple[bytes, str]] = {}  # attachment id -> (bytes, content type)
        self._ids = itertools.count(1_000_000_000_000_000_000)
        self.interactions: dict[int, Interaction] = {}
        self.commands: dict[str, list[dict]] = {}  # "global" or guild id -> commands
        self.sync_requests: list[str] = []
        self.violations: list[str] = []
        self.channel_messages: list[dict] = []
        self.bodies: list[dict] = []  # every message body the bot sent, for mention checks
        self.unexpected: list[str] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.connections: list[Connection] = []  # identified or resumed, oldest first
        self.sessions: dict[str, tuple[int, int]] = {}  # session id -> [shard id, shard count]
        self.guilds = [GUILD_ID]  # the guilds the bot is in
        self.recommended_shards = 1  # what GET /gateway/bot answers
        self.slow_channels: dict[int, float] = {}  # channel -> seconds a message POST is held after it is posted
        self.identified = asyncio.Event()
        self.resumed = asyncio.Event()
        self.channels = {CHANNEL_ID}
        self.forbidden_channels: set[int] = set()
        self.dm_channels: dict[int, str] = {}  # DM channel -> the user it reaches
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- life cycle -------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, handler_cancellation=True)  # a slow answer ends with its client
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for ws in self.sockets:
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def snowflake(self) -> int:
        return next(self._ids)

    # -- gateway ----------------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            if data["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif data["op"] == 2:
                if data["d"].get("token") != TOKEN:
                    await ws.close(code=4004, message=b"Authentication failed.")
                    break
                if data["d"].get("intents", 0) & GUILDS_INTENT:
                    self.unexpected.append("IDENTIFY with the Guilds intent (GUILD_CREATE is not stood in for)")
                shard_id, shard_count = data["d"].get("shard", [0, 1])
                if not 0 <= shard_id < shard_count:
                    await ws.close(code=4010, message=b"Invalid shard.")
                    break
                connection = Connection(ws, f"session-{len(self.sessions) + 1}", shard_id, shard_count)
                self.sessions[connection.session_id] = (shard_id, shard_count)
                self.connections.append(connection)
                guilds = [g for g in self.guilds if connection.serves(g)]
                await self._send(ws, "READY", self._ready(connection, guilds))
                self.identified.set()
            elif data["op"] == 6:  # RESUME after a reconnect: same session, missed events would be replayed
                session = data["d"].get("session_id")
                if data["d"].get("token") != TOKEN or session not in self.sessions:
                    await ws.send_str(json.dumps({"op": 9, "d": False}))
                    continue
                self.connections.append(Connection(ws, session, *self.sessions[session]))
                await self._send(ws, "RESUMED", {})
                self.resumed.set()
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict) -> None:
        self._seq += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    async def dispatch(self, event: str, data: dict) -> None:
        """Send ``event`` on the newest open connection of the shard of the guild it concerns."""
        guild = int(data.get("guild_id") or GUILD_ID)
        connection = next(c for c in reversed(self.connections) if c.serves(guild))
        await self._send(connection.ws, event, data)

    def shard_connections(self) -> set[tuple[int, int]]:
        """(shard id, shard count) of every open connection."""
        return {(c.shard_id, c.shard_count) for c in self.connections if not c.ws.closed}

    async def ask_to_reconnect(self, timeout: float = 10) -> None:
        """Send op 7 RECONNECT, as Discord does, and wait until the client has resumed on a new socket."""
        self.resumed.clear()
        await self.sockets[-1].send_str(json.dumps({"op": 7, "d": None}))
        await asyncio.wait_for(self.resumed.wait(), timeout)

    def _ready(self, connection: Connection, guilds: list[int]) -> dict:
        return {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(guild), "unavailable": True} for guild in guilds],
            "session_id": connection.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": [connection.shard_id, connection.shard_count],
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    # -- REST -------------------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        parts = path.strip("/").split("/")
        body = await request.json() if request.can_read_body else None
        if parts[0] == "interactions" and parts[-1] == "callback":
            return await self._callback(int(parts[1]), parts[2], body)
        if parts[0] == "webhooks":
            return await self._webhook(request.method, parts, body)
        if request.headers.get("Authorization") != f"Bot {TOKEN}":
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        if path == "/users/@me":
            return _json(BOT_USER)
        if path == "/gateway/bot":
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
            return _json({"url": self.gateway_url, "shards": self.recommended_shards, "session_start_limit": limit})
        if path == "/oauth2/applications/@me":
            return _json(
                {
                    "id": str(APP_ID),
                    "name": "briefbot",
                    "icon": None,
                    "description": "",
                    "rpc_origins": [],
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": ALICE,
                    "summary": "",
                    "verify_key": "0" * 64,
                    "team": None,
                    "flags": 0,
                }
            )
        if parts[0] == "applications" and parts[-1] == "commands" and request.method == "PUT":
            scope = parts[3] if "guilds" in parts else "global"
            self.sync_requests.append(scope)
            self.commands[scope] = [
                {**c, "id": str(self.snowflake()), "application_id": str(APP_ID), "version": "1"} for c in body
            ]
            return _json(self.commands[scope])
        if path == "/users/@me/channels" and request.method == "POST":
            channel = self.snowflake()
            self.channels.add(channel)
            self.dm_channels[channel] = body["recipient_id"]
            return _json(
                {
                    "id": str(channel),
                    "type": 1,
                    "last_message_id": None,
                    "flags": 0,
                    "recipients": [{**ALICE, "id": str(body["recipient_id"])}],
                }
            )
        if parts[0] == "channels" and parts[-1] == "messages" and request.method == "POST":
            channel = int(parts[1])
            if channel not in self.channels:
                return _json({"message": "Unknown Channel", "code": 10003}, 404)
            if channel in self.forbidden_channels:
                return _json({"message": "Missing Access", "code": 50001}, 403)
            problems = self._check_message(body, f"channel {channel}")
            if problems:
                return _invalid(problems)
            message = self._message(body, channel)
            self.channel_messages.append(message)
            await asyncio.sleep(self.slow_channels.get(channel, 0))  # posted, but the answer is late
            return _json(message)
        self.unexpected.append(f"{request.method} {path}")
        return _json({"message": "404: Not Found", "code": 0}, 404)

    async def _callback(self, interaction_id: int, token: str, body: dict) -> web.Response:
        now = asyncio.get_running_loop().time()
        record = self.interactions.get(interaction_id)
        if record is None or record.token != token or now - record.created > ACK_DEADLINE:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        if record.acked_at is not None:
            return _json({"message": "Interaction has already been acknowledged.", "code": 40060}, 400)
        kind, data = body["type"], body.get("data") or {}
        where = f"interaction {interaction_id} callback type {kind}"
        problems = self._check_message(data, where) if kind in (4, 7) else []
        if kind == 8:
            problems = self._check_choices(data.get("choices", []), where)
        if problems:
            return _invalid(problems)
        record.acked_at, record.callback_type = now, kind
        record.ephemeral = bool(data.get("flags", 0) & EPHEMERAL)
        message = None
        if kind in (4, 5):
            message = self._message(data, CHANNEL_ID, loading=kind == 5)
        elif kind == 7:
            message = {
                **record.payload["message"],
                **self._message(data, CHANNEL_ID),
                "id": record.payload["message"]["id"],
            }
        if kind in (4, 7):
            record.message = message
        if kind in (4, 7, 8):
            record.done.set()
        response = {
            "interaction": {
                "id": str(interaction_id),
                "type": record.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": record.ephemeral,
            }
        }
        if message is not None:
            response["interaction"]["response_message_id"] = message["id"]
            response["resource"] = {"type": kind, "message": message}
        elif kind == 8:
            response["resource"] = {"type": kind}
        return _json(response)

    async def _webhook(self, method: str, parts: list[str], body: dict | None) -> web.Response:
        token = parts[2]
        record = next((r for r in self.interactions.values() if r.token == token), None)
        if record is None or record.acked_at is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        if method == "GET":
            return _json(record.message or self._message({}, CHANNEL_ID))
        if method == "DELETE":  # the original response deleted: the next follow-up is a message of its own
            record.message, record.original_deleted = None, True
            return web.Response(status=204)
        problems = self._check_message(body or {}, f"interaction {record.id} {method} webhook")
        if problems:
            return _invalid(problems)
        message = self._message(body, CHANNEL_ID)
        if method == "PATCH" or (record.callback_type == 5 and record.message is None):
            if method == "POST":  # the first follow-up after a deferral takes the deferral's visibility
                flags = body.get("flags", 0) if record.original_deleted else body.get("flags", 0) & ~EPHEMERAL
                message["flags"] = flags | (EPHEMERAL if record.ephemeral and not record.original_deleted else 0)
            record.message = message
        else:
            record.followups.append(message)
        record.done.set()
        return _json(message)

    async def _attachment(self, request: web.Request) -> web.Response:
        """The CDN: an uploaded attachment's bytes."""
        data, content_type = self.files[request.match_info["id"]]
        return web.Response(body=data, headers={"Content-Type": content_type})

    # -- helpers the tests call -------------------------------------------------------------------------
    def upload(self, filename: str, data: bytes, content_type: str) -> dict:
        """An attachment object for ``command(attachments=...)``, its bytes served like Discord's CDN."""
        attachment_id = str(self.snowflake())
        self.files[attachment_id] = (data, content_type)
        url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{filename}"
        return {
            "id": attachment_id,
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    def new_interaction(
        self,
        kind: int,
        data: dict,
        user: dict,
        message: dict | None = None,
        permissions: str = "2251799813685247",
        guild: int = GUILD_ID,
    ) -> Interaction:
        """An interaction in ``guild`` (a second server: any other id; the bot keeps no guild cache)."""
        interaction_id = self.snowflake()
        payload = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "guild_id": str(guild),
            "channel_id": str(CHANNEL_ID),
            "channel": {
                "id": str(CHANNEL_ID),
                "type": 0,
                "name": "research-0",
                "guild_id": str(guild),
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
            },
            "member": {
                "user": user,
                "roles": [],
                "permissions": permissions,
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
            "token": f"interaction-token-{interaction_id}",
            "version": 1,
            "app_permissions": "2251799813685247",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        record = Interaction(interaction_id, payload["token"], kind, asyncio.get_running_loop().time(), payload)
        self.interactions[interaction_id] = record
        return record

    async def interact(self, record: Interaction, timeout: float = 10) -> Interaction:
        await self.dispatch("INTERACTION_CREATE", record.payload)
        await asyncio.wait_for(record.done.wait(), timeout)
        return record

    def command_id(self, name: str) -> str:
        for commands in self.commands.values():
            for command in commands:
                if command["name"] == name:
                    return command["id"]
        return "0"

    async def command(self, name: str, options: dict | None = None, user: dict = ALICE, *, timeout: float = 10, **kw):
        """Run a slash command (see ``command_interaction``) and wait for its answer."""
        return await self.interact(self.command_interaction(name, options, user, **kw), timeout)

    def command_interaction(
        self,
        name: str,
        options: dict | None = None,
        user: dict = ALICE,
        *,
        sub: str | None = None,
        permissions: str = "2251799813685247",
        guild: int = GUILD_ID,
        attachments: dict[str, dict] | None = None,
    ) -> Interaction:
        """A slash command interaction, not yet sent (``dispatch`` it); a Channel value becomes a channel option;
        ``attachments`` (option name -> attachment object) become attachment options."""
        opts = [_option(k, v) for k, v in (options or {}).items()]
        channels = [v for v in (options or {}).values() if isinstance(v, Channel)]
        resolved = {
            "channels": {
                str(c.id): {
                    "id": str(c.id),
                    "type": 0,
                    "name": "news",
                    "permissions": permissions,
                    "guild_id": str(guild),
                }
                for c in channels
            },
            "attachments": {a["id"]: a for a in (attachments or {}).values()},
        }
        opts += [{"name": name, "type": 11, "value": a["id"]} for name, a in (attachments or {}).items()]
        if sub:
            opts = [{"name": sub, "type": 1, "options": opts}]
        data = {
            "id": self.command_id(name),
            "name": name,
            "type": 1,
            "guild_id": str(guild),
            "options": opts,
            "resolved": resolved,
        }
        return self.new_interaction(2, data, user, permissions=permissions, guild=guild)

    async def autocomplete(
        self, name: str, options: dict, focused: str, user: dict = ALICE, *, sub: str | None = None, guild=GUILD_ID
    ) -> list[dict]:
        opts = [{**_option(k, v), **({"focused": True} if k == focused else {})} for k, v in options.items()]
        if sub:
            opts = [{"name": sub, "type": 1, "options": opts}]
        data = {"id": self.command_id(name), "name": name, "type": 1, "guild_id": str(guild), "options": opts}
        record = self.new_interaction(4, data, user, guild=guild)
        self._last_choices = None
        await self.interact(record)
        return self._last_choices

    async def click(self, message: dict, custom_id: str, user: dict = ALICE) -> Interaction:
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.interact(self.new_interaction(3, data, user, message=message))

    # -- validation against Discord's limits ---------------------------------------------------------------
    def _check_message(self, body: dict, where: str) -> list[str]:
        self.bodies.append(body)
        problems = message_problems(body)
        for problem in problems:
            self.violations.append(f"{where}: {problem}")
        return problems

    def _check_choices(self, choices: list[dict], where: str) -> list[str]:
        self._last_choices = choices
        problems = []
        if len(choices) > 25:
            problems.append("more than 25 choices")
        for choice in choices:
            if not 1 <= len(choice["name"]) <= 100 or len(str(choice["value"])) > 100:
                problems.append("choice name or value out of range")
        for problem in problems:
            self.violations.append(f"{where}: {problem}")
        return problems

    def _message(self, body: dict, channel: int, loading: bool = False) -> dict:
        return {
            "id": str(self.snowflake()),
            "channel_id": str(channel),
            "guild_id": str(GUILD_ID),
            "author": BOT_USER,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "flags": (body.get("flags") or 0) | (128 if loading else 0),
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "type": 0,
        }


def message_problems(body: dict) -> list[str]:
    """Every way ``body`` (a message Discord would receive) breaks Discord's documented limits."""
    problems = []
    mentions = body.get("allowed_mentions")
    if mentions is None or mentions.get("parse") != [] or mentions.get("users") or mentions.get("roles"):
        problems.append(f"allowed_mentions must disable every mention, got {mentions!r}")
    if len(body.get("content") or "") > 2000:
        problems.append("content over 2000")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        problems.append("more than 10 embeds")
    total = 0
    for embed in embeds:
        for key, limit in (("title", 256), ("description", 4096)):
            if len(embed.get(key) or "") > limit:
                problems.append(f"embed {key} over {limit}")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append("more than 25 fields")
        for f in fields:
            if not (f.get("name") or "").strip() or len(f["name"]) > 256:
                problems.append("field name blank or over 256")
            if not (f.get("value") or "").strip() or len(f["value"]) > 1024:
                problems.append("field value blank or over 1024")
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        if len(footer) > 2048:
            problems.append("footer over 2048")
        if len(author) > 256:
            problems.append("author name over 256")
        total += len(embed.get("title") or "") + len(embed.get("description") or "") + len(footer) + len(author)
        total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
    if total > 6000:
        problems.append(f"embeds total {total} over 6000")
    rows = body.get("components") or []
    if len(rows) > 5:
        problems.append("more than 5 component rows")
    custom_ids = []
    for row in rows:
        items = row.get("components", [])
        if not 1 <= len(items) <= 5:
            problems.append("a row needs 1 to 5 components")
        for item in items:
            if len(item.get("label") or "") > 80:
                problems.append("button label over 80")
            if "custom_id" in item:
                custom_ids.append(item["custom_id"])
                if len(item["custom_id"]) > 100:
                    problems.append("custom_id over 100")
    if len(custom_ids) != len(set(custom_ids)):
        problems.append("duplicate custom_id")
    return problems


@dataclass(frozen=True)
class Channel:
    """A channel passed as a slash-command option."""

    id: int


def _option(name: str, value) -> dict:
    if isinstance(value, Channel):
        return {"name": name, "type": 7, "value": str(value.id)}
    kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
    return {"name": name, "type": kind, "value": value}


def _json(data, status: int = 200) -> web.Response:
    # discord.py reads JSON only when the content type is exactly "application/json"
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def _invalid(problems: list[str]) -> web.Response:
    return _json({"message": "Invalid Form Body", "code": 50035, "errors": {"_errors": problems}}, 400)
