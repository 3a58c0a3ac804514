"""End-to-end: a close ends the whole live session, whatever agent runs it.

Transfers to a sub-agent, agents run in sequence, a queue reused by a second
`run_live()` call, and an endpoint that answers the client's close with
another normal closure code, judged from the endpoint's records.
"""

from __future__ import annotations

import asyncio
import time
from typing import AsyncGenerator

from google.adk.agents.base_agent import BaseAgent
from google.adk.agents.invocation_context import InvocationContext
from google.adk.agents.llm_agent import LlmAgent
from google.adk.agents.sequential_agent import SequentialAgent
from google.adk.events.event import Event
from google.adk.models.google_llm import Gemini
import pytest

from tests.marks import needs_fix_before
from tests.upstream_behaviour import needs_working_run_live

from .live_app import assert_closed_for_good
from .live_app import close_after_first_turn
from .live_app import END_TIMEOUT
from .live_app import error_records
from .live_app import LiveApp
from .live_app import MODEL
from .live_app import SCENARIOS
from .live_app import wait_for_text

pytestmark = [pytest.mark.asyncio, needs_working_run_live]

_WITH_HANDLE = [pytest.param(True, id='A'), pytest.param(False, id='B')]
# ADK waits this long after a transfer or `task_completed` before it closes
# the agent's connection and runs the next one.
_HAND_OVER_DELAY = 1.0
# No idle cancel during the hand-over: that would be a real server error.
_IDLE_CANCEL_AFTER = _HAND_OVER_DELAY + 0.5


def _llm_agent(name: str, **kwargs) -> LlmAgent:
  return LlmAgent(name=name, model=Gemini(model=MODEL), **kwargs)


def _transfer_event(event: Event) -> bool:
  return bool(event.actions and event.actions.transfer_to_agent)


@pytest.mark.needs_fix
@pytest.mark.parametrize('with_handle', _WITH_HANDLE)
@pytest.mark.parametrize('close_after', [0, 0.9], ids=['at-once', 'late'])
async def test_close_during_transfer_connects_no_sub_agent(
    with_handle, close_after, start_endpoint, caplog
):
  endpoint = await start_endpoint(idle_cancel_after=_IDLE_CANCEL_AFTER)
  root = _llm_agent('live_agent', sub_agents=[_llm_agent('child_agent')])
  app = LiveApp(root, with_handle=with_handle)
  app.say('tool:transfer_to_agent {"agent_name": "child_agent"}')

  def close_after_transfer(app: LiveApp, event: Event) -> None:
    if _transfer_event(event):
      asyncio.get_running_loop().call_later(close_after, app.close)

  app.start(close_after_transfer)

  await assert_closed_for_good(app, endpoint, caplog)


class _AgentsInTurn(BaseAgent):
  """A custom agent that runs its sub-agents live, one after another."""

  async def _run_async_impl(
      self, ctx: InvocationContext
  ) -> AsyncGenerator[Event, None]:
    raise NotImplementedError('live only')
    yield  # pylint: disable=unreachable

  async def _run_live_impl(
      self, ctx: InvocationContext
  ) -> AsyncGenerator[Event, None]:
    for agent in self.sub_agents:
      async for event in agent.run_live(ctx):
        yield event


_SEQUENCES = {'SequentialAgent': SequentialAgent, 'custom': _AgentsInTurn}


def _sequence(kind: str) -> BaseAgent:
  return _SEQUENCES[kind](
      name='sequence',
      sub_agents=[_llm_agent('first_agent'), _llm_agent('second_agent')],
  )


@pytest.mark.needs_fix
@pytest.mark.parametrize('with_handle', _WITH_HANDLE)
@pytest.mark.parametrize('kind', _SEQUENCES)
async def test_close_in_a_sequence_connects_no_next_agent(
    kind, with_handle, start_endpoint, caplog
):
  endpoint = await start_endpoint(idle_cancel_after=_IDLE_CANCEL_AFTER)
  app = LiveApp(_sequence(kind), with_handle=with_handle)
  app.say('hello')

  app.start(close_after_first_turn)

  await assert_closed_for_good(app, endpoint, caplog)
  assert 'echo: hello' in app.texts()


@pytest.mark.needs_fix
async def test_close_at_task_completed_connects_no_next_agent(
    start_endpoint, caplog
):
  endpoint = await start_endpoint(idle_cancel_after=_IDLE_CANCEL_AFTER)
  app = LiveApp(_sequence('SequentialAgent'), with_handle=False)
  app.say('tool:task_completed')

  def close_at_task_completed(app: LiveApp, event: Event) -> None:
    if any(r.name == 'task_completed' for r in event.get_function_responses()):
      app.close()

  app.start(close_at_task_completed)

  await assert_closed_for_good(app, endpoint, caplog)


@pytest.mark.parametrize('with_handle', SCENARIOS)
async def test_reused_queue_runs_until_its_own_close(
    with_handle, start_endpoint, caplog
):
  endpoint = await start_endpoint()
  app = LiveApp(_llm_agent('live_agent'), with_handle=with_handle)
  app.say('first run')
  app.start(close_after_first_turn)
  await assert_closed_for_good(app, endpoint, caplog)

  app.say('second run')
  app.closed_at = None  # The second run is judged from its own close.
  app.start(close_after_first_turn)

  await assert_closed_for_good(app, endpoint, caplog, connections=2)
  # The second connection gets the session's history, then the new turn.
  assert endpoint.connections[1].texts()[-1] == 'second run'
  assert 'echo: second run' in app.texts()


@pytest.mark.needs_fix
@pytest.mark.parametrize('with_handle', _WITH_HANDLE)
@pytest.mark.parametrize('close_reply', [1001, 1005])
async def test_other_normal_closure_codes_end_the_session(
    close_reply, with_handle, start_endpoint, caplog
):
  endpoint = await start_endpoint(close_reply=close_reply)
  app = LiveApp(_llm_agent('live_agent'), with_handle=with_handle)
  app.say('hello')

  app.start(close_after_first_turn)

  await assert_closed_for_good(app, endpoint, caplog)


class _AgentsInALoop(_AgentsInTurn):
  """A custom agent that runs its sub-agents live in a loop, as apps write
  for want of a live `LoopAgent`; with `checks_closed` it ends the loop once
  the queue is closed, as the docs ask of composite agents."""

  checks_closed: bool = False

  async def _run_live_impl(
      self, ctx: InvocationContext
  ) -> AsyncGenerator[Event, None]:
    while True:
      for agent in self.sub_agents:
        async for event in agent.run_live(ctx):
          yield event
        if self.checks_closed and ctx.live_request_queue.closed:
          return


# How long another session of the same process may wait for its answer. A
# starved one never gets it; a loop that yields still takes its share of a
# busy machine (0.15 s seen with two test workers on two cores).
_ANSWER_WITHIN = 0.5


async def _answer_time(app: LiveApp, text: str) -> float:
  """Seconds from `app.say(text)` until its echo arrives."""
  started = time.monotonic()
  app.say(text)
  await wait_for_text(app, f'echo: {text}')
  return time.monotonic() - started


def _loop(checks_closed: bool) -> _AgentsInALoop:
  return _AgentsInALoop(
      name='loop',
      checks_closed=checks_closed,
      sub_agents=[_llm_agent('first_agent'), _llm_agent('second_agent')],
  )


@pytest.mark.parametrize(
    'checks_closed',
    [
        # Before 2.9 stock has no `closed` to check.
        pytest.param(True, id='checks', marks=needs_fix_before('2.9.0')),
        pytest.param(False, id='does-not-check', marks=pytest.mark.needs_fix),
    ],
)
async def test_close_in_a_loop_of_agents_starves_no_other_session(
    checks_closed, start_endpoint, caplog
):
  endpoint = await start_endpoint(idle_cancel_after=_IDLE_CANCEL_AFTER)
  other = LiveApp(_llm_agent('other_agent'), with_handle=False).start()
  assert await _answer_time(other, 'warm up') < END_TIMEOUT
  app = LiveApp(_loop(checks_closed), with_handle=False)
  app.say('hello')

  app.start(close_after_first_turn)
  await wait_for_text(app, 'echo: hello')
  await asyncio.sleep(0.05)  # The loop is at work after the close.

  assert await _answer_time(other, 'ping') < _ANSWER_WITHIN
  assert endpoint.opened_after(app.closed_at) == []
  assert app.error is None
  assert error_records(caplog) == []
  ended = [
      r.getMessage()
      for r in caplog.records
      if r.getMessage().startswith('Live request queue closed')
  ]
  # Once for each agent that ended, however often the loop came round.
  assert len(ended) == len(set(ended)) <= 2
  if checks_closed:
    assert await app.wait_end()
  else:
    assert not await app.wait_end(timeout=0.1)
  other.close()
  assert await other.wait_end()
