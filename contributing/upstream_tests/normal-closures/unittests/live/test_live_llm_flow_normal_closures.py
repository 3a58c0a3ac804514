# Copyright 2026 Google LLC
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Tests that every normal closure after the client's close ends a live run.

websockets counts 1000, 1001 (going away) and 1005 (a close frame without a
status code) as a normal closure; a server may answer the close with any.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from typing import Callable

from google.adk.agents.live_request_queue import LiveRequestQueue
from google.adk.agents.llm_agent import LlmAgent
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
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close

# Bounds a run that never ends; the first run of a process also imports what
# the live flow needs.
_END_TIMEOUT = 10.0


class _FakeConnection(BaseLlmConnection):
  """Plays `responses`, waits for `close()` and ends with `on_close`."""

  def __init__(self, responses: list[LlmResponse], *, on_close: Exception):
    self._responses = list(responses)
    self._on_close = on_close
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
    await self.closed.wait()
    raise self._on_close


class _ScriptedLlm(BaseLlm):
  """Hands out the scripted connections in order."""

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
    yield self.script.pop(0)


def _handle_update(handle: str) -> LlmResponse:
  return LlmResponse(
      live_session_resumption_update=types.LiveServerSessionResumptionUpdate(
          new_handle=handle, resumable=True
      )
  )


def _model_turn(text: str) -> LlmResponse:
  return LlmResponse(
      content=types.Content(role='model', parts=[types.Part(text=text)]),
      turn_complete=True,
  )


def _has_text(event: Event) -> bool:
  return bool(event.content and event.content.parts)


async def _run_live(
    runner: InMemoryRunner,
    queue: LiveRequestQueue,
    run_config: RunConfig,
    close_when: Callable[[Event], bool] = _has_text,
) -> None:
  """Runs the agent live, closing `queue` at the first event `close_when`
  accepts; fails the test unless the run then ends by itself."""
  session = await runner.session_service.create_session(
      app_name=runner.app_name, user_id='user'
  )

  async def consume():
    async for event in runner.run_live(
        user_id='user',
        session_id=session.id,
        live_request_queue=queue,
        run_config=run_config,
    ):
      if close_when(event):
        queue.close()

  try:
    await asyncio.wait_for(consume(), _END_TIMEOUT)
  except asyncio.TimeoutError:
    pytest.fail('run_live() did not end after close()')


@pytest.mark.parametrize(
    'closure',
    [
        errors.APIError(1001, {}),
        errors.APIError(1005, {}),
        ConnectionClosed(Close(1001, ''), None),
        ConnectionClosed(Close(1005, ''), None),
    ],
    ids=['APIError(1001)', 'APIError(1005)', 'Closed(1001)', 'Closed(1005)'],
)
@pytest.mark.parametrize(
    'session_resumption',
    [types.SessionResumptionConfig(), None],
    ids=['with_handle', 'without_handle'],
)
async def test_close_then_normal_closure_ends_run_without_error(
    closure, session_resumption, caplog
):
  caplog.set_level(logging.INFO)
  connection = _FakeConnection(
      [_handle_update('handle-1'), _model_turn('hello')], on_close=closure
  )
  llm = _ScriptedLlm(script=[connection])
  runner = InMemoryRunner(agent=LlmAgent(name='agent', model=llm))

  await _run_live(
      runner,
      LiveRequestQueue(),
      RunConfig(session_resumption=session_resumption),
  )

  assert llm.connects == [None]
  assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
