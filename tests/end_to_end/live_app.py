"""An application driving an agent through `Runner.run_live()`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Callable
from typing import Optional

from google.adk.agents.live_request_queue import LiveRequestQueue
from google.adk.agents.run_config import RunConfig
from google.adk.events.event import Event
from google.adk.runners import InMemoryRunner
from google.genai import types
import pytest

from loopback.endpoint import Backend
from tests.marks import needs_fix_for_one_agent
from tests.marks import needs_fix_if
from tests.upstream_behaviour import closure_error
from tests.upstream_behaviour import ends_quietly_without_handle
from tests.upstream_behaviour import RESUMES_ON_GEMINI_API

# The endpoint cancels a connection idle this long, as the real service does
# after minutes; a zombie connection then shows up within a second.
IDLE_CANCEL_AFTER = 0.5
# How long a run may take to end after close(); the fork takes milliseconds,
# or ADK's one-second pause when the close comes during a hand-over.
END_TIMEOUT = 2.0
# How long a test waits for the application to close, when it closes on an
# event of the run.
CLOSE_WITHIN = 10.0
# How long the endpoint is watched after the run ended: two idle cancels.
WATCH = 2 * IDLE_CANCEL_AFTER + 0.2
MODEL = 'gemini-live-2.5-flash'
# A: with a resumption handle; B: without. From 2.7.0 stock ends B cleanly
# at a normal closure, and from 2.9.0 A too: for a single agent.
SCENARIOS = [
    pytest.param(True, id='A', marks=needs_fix_for_one_agent),
    pytest.param(
        False,
        id='B',
        marks=needs_fix_if(
            not ends_quietly_without_handle(closure_error(1000))
        ),
    ),
]


class LiveApp:
  """An application that talks to an agent through `Runner.run_live()`.

  Each `start()` is one `run_live()` call; all of them use the same runner,
  session and queue, as an application that reuses its queue does.
  """

  def __init__(self, agent, *, with_handle: bool):
    self.queue = LiveRequestQueue()
    self.events: list[Event] = []
    self.error: Optional[BaseException] = None
    self.closed_at: Optional[float] = None
    self.ended_at: Optional[float] = None
    self._runner = InMemoryRunner(agent=agent, app_name='live_e2e')
    self._run_config = RunConfig(
        response_modalities=['TEXT'],
        session_resumption=types.SessionResumptionConfig()
        if with_handle
        else None,
    )
    self._task: Optional[asyncio.Task] = None
    self._session = None

  def say(self, text: str) -> None:
    self.queue.send_content(
        types.Content(role='user', parts=[types.Part(text=text)])
    )

  def close(self) -> None:
    if self.closed_at is None:
      self.closed_at = time.monotonic()
    self.queue.close()

  def start(self, on_event: Callable[[LiveApp, Event], None] = None):
    self.error = self.ended_at = None
    self._task = asyncio.create_task(self._consume(on_event))
    return self

  async def _consume(self, on_event) -> None:
    if self._session is None:
      self._session = await self._runner.session_service.create_session(
          app_name='live_e2e', user_id='user'
      )
    try:
      async for event in self._runner.run_live(
          user_id='user',
          session_id=self._session.id,
          live_request_queue=self.queue,
          run_config=self._run_config,
      ):
        self.events.append(event)
        if on_event:
          on_event(self, event)
    except Exception as e:  # The test asserts on what reached the caller.
      self.error = e
    finally:
      self.ended_at = time.monotonic()

  async def wait_close(self) -> None:
    """Waits up to `CLOSE_WITHIN` for the application to close, or the run
    to end first."""
    deadline = time.monotonic() + CLOSE_WITHIN
    while self.closed_at is None and not self._task.done():
      assert time.monotonic() < deadline, 'the application never closed'
      await asyncio.sleep(0.005)

  async def wait_end(self, timeout: float = END_TIMEOUT) -> bool:
    """Whether the run ended within `timeout` of its close (of now, if it
    has not closed); if not, it is cancelled."""
    since = self.closed_at if self.closed_at is not None else time.monotonic()
    remaining = max(0.0, since + timeout - time.monotonic())
    done, _ = await asyncio.wait([self._task], timeout=remaining)
    if not done:
      self._task.cancel()
      with contextlib.suppress(asyncio.CancelledError):
        await self._task
    return bool(done)

  def texts(self) -> list[str]:
    return [
        part.text
        for event in self.events
        if event.content and not event.partial
        for part in event.content.parts or []
        if part.text
    ]


def close_after_first_turn(app: LiveApp, event: Event) -> None:
  if event.turn_complete:
    app.close()


def error_records(caplog) -> list[str]:
  return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def assert_closed_for_good(
    app, endpoint, caplog, connections=1, opened_after_close=0
):
  """The run ended at the close, and nothing reconnected while watched.

  A close before the run starts still lets the first connection open: the
  close request is what ends it.
  """
  # Bounds count from the close: a slow start (a first request that imports
  # much) must not fail a run that ends at once after the close.
  await app.wait_close()
  assert await app.wait_end(), (
      'run_live() did not end after close(); connections since:'
      f' {len(endpoint.opened_after(app.closed_at))}'
  )
  await asyncio.sleep(WATCH)
  assert len(endpoint.opened_after(app.closed_at)) == opened_after_close
  assert len(endpoint.connections) == connections
  last = endpoint.connections[-1]
  assert (last.closed_by, last.close_code) == ('client', 1000)
  assert not any(c.open for c in endpoint.connections)
  assert endpoint.refused == []
  assert app.error is None
  assert error_records(caplog) == []


async def wait_for_text(app: LiveApp, text: str, timeout: float = 2) -> None:
  deadline = time.monotonic() + timeout
  while text not in app.texts():
    assert time.monotonic() < deadline, f'{text!r} never came: {app.texts()}'
    await asyncio.sleep(0.005)


def resumes_on(backend: Backend) -> bool:
  """Whether a reconnect with a handle opens on `backend` at all."""
  return backend is Backend.VERTEX_AI or RESUMES_ON_GEMINI_API
