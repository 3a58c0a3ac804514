"""A Gemini Live endpoint on 127.0.0.1, for the end-to-end tests and the demo.

It speaks the BidiGenerateContent frames google-genai's live client sends and
expects, over TLS with a certificate made at start-up, on either backend's
path: the Gemini API's, or Vertex AI's with the Bearer token it checks. It
records every connection from the server's side: when it opened and closed,
who closed it with which code, the resumption handle it presented and every
frame it sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime
import enum
from http import HTTPStatus
import json
import pathlib
import re
import secrets
import ssl
import tempfile
import time
from typing import Any
from typing import Optional
from urllib.parse import parse_qs

import trustme
from websockets.asyncio.server import serve
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close
from websockets.frames import Frame
from websockets.frames import Opcode
from websockets.http11 import Request
from websockets.http11 import Response

from .resolver import resolving

CANCELLED = (1011, 'The operation was cancelled.')
# What the service answers a setup it cannot take, such as an unknown model.
INVALID_ARGUMENT = (1007, 'Request contains an invalid argument.')

API_KEY = 'loopback'
VERTEX_PROJECT = 'loopback-project'
VERTEX_LOCATION = 'us-central1'
# google-genai connects to the regional host of the location, on port 443.
VERTEX_HOST = f'{VERTEX_LOCATION}-aiplatform.googleapis.com'

_GEMINI_PATH = re.compile(
    r'/ws/google\.ai\.generativelanguage\.v1\w*'
    r'\.GenerativeService\.BidiGenerateContent'
)
# google-genai joins its base URL and the path with a second slash.
_VERTEX_PATH = re.compile(
    r'/+ws/google\.cloud\.aiplatform\.v1\w*'
    r'\.LlmBidiService/BidiGenerateContent'
)
_GEMINI_MODEL = re.compile(r'models/[\w.-]+')
_VERTEX_MODEL = re.compile(
    re.escape(
        f'projects/{VERTEX_PROJECT}/locations/{VERTEX_LOCATION}'
        '/publishers/google/models/'
    )
    + r'[\w.-]+'
)


class Backend(enum.Enum):
  """Which of google-genai's two live services the endpoint stands in for.

  The names are ADK's own (`GoogleLLMVariant`).
  """

  GEMINI_API = 'gemini_api'
  """`GenerativeService`, with an API key."""
  VERTEX_AI = 'vertex_ai'
  """`LlmBidiService` of project `VERTEX_PROJECT` in `VERTEX_LOCATION`,
  with an OAuth 2.0 Bearer token from Application Default Credentials."""


class Fault(enum.Enum):
  """What the endpoint does to a connection after its first model turn."""

  CLOSE = 'close'  # a normal closure, 1000, from the server
  DROP = 'drop'  # the transport dies: no close frame at all
  CANCEL = 'cancel'  # 1011 "The operation was cancelled."
  GO_AWAY = 'go_away'  # a goAway frame; the connection stays up


@dataclasses.dataclass
class Connection:
  """One WebSocket connection, as the endpoint saw it."""

  number: int
  opened_at: float
  path: str = ''
  """The request path of the opening handshake."""
  setup: Optional[dict[str, Any]] = None
  """The `setup` message, once the client has sent it."""
  handle: Optional[str] = None
  """The session resumption handle presented in `setup`, if any."""
  handles_issued: list[str] = dataclasses.field(default_factory=list)
  """The resumption handles sent on this connection, in order."""
  frames: list[dict[str, Any]] = dataclasses.field(default_factory=list)
  closed_at: Optional[float] = None
  closed_by: Optional[str] = None
  """'client' or 'server' for a close handshake, 'nobody' for a drop."""
  close_code: Optional[int] = None
  close_reason: Optional[str] = None

  @property
  def open(self) -> bool:
    return self.closed_at is None

  @property
  def transparent(self) -> Optional[bool]:
    """Whether `setup` asked for transparent resumption (Vertex AI only)."""
    resumption = (self.setup or {}).get('sessionResumption')
    return None if resumption is None else resumption.get('transparent')

  def texts(self) -> list[str]:
    """The text of every client content turn, in order of arrival."""
    return [
        part['text']
        for frame in self.frames
        for turn in frame.get('client_content', {}).get('turns', [])
        for part in turn.get('parts', [])
        if 'text' in part
    ]


class LiveEndpoint:
  """Serves Gemini Live on 127.0.0.1 until the `async with` block ends.

  Args:
    backend: the service whose path, credentials and model names it takes.
      For Vertex AI, `VERTEX_HOST` resolves to the endpoint in this process
      while it runs (see `loopback.resolver`), and `environ` names a
      credentials file whose static token the endpoint checks.
    idle_cancel_after: close a connection with 1011 "The operation was
      cancelled." once the client has sent nothing for this many seconds, as
      the real service does with idle connections.
    faults: by connection number (from 1), what to do after its first model
      turn.

    setup_delays: by connection number, how long to hold back `setupComplete`,
      which keeps the client's connect() in flight.
    close_reply: the close code to answer the client's close frame with,
      instead of echoing the client's code; 1005 answers with a close frame
      that carries no status code. websockets counts 1000, 1001 and 1005 as
      a normal closure.

  A user turn whose text is `tool:NAME` or `tool:NAME {json args}` is answered
  with a call of the tool NAME; the model turn follows the tool response.
  """

  def __init__(
      self,
      *,
      backend: Backend = Backend.GEMINI_API,
      idle_cancel_after: Optional[float] = None,
      faults: Optional[dict[int, Fault]] = None,
      setup_delays: Optional[dict[int, float]] = None,
      close_reply: Optional[int] = None,
  ):
    self.backend = backend
    self.idle_cancel_after = idle_cancel_after
    self.faults = dict(faults or {})
    self.setup_delays = dict(setup_delays or {})
    self.close_reply = close_reply
    self.connections: list[Connection] = []
    self.handles_issued: list[str] = []
    self.refused: list[tuple[int, str]] = []
    """Opening handshakes answered with an HTTP error: (status, path)."""
    self._token = secrets.token_urlsafe()
    self._stack = contextlib.AsyncExitStack()

  @property
  def environ(self) -> dict[str, str]:
    """What google-genai needs in the environment to use this endpoint.

    The names in `environ_unset` must be absent as well.
    """
    common = {
        'SSL_CERT_FILE': str(self._ca_file),
        # A proxy from the environment would carry the connection away from
        # the loopback address (websockets 15 and later use one).
        'no_proxy': '*',
    }
    if self.backend is Backend.GEMINI_API:
      return {
          **common,
          'GOOGLE_API_KEY': API_KEY,
          'GOOGLE_GENAI_USE_VERTEXAI': 'false',
          'GOOGLE_GEMINI_BASE_URL': f'https://127.0.0.1:{self.port}',
      }
    return {
        **common,
        'GOOGLE_GENAI_USE_VERTEXAI': 'true',
        'GOOGLE_CLOUD_PROJECT': VERTEX_PROJECT,
        'GOOGLE_CLOUD_LOCATION': VERTEX_LOCATION,
        'GOOGLE_APPLICATION_CREDENTIALS': str(self._credentials_file),
    }

  @property
  def environ_unset(self) -> tuple[str, ...]:
    """Variables that must be absent: each would point google-genai away
    from this endpoint (an API key selects Vertex AI's express mode, a base
    URL its proxy mode)."""
    if self.backend is Backend.GEMINI_API:
      return ()
    return (
        'GOOGLE_API_KEY',
        'GEMINI_API_KEY',
        'GOOGLE_GEMINI_BASE_URL',
        'GOOGLE_VERTEX_BASE_URL',
    )

  def opened_after(self, moment: float) -> list[Connection]:
    return [c for c in self.connections if c.opened_at > moment]

  async def wait_for_connections(self, count: int, timeout: float) -> None:
    """Waits until `count` connections have been opened and set up."""

    async def poll():
      while sum(c.setup is not None for c in self.connections) < count:
        await asyncio.sleep(0.005)

    await asyncio.wait_for(poll(), timeout)

  async def __aenter__(self) -> LiveEndpoint:
    authority = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert('127.0.0.1', VERTEX_HOST).configure_cert(context)
    scratch = pathlib.Path(
        self._stack.enter_context(tempfile.TemporaryDirectory())
    )
    self._ca_file = scratch / 'ca.pem'
    authority.cert_pem.write_to_path(str(self._ca_file))
    self._credentials_file = scratch / 'credentials.json'
    self._credentials_file.write_text(json.dumps(self._credentials()))
    server = await self._stack.enter_async_context(
        serve(
            self._serve,
            '127.0.0.1',
            0,
            ssl=context,
            process_request=self._check_request,
        )
    )
    self.port = next(iter(server.sockets)).getsockname()[1]
    if self.backend is Backend.VERTEX_AI:
      self._stack.enter_context(resolving(VERTEX_HOST, self.port))
    return self

  async def __aexit__(self, *exc_info) -> None:
    await self._stack.aclose()

  def _credentials(self) -> dict[str, str]:
    """Application Default Credentials of google-auth's `authorized_user`
    type, with an access token that stays valid for a day: google-auth uses
    it as it is and never asks for another."""
    expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        days=1
    )
    return {
        'type': 'authorized_user',
        'client_id': 'loopback',
        'client_secret': 'loopback',
        'refresh_token': 'loopback',
        'token': self._token,
        'expiry': expiry.strftime('%Y-%m-%dT%H:%M:%SZ'),
    }

  def _check_request(
      self, websocket: ServerConnection, request: Request
  ) -> Optional[Response]:
    """Refuses a handshake on another path or without the credentials."""
    # Not urlsplit: it reads the Vertex AI path's leading '//ws' as a host.
    path, _, query = request.path.partition('?')
    if self.backend is Backend.GEMINI_API:
      expected = _GEMINI_PATH
      keys = parse_qs(query).get('key', []) + request.headers.get_all(
          'x-goog-api-key'
      )
      authorized = API_KEY in keys
    else:
      expected = _VERTEX_PATH
      authorized = request.headers.get('Authorization') == (
          f'Bearer {self._token}'
      )
    if not expected.fullmatch(path):
      status = HTTPStatus.NOT_FOUND
    elif not authorized:
      status = HTTPStatus.UNAUTHORIZED
    else:
      return None
    self.refused.append((status.value, request.path))
    return websocket.respond(status, f'{status.phrase}\n')

  async def _serve(self, websocket: ServerConnection) -> None:
    connection = Connection(
        len(self.connections) + 1, time.monotonic(), websocket.request.path
    )
    self.connections.append(connection)
    if self.close_reply is not None:
      _reply_to_close_with(websocket, self.close_reply)
    inbox: asyncio.Queue[Optional[dict[str, Any]]] = asyncio.Queue()
    # Frames are recorded as they arrive, whether or not they get answered:
    # an answer may fail once the client has closed, its frames still count.
    reader = asyncio.create_task(
        self._record_frames(websocket, connection, inbox)
    )
    try:
      await self._converse(websocket, connection, inbox)
    except ConnectionClosed:
      pass
    finally:
      await websocket.wait_closed()
      await reader
      self._record_close(websocket, connection)

  async def _record_frames(
      self,
      websocket: ServerConnection,
      connection: Connection,
      inbox: asyncio.Queue,
  ) -> None:
    try:
      async for raw in websocket:
        frame = json.loads(raw)
        connection.frames.append(frame)
        inbox.put_nowait(frame)
    except ConnectionClosed:
      pass
    finally:
      inbox.put_nowait(None)

  async def _converse(
      self,
      websocket: ServerConnection,
      connection: Connection,
      inbox: asyncio.Queue,
  ) -> None:
    setup = await inbox.get()
    if setup is None:
      return
    connection.setup = setup.get('setup', {})
    model = (
        _GEMINI_MODEL if self.backend is Backend.GEMINI_API else _VERTEX_MODEL
    )
    if not model.fullmatch(connection.setup.get('model', '')):
      await websocket.close(*INVALID_ARGUMENT)
      return
    resumption = connection.setup.get('sessionResumption')
    if resumption is not None:
      connection.handle = resumption.get('handle')
    await asyncio.sleep(self.setup_delays.get(connection.number, 0))
    await websocket.send(json.dumps({'setupComplete': {}}))
    if resumption is not None:
      await self._issue_handle(websocket, connection)
    fault = self.faults.get(connection.number)
    while True:
      try:
        frame = await asyncio.wait_for(
            inbox.get(), timeout=self.idle_cancel_after
        )
      except asyncio.TimeoutError:
        await websocket.close(*CANCELLED)
        return
      if frame is None:
        return
      if not await self._answer(websocket, connection, frame):
        continue
      if resumption is not None:
        await self._issue_handle(websocket, connection)
      if fault is not None:
        await self._inflict(websocket, fault)
        if fault is not Fault.GO_AWAY:
          return
        fault = None

  async def _answer(
      self,
      websocket: ServerConnection,
      connection: Connection,
      frame: dict[str, Any],
  ) -> bool:
    """Answers a completed user turn or a tool response; says if it did."""
    content = frame.get('client_content')
    if content and content.get('turn_complete'):
      text = (connection.texts() or [''])[-1]
      if text.startswith('tool:'):
        name, _, args = text.removeprefix('tool:').partition(' ')
        call = {
            'id': f'call-{connection.number}-{len(connection.frames)}',
            'name': name,
            'args': json.loads(args or '{}'),
        }
        await websocket.send(
            json.dumps({'toolCall': {'functionCalls': [call]}})
        )
        # As the service does: clients gather tool calls until the turn ends.
        await websocket.send(
            json.dumps({'serverContent': {'turnComplete': True}})
        )
        return False
      await self._model_turn(websocket, f'echo: {text}')
      return True
    if 'tool_response' in frame:
      await self._model_turn(websocket, 'tool done')
      return True
    return False

  async def _model_turn(self, websocket: ServerConnection, text: str) -> None:
    await websocket.send(
        json.dumps(
            {'serverContent': {'modelTurn': {'parts': [{'text': text}]}}}
        )
    )
    await websocket.send(json.dumps({'serverContent': {'turnComplete': True}}))

  async def _issue_handle(
      self, websocket: ServerConnection, connection: Connection
  ) -> None:
    handle = f'handle-{connection.number}-{len(self.handles_issued) + 1}'
    self.handles_issued.append(handle)
    connection.handles_issued.append(handle)
    await websocket.send(
        json.dumps(
            {
                'sessionResumptionUpdate': {
                    'newHandle': handle,
                    'resumable': True,
                }
            }
        )
    )

  async def _inflict(self, websocket: ServerConnection, fault: Fault) -> None:
    if fault is Fault.CLOSE:
      await websocket.close(1000, '')
    elif fault is Fault.CANCEL:
      await websocket.close(*CANCELLED)
    elif fault is Fault.DROP:
      # A pong means the client has read everything sent so far: the drop
      # loses no frame the test counts on, like a handle update.
      await (await websocket.ping())
      websocket.transport.abort()
    elif fault is Fault.GO_AWAY:
      await websocket.send(json.dumps({'goAway': {'timeLeft': '1s'}}))

  def _record_close(
      self, websocket: ServerConnection, connection: Connection
  ) -> None:
    protocol = websocket.protocol
    connection.closed_at = time.monotonic()
    if protocol.close_rcvd is None:
      connection.closed_by = 'nobody'
      return
    if protocol.close_rcvd_then_sent:
      connection.closed_by = 'client'
      close = protocol.close_rcvd
    else:
      connection.closed_by = 'server'
      close = protocol.close_sent
    connection.close_code = close.code
    connection.close_reason = close.reason


def _reply_to_close_with(websocket: ServerConnection, code: int) -> None:
  """Makes the connection answer a client's close frame with `code`.

  websockets echoes the client's close frame from inside its protocol; the
  echo is the one close frame sent after one was received and before any was
  sent, and this swaps its payload.
  """
  protocol = websocket.protocol
  send_frame = protocol.send_frame
  payload = b'' if code == 1005 else Close(code, '').serialize()

  def send_reply_instead_of_echo(frame: Frame) -> None:
    if (
        frame.opcode is Opcode.CLOSE
        and protocol.close_rcvd is not None
        and protocol.close_sent is None
    ):
      frame = Frame(Opcode.CLOSE, payload)
    send_frame(frame)

  protocol.send_frame = send_reply_instead_of_echo
