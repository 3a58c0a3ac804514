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

"""Tests that no agent of a live agent tree connects after the client's close.

A transfer's sub-agent and the next agent of a sequence each open a
connection of their own on the same queue.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from typing import Callable

from google.adk.agents.live_request_queue import LiveRequestQueue
from google.adk.agents.llm_agent import LlmAgent
from google.adk.agents.run_config import RunConfig
from google.adk.agents.sequential_agent import SequentialAgent
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


class _FakeConnection(BaseLlmConnection):
  """Plays `responses`, then drops with `drop`, or else waits for `close()`,
  plays `after_close` and ends with a normal closure (1000)."""

  def __init__(
      self,
      responses: list[LlmResponse],
      *,
      drop: Exception | None = None,
      after_close: list[LlmResponse] | None = None,
  ):
    self._responses = list(responses)
    self._drop = drop
    self._after_close = list(after_close or [])
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
    raise errors.APIError(1000, {})


class _ScriptedLlm(BaseLlm):
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
      yield _FakeConnection([], drop=errors.APIError(1011, {}))


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
        run_config=RunConfig(
            session_resumption=types.SessionResumptionConfig()
        ),
    ):
      if close_when(event):
        queue.close()

  try:
    await asyncio.wait_for(consume(), _END_TIMEOUT)
  except asyncio.TimeoutError:
    pytest.fail('run_live() did not end after close()')


def _function_call(name: str, **args: Any) -> LlmResponse:
  return LlmResponse(
      content=types.Content(
          role='model',
          parts=[
              types.Part(
                  function_call=types.FunctionCall(
                      id=f'call-{name}', name=name, args=args
                  )
              )
          ],
      )
  )


def _transfers(event: Event) -> bool:
  return bool(event.actions.transfer_to_agent)


def _transfer_to(agent_name: str) -> _FakeConnection:
  return _FakeConnection(
      [_function_call('transfer_to_agent', agent_name=agent_name)]
  )


async def test_close_during_transfer_connects_no_sub_agent():
  parent = _transfer_to('child')
  llm = _ScriptedLlm(script=[parent])
  root = LlmAgent(
      name='root', model=llm, sub_agents=[LlmAgent(name='child', model=llm)]
  )

  await _run_live(InMemoryRunner(agent=root), LiveRequestQueue(), _transfers)

  assert llm.connects == [None]
  assert parent.closed.is_set()


async def test_close_during_nested_transfer_connects_no_grandchild():
  llm = _ScriptedLlm(script=[_transfer_to('child'), _transfer_to('grandchild')])
  grandchild = LlmAgent(name='grandchild', model=llm)
  child = LlmAgent(name='child', model=llm, sub_agents=[grandchild])
  root = LlmAgent(name='root', model=llm, sub_agents=[child])
  transfers = []

  def second_transfer(event: Event) -> bool:
    transfers.extend([event] if _transfers(event) else [])
    return len(transfers) == 2

  await _run_live(
      InMemoryRunner(agent=root), LiveRequestQueue(), second_transfer
  )

  assert llm.connects == [None, None]


async def test_close_made_before_the_run_connects_no_sub_agent():
  llm = _ScriptedLlm(script=[_transfer_to('child')])
  root = LlmAgent(
      name='root', model=llm, sub_agents=[LlmAgent(name='child', model=llm)]
  )
  queue = LiveRequestQueue()
  queue.send_content(types.Content(role='user', parts=[types.Part(text='hi')]))
  queue.close()

  await _run_live(InMemoryRunner(agent=root), queue, lambda event: False)

  assert llm.connects == [None]


async def test_close_on_first_agent_of_a_sequence_connects_no_next_agent():
  first = _FakeConnection([_model_turn('hello')])
  llm = _ScriptedLlm(script=[first])
  sequence = SequentialAgent(
      name='sequence',
      sub_agents=[
          LlmAgent(name='first', model=llm),
          LlmAgent(name='second', model=llm),
      ],
  )

  await _run_live(InMemoryRunner(agent=sequence), LiveRequestQueue())

  assert llm.connects == [None]
  assert first.closed.is_set()


async def test_close_at_task_completed_connects_no_next_agent():
  llm = _ScriptedLlm(
      script=[_FakeConnection([_function_call('task_completed')])]
  )
  sequence = SequentialAgent(
      name='sequence',
      sub_agents=[
          LlmAgent(name='first', model=llm),
          LlmAgent(name='second', model=llm),
      ],
  )

  def task_completed(event: Event) -> bool:
    return any(
        response.name == 'task_completed'
        for response in event.get_function_responses()
    )

  await _run_live(
      InMemoryRunner(agent=sequence), LiveRequestQueue(), task_completed
  )

  assert llm.connects == [None]
