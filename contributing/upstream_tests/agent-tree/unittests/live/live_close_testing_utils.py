"""A scripted live model and a runner of live runs that the client closes."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from typing import Callable

from google.adk.agents.live_request_queue import LiveRequestQueue
from google.adk.agents.run_config import RunConfig
from google.adk.events.event import Event
from google.adk.models.base_llm import BaseLlm
from google.adk.models.base_llm_connection import BaseLlmConnection
from google.adk.models.llm_response import LlmResponse
from google.adk.runners import InMemoryRunner
from google.genai import errors
from google.genai import types
from pydantic import Field
import pytest

# Bounds a run that never ends; the first run of a process also imports what
# the live flow needs.
_END_TIMEOUT = 10.0


class FakeConnection(BaseLlmConnection):
  """Plays `responses`, then drops with `drop`, or else waits for `close()`,
  plays `after_close` and ends with `on_close`, a normal closure (1000)
  unless told otherwise."""

  def __init__(
      self,
      responses: list[LlmResponse],
      *,
      drop: Exception | None = None,
      after_close: list[LlmResponse] | None = None,
      on_close: Exception | None = None,
  ):
    self._responses = list(responses)
    self._drop = drop
    self._after_close = list(after_close or [])
    self._on_close = on_close or errors.APIError(1000, {})
    self.closed = asyncio.Event()

  async def send_history(self, history: list[types.Content]):
    pass

  async def send_content(self, content: types.Content):
    pass

  async def send_realtime(self, blob: types.Blob):
    pass

  async def close(self):
    self.closed.set()

  async def receive(self):
    while self._responses:
      yield self._responses.pop(0)
    if self._drop:
      raise self._drop
    await self.closed.wait()
    while self._after_close:
      yield self._after_close.pop(0)
    raise self._on_close


class ScriptedLlm(BaseLlm):
  """Hands out the scripted connections in order; past them, connections that
  the server cancels at once, as it cancels one nobody talks to."""

  model: str = 'scripted-live-model'
  script: list[Any] = Field(default_factory=list)
  connects: list[str | None] = Field(default_factory=list)
  """The session resumption handle of each connect()."""

  async def generate_content_async(self, llm_request, stream=False):
    raise NotImplementedError('live only')
    yield  # pylint: disable=unreachable

  @contextlib.asynccontextmanager
  async def connect(self, llm_request):
    resumption = llm_request.live_connect_config.session_resumption
    self.connects.append(resumption.handle if resumption else None)
    if self.script:
      yield self.script.pop(0)
    else:
      yield FakeConnection([], drop=errors.APIError(1011, {}))


def handle_update(handle: str) -> LlmResponse:
  return LlmResponse(
      live_session_resumption_update=types.LiveServerSessionResumptionUpdate(
          new_handle=handle, resumable=True
      )
  )


def model_turn(text: str) -> LlmResponse:
  return LlmResponse(
      content=types.Content(role='model', parts=[types.Part(text=text)]),
      turn_complete=True,
  )


def has_text(event: Event) -> bool:
  return bool(event.content and event.content.parts)


async def run_live(
    runner: InMemoryRunner,
    queue: LiveRequestQueue,
    close_when: Callable[[Event], bool] = has_text,
    *,
    run_config: RunConfig | None = None,
) -> None:
  """Runs the agent live, closing `queue` at the first event `close_when`
  accepts; fails the test unless the run then ends by itself.

  The run asks for session resumption unless `run_config` says otherwise.
  """
  session = await runner.session_service.create_session(
      app_name=runner.app_name, user_id='user'
  )

  async def consume():
    async for event in runner.run_live(
        user_id='user',
        session_id=session.id,
        live_request_queue=queue,
        run_config=run_config
        or RunConfig(session_resumption=types.SessionResumptionConfig()),
    ):
      if close_when(event):
        queue.close()

  try:
    await asyncio.wait_for(consume(), _END_TIMEOUT)
  except asyncio.TimeoutError:
    pytest.fail('run_live() did not end after close()')
