"""Live notifications over a websocket, served by the gateway next to its HTTP routes.

``ws://<gateway>/ws?token=<bearer token>`` (or an ``Authorization: Bearer`` header). A
missing, forged or expired token refuses the handshake with a 401. Once connected the client
receives its unread notifications, then new ones as they happen, and acknowledges them:

    server → {"type": "notification", "notification": {...}}
    client → {"type": "ack", "ids": [12, 13]}      server → {"type": "acked", "ids": [12, 13]}
    client → {"type": "ping"}                       server → {"type": "pong"}
    anything else                                   server → {"type": "error", "msg": "..."}

Each client has its own bounded outbox drained by its own green thread, so a slow or dead
client never blocks the others; one that falls too far behind is disconnected (its
notifications stay unread in the inbox). Every gateway instance holds only its own clients;
notifications reach every instance as a broadcast event (see services/gateway.py).
"""
from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections import defaultdict
from functools import partial

import eventlet
import redis
from eventlet.event import Event
from eventlet.queue import Full, LightQueue
from eventlet.websocket import WebSocketWSGI
from nameko.extensions import DependencyProvider, Entrypoint, SharedExtension
from werkzeug.routing import Rule

from jobsight import metrics
from jobsight.auth import bearer_token
from jobsight.errors import JobsightError, ValidationError
from jobsight.web.errors import error_response
from jobsight.web.server import JsonWebServer, request_id_of

log = logging.getLogger("jobsight.websocket")
MAX_PENDING = 500  # notifications queued for one client before it is considered dead
MAX_FRAME_BYTES = 16 * 1024
# A socket may idle this long between frames (HAProxy's tunnel timeout is the same): the
# server's read timeout (GATEWAY.LIMITS.SOCKET_TIMEOUT) is for requests, not for open sockets.
IDLE_SECONDS = 3600
REPORT_SECONDS = 5
STATS_KEY = "jobsight:websocket:instances"


class Client:
    def __init__(self, ws, user_id: int, hub: "NotificationHub", token_id: str | None = None,
                 expires_at: float | None = None):
        self.ws = ws
        self.user_id = user_id
        self.token_id = token_id
        self.hub = hub
        self.outbox: LightQueue = LightQueue(maxsize=MAX_PENDING)
        self.sent_ids: set[int] = set()
        self.open = True
        self.writer = eventlet.spawn(self._drain)
        # A socket never outlives the token it was opened with.
        self._expiry = (eventlet.spawn_after(max(expires_at - time.time(), 0), self.close)
                        if expires_at is not None else None)

    def offer(self, message: dict) -> bool:
        """Queue a message without ever waiting; a client too far behind is dropped."""
        if not self.open:
            return False
        try:
            self.outbox.put_nowait(message)
            return True
        except Full:
            self.hub.dropped += 1
            log.warning("websocket client of user %s fell %s messages behind: disconnecting",
                        self.user_id, MAX_PENDING)
            self.close()
            return False

    def _drain(self) -> None:
        while self.open:
            message = self.outbox.get()
            if message is None:
                return
            notification = message.get("notification")
            if notification is not None:
                if notification["id"] in self.sent_ids:
                    continue  # already sent with the unread batch
                self.sent_ids.add(notification["id"])
            try:
                self.ws.send(json.dumps(message, default=str))
            except Exception:  # the peer went away
                self.close()
                return
            if notification is not None:
                self.hub.delivered += 1
                metrics.pushed(notification.get("created_at"))

    def close(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        if self.open:
            self.open = False
            self.outbox.queue.clear()  # what was queued stays unread in the inbox
            self.outbox.put_nowait(None)
            try:
                self.ws.close()
            except Exception:
                pass


class NotificationHub(SharedExtension):
    """This gateway instance's connected clients, by user."""

    def __init__(self):
        super().__init__()
        self.clients: dict[int, set[Client]] = defaultdict(set)
        self.delivered = 0
        self.dropped = 0
        self.instance = f"{os.getpid()}-{uuid.uuid4().hex[:6]}"

    def add(self, client: Client) -> None:
        self.clients[client.user_id].add(client)

    def remove(self, client: Client) -> None:
        client.close()
        users = self.clients.get(client.user_id)
        if users is not None:
            users.discard(client)
            if not users:
                del self.clients[client.user_id]

    def push(self, user_id: int, message: dict) -> int:
        return sum(client.offer(message) for client in list(self.clients.get(user_id, ())))

    def disconnect(self, user_id: int, token_id: str | None = None) -> int:
        """Close every socket of a user here (their tokens were revoked), or only those opened
        with one token (it was logged out); the number closed."""
        clients = [c for c in self.clients.get(user_id, ()) if token_id is None or c.token_id == token_id]
        for client in clients:
            self.remove(client)
        return len(clients)

    def stats(self) -> dict:
        return {"instance": self.instance, "connected_clients": sum(len(c) for c in self.clients.values()),
                "connected_users": len(self.clients), "delivered": self.delivered, "dropped": self.dropped}

    # Every instance reports its figures to Redis, so any instance can answer for all of them.

    def setup(self):
        self._redis = redis.Redis.from_url(self.container.config["REDIS_URL"], socket_timeout=2)
        self._reporter = None
        metrics.report("websocket", lambda: metrics.websocket_families(self.stats()["connected_clients"]))

    def start(self):
        self._reporter = eventlet.spawn(self._report_forever)

    def _report_forever(self):
        while True:
            self.report()
            eventlet.sleep(REPORT_SECONDS)

    def report(self) -> None:
        try:
            self._redis.hset(STATS_KEY, self.instance, json.dumps({**self.stats(), "at": time.time()}))
        except redis.RedisError:
            log.warning("could not report websocket figures to Redis")

    def cluster_stats(self) -> dict:
        """Connected clients and deliveries summed over every live gateway instance."""
        self.report()
        totals = {"instances": 0, "connected_clients": 0, "connected_users": 0, "delivered": 0, "dropped": 0}
        try:
            entries = self._redis.hgetall(STATS_KEY)
        except redis.RedisError:
            return {**self.stats(), "instances": 1, "partial": True}
        for instance, raw in entries.items():
            entry = json.loads(raw)
            if time.time() - entry.get("at", 0) > 3 * REPORT_SECONDS:
                self._redis.hdel(STATS_KEY, instance)  # an instance that stopped reporting is gone
                continue
            totals["instances"] += 1
            for key in ("connected_clients", "connected_users", "delivered", "dropped"):
                totals[key] += entry.get(key, 0)
        return totals

    def stop(self):
        if self._reporter is not None:
            self._reporter.kill()
        for clients in list(self.clients.values()):
            for client in list(clients):
                client.close()
        try:
            self._redis.hdel(STATS_KEY, self.instance)
            self._redis.close()
        except redis.RedisError:
            pass
        super().stop()


class Hub(DependencyProvider):
    """Injects this instance's NotificationHub into workers (the broadcast event handler)."""

    hub = NotificationHub()

    def get_dependency(self, worker_ctx):
        return self.hub


def _frame(message: str) -> dict:
    if len(message) > MAX_FRAME_BYTES:
        raise ValidationError("frame too large")
    try:
        frame = json.loads(message)
    except ValueError:
        raise ValidationError("frames must be JSON objects")
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise ValidationError("frames must be JSON objects with a 'type'")
    return frame


class WebSocketRoute(Entrypoint):
    """``@websocket_route("/ws")`` on a service method ``(self, action, **kwargs)``.

    The connection itself lives in the web server's green thread; everything that needs the
    service's dependencies (checking the token, reading and acknowledging notifications) runs
    as a nameko worker of the decorated method, with ``action`` "connect" or "ack".
    """

    server = JsonWebServer()
    hub = NotificationHub()

    def __init__(self, url, **kwargs):
        self.url = url
        kwargs.setdefault("expected_exceptions", JobsightError)
        super().__init__(**kwargs)

    def get_url_rule(self):
        return Rule(self.url, methods=["GET"], websocket=True)

    def setup(self):
        self.server.register_provider(self)

    def stop(self):
        self.server.unregister_provider(self)
        super().stop()

    def call(self, context_data: dict, action: str, **kwargs):
        event = Event()
        self.container.spawn_worker(self, (action,), kwargs, context_data=context_data,
                                    handle_result=partial(self._handle_result, event))
        return event.wait()

    @staticmethod
    def _handle_result(event, worker_ctx, result, exc_info):
        event.send(result, exc_info)
        return result, exc_info

    def handle_request(self, request):
        from jobsight.errors import Forbidden
        from jobsight.web.server import allowed_origins, origin_allowed

        if not origin_allowed(request.environ, allowed_origins(self.container.config)):
            # Another site's page opening a socket with a token it got hold of.
            return error_response(Forbidden("This origin may not open the notification socket"),
                                  request_id_of(request.environ))
        context_data = self.server.context_data_from_headers(request)
        token = request.args.get("token") or bearer_token(request.headers.get("Authorization"))
        try:
            session = self.call(context_data, "connect", token=token)
        except Exception as exc:  # refused before the upgrade: a plain JSON 401 (or 503/504)
            return error_response(exc, request_id_of(request.environ))
        return WebSocketWSGI(partial(self._session, context_data, session))

    def _session(self, context_data: dict, session: dict, ws) -> None:
        user_id = session["user_id"]
        try:
            ws.socket.settimeout(IDLE_SECONDS)
        except (AttributeError, OSError):
            pass
        client = Client(ws, user_id, self.hub, session.get("token_id"), session.get("expires_at"))
        self.hub.add(client)  # registered first, so nothing created meanwhile is missed
        try:
            for notification in session["unread"]:
                client.offer({"type": "notification", "notification": notification})
            while client.open:
                message = ws.wait()
                if message is None:
                    break
                self._answer(context_data, client, message)
        finally:
            self.hub.remove(client)

    def _answer(self, context_data: dict, client: Client, message) -> None:
        try:
            frame = _frame(message)
            if frame["type"] == "ping":
                client.offer({"type": "pong"})
            elif frame["type"] == "ack":
                result = self.call(context_data, "ack", user_id=client.user_id, ids=frame.get("ids"))
                client.offer({"type": "acked", "ids": result["read"]})
            else:
                raise ValidationError(f"unknown frame type {frame['type']!r}")
        except JobsightError as exc:
            client.offer({"type": "error", "msg": exc.message})
        except Exception:
            log.exception("websocket frame failed")
            client.offer({"type": "error", "msg": "internal error"})


websocket_route = WebSocketRoute.decorator
