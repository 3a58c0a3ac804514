"""A Gemini Live endpoint on 127.0.0.1, for the end-to-end tests and the demo.

It speaks the BidiGenerateContent frames google-genai's live client sends and
expects, over TLS with a certificate made at start-up, and records every
connection from the server's side: when it opened and closed, who closed it
with which code, the resumption handle it presented and every frame it sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import json
import pathlib
import ssl
import tempfile
import time
from typing import Any
from typing import Optional

import trustme
from websockets.asyncio.server import serve
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close
from websockets.frames import Frame
from websockets.frames import Opcode

CANCELLED = (1011, 'The operation was cancelled.')


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
      idle_cancel_after: Optional[float] = None,
      faults: Optional[dict[int, Fault]] = None,
      setup_delays: Optional[dict[int, float]] = None,
      close_reply: Optional[int] = None,
  ):
    self.idle_cancel_after = idle_cancel_after
    self.faults = dict(faults or {})
    self.setup_delays = dict(setup_delays or {})
    self.close_reply = close_reply
    self.connections: list[Connection] = []
    self.handles_issued: list[str] = []
    self._stack = contextlib.AsyncExitStack()

  @property
  def environ(self) -> dict[str, str]:
    """What google-genai needs in the environment to use this endpoint."""
    return {
        'GOOGLE_API_KEY': 'loopback',
        'GOOGLE_GENAI_USE_VERTEXAI': 'false',
        'GOOGLE_GEMINI_BASE_URL': f'https://127.0.0.1:{self.port}',
        'SSL_CERT_FILE': str(self._ca_file),
    }

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
    authority.issue_cert('127.0.0.1').configure_cert(context)
    scratch = pathlib.Path(
        self._stack.enter_context(tempfile.TemporaryDirectory())
    )
    self._ca_file = scratch / 'ca.pem'
    authority.cert_pem.write_to_path(str(self._ca_file))
    server = await self._stack.enter_async_context(
        serve(self._serve, '127.0.0.1', 0, ssl=context)
    )
    self.port = next(iter(server.sockets)).getsockname()[1]
    return self

  async def __aexit__(self, *exc_info) -> None:
    await self._stack.aclose()

  async def _serve(self, websocket: ServerConnection) -> None:
    connection = Connection(len(self.connections) + 1, time.monotonic())
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
