"""End-to-end: Runner.run_live over google-genai and TLS WebSockets, judged
from the endpoint's side: which connections were opened, and who closed them.
"""

from __future__ import annotations

import asyncio

from google.adk.agents.llm_agent import LlmAgent
from google.adk.models.google_llm import Gemini
from google.genai import types
import pytest

from loopback.endpoint import Backend
from loopback.endpoint import CANCELLED
from loopback.endpoint import Fault
from tests.marks import needs_fix_for_one_agent
from tests.upstream_behaviour import closure_error
from tests.upstream_behaviour import GO_AWAY_RECONNECTS
from tests.upstream_behaviour import needs_working_run_live
from tests.upstream_behaviour import resumes_after

from .live_app import assert_closed_for_good
from .live_app import close_after_first_turn
from .live_app import LiveApp
from .live_app import MODEL
from .live_app import resumes_on
from .live_app import SCENARIOS
from .live_app import wait_for_text

pytestmark = [pytest.mark.asyncio, needs_working_run_live]

# The close code the client sees when the endpoint inflicts a fault.
_CLIENT_ERROR = {
    Fault.CLOSE: 1000,
    Fault.DROP: 1006,
    Fault.CANCEL: CANCELLED[0],
}


def _resumable(*faults: Fault):
  """The faults after which this release resumes a session, as parameters;
  whether it can on the test's backend is `_skip_unless_resumes`'s."""
  return [
      pytest.param(
          fault,
          id=fault.value,
          marks=pytest.mark.skipif(
              not resumes_after(closure_error(_CLIENT_ERROR[fault])),
              reason='this release does not resume after this',
          ),
      )
      for fault in faults
  ]


def _skip_unless_resumes(backend: Backend) -> None:
  if not resumes_on(backend):
    pytest.skip(
        'this release asks for transparent resumption, which only Vertex AI'
        ' takes'
    )


def _assert_resumed(second, first, backend: Backend) -> None:
  """`second` resumed `first`'s session with its latest handle, asking for
  transparent resumption exactly where the service takes it."""
  assert second.handle == first.handles_issued[-1]
  assert second.transparent is (True if backend is Backend.VERTEX_AI else None)


def _agent(**kwargs) -> LlmAgent:
  return LlmAgent(name='live_agent', model=Gemini(model=MODEL), **kwargs)


@pytest.mark.parametrize('with_handle', SCENARIOS)
async def test_close_after_a_turn_ends_the_session(
    with_handle, start_endpoint, caplog
):
  endpoint = await start_endpoint()
  app = LiveApp(_agent(), with_handle=with_handle)
  app.say('hello')

  app.start(close_after_first_turn)

  await assert_closed_for_good(app, endpoint, caplog)
  assert 'echo: hello' in app.texts()
  if with_handle:
    assert endpoint.handles_issued


@needs_fix_for_one_agent
async def test_everything_sent_before_close_arrives_first(
    start_endpoint, caplog
):
  endpoint = await start_endpoint()
  app = LiveApp(_agent(), with_handle=True)
  for number in range(5):
    app.queue.send_realtime(
        types.Blob(data=bytes([number]) * 320, mime_type='audio/pcm')
    )
    app.say(f'turn {number}')

  app.start()
  app.close()

  await assert_closed_for_good(app, endpoint, caplog, opened_after_close=1)
  [connection] = endpoint.connections
  assert connection.texts() == [f'turn {number}' for number in range(5)]
  kinds = [next(iter(frame)) for frame in connection.frames[1:]]
  assert kinds == ['realtime_input', 'client_content'] * 5


@pytest.mark.parametrize(
    'fault', _resumable(Fault.CLOSE, Fault.DROP, Fault.CANCEL)
)
async def test_drop_before_close_resumes_with_latest_handle(
    fault, backend, start_endpoint
):
  _skip_unless_resumes(backend)
  endpoint = await start_endpoint(faults={1: fault})
  app = LiveApp(_agent(), with_handle=True)
  app.say('one')

  app.start()
  await endpoint.wait_for_connections(2, timeout=2)

  first, second = endpoint.connections[:2]
  assert first.closed_by == ('nobody' if fault is Fault.DROP else 'server')
  _assert_resumed(second, first, backend)
  assert not await app.wait_end(timeout=0.1)


@needs_fix_for_one_agent
@pytest.mark.parametrize(
    'fault', _resumable(Fault.CLOSE, Fault.DROP, Fault.CANCEL)
)
async def test_session_resumed_after_drop_then_closes_cleanly(
    fault, backend, start_endpoint, caplog
):
  _skip_unless_resumes(backend)
  endpoint = await start_endpoint(faults={1: fault})
  app = LiveApp(_agent(), with_handle=True)
  app.say('one')

  app.start()
  await endpoint.wait_for_connections(2, timeout=2)
  app.say('two')
  await wait_for_text(app, 'echo: two')
  app.close()

  await assert_closed_for_good(app, endpoint, caplog, connections=2)


# Before 2.9 stock's first run never ends at its close; from 2.9 upstream's
# `closed` is per queue and sticky: the next run on the same queue takes every
# drop for the client's close and never resumes.
@pytest.mark.needs_fix
@pytest.mark.parametrize('fault', _resumable(Fault.DROP, Fault.CANCEL))
async def test_reused_queue_resumes_after_a_drop(
    fault, backend, start_endpoint, caplog
):
  _skip_unless_resumes(backend)
  endpoint = await start_endpoint(faults={2: fault})
  app = LiveApp(_agent(), with_handle=True)
  app.say('first run')
  app.start(close_after_first_turn)
  await assert_closed_for_good(app, endpoint, caplog)

  app.closed_at = None  # The second run is judged from its own close.
  app.say('second run')
  app.start()
  await endpoint.wait_for_connections(3, timeout=2)
  second, third = endpoint.connections[1:3]
  _assert_resumed(third, second, backend)
  app.say('two')
  await wait_for_text(app, 'echo: two')
  app.close()

  await assert_closed_for_good(app, endpoint, caplog, connections=3)


@pytest.mark.skipif(
    not GO_AWAY_RECONNECTS,
    reason='this release does not resume after a goAway',
)
async def test_go_away_before_close_resumes(backend, start_endpoint):
  _skip_unless_resumes(backend)
  endpoint = await start_endpoint(faults={1: Fault.GO_AWAY})
  app = LiveApp(_agent(), with_handle=True)
  app.say('one')

  app.start()
  await endpoint.wait_for_connections(2, timeout=2)

  first, second = endpoint.connections[:2]
  _assert_resumed(second, first, backend)
  assert not await app.wait_end(timeout=0.1)


@pytest.mark.needs_fix
async def test_go_away_racing_close_does_not_resume(start_endpoint, caplog):
  endpoint = await start_endpoint(faults={1: Fault.GO_AWAY})
  app = LiveApp(_agent(), with_handle=True)
  app.say('one')

  app.start(close_after_first_turn)

  await assert_closed_for_good(app, endpoint, caplog)


@needs_fix_for_one_agent
@pytest.mark.parametrize('fault', _resumable(Fault.DROP))
async def test_close_during_reconnect_handshake(
    fault, backend, start_endpoint, caplog
):
  _skip_unless_resumes(backend)
  endpoint = await start_endpoint(faults={1: Fault.DROP}, setup_delays={2: 0.3})
  app = LiveApp(_agent(), with_handle=True)
  app.say('one')

  app.start()
  await endpoint.wait_for_connections(2, timeout=2)
  app.close()

  await assert_closed_for_good(app, endpoint, caplog, connections=2)


@needs_fix_for_one_agent
async def test_close_twice(start_endpoint, caplog):
  endpoint = await start_endpoint()
  app = LiveApp(_agent(), with_handle=True)
  app.say('hello')

  def close_twice(app, event):
    if event.turn_complete:
      app.close()
      app.close()

  app.start(close_twice)

  await assert_closed_for_good(app, endpoint, caplog)


@pytest.mark.parametrize('with_handle', SCENARIOS)
async def test_close_before_the_first_turn(with_handle, start_endpoint, caplog):
  endpoint = await start_endpoint()
  app = LiveApp(_agent(), with_handle=with_handle)

  app.close()
  app.start()

  await assert_closed_for_good(app, endpoint, caplog, opened_after_close=1)
  assert app.texts() == []


@needs_fix_for_one_agent
async def test_close_while_a_tool_runs(start_endpoint, caplog):
  tool_started = asyncio.Event()

  async def look_up_weather() -> dict:
    """Looks up the weather, slowly."""
    tool_started.set()
    await asyncio.sleep(0.3)
    return {'weather': 'sunny'}

  endpoint = await start_endpoint()
  app = LiveApp(_agent(tools=[look_up_weather]), with_handle=True)
  app.say('tool:look_up_weather')

  app.start()
  await asyncio.wait_for(tool_started.wait(), timeout=2)
  app.close()

  await assert_closed_for_good(app, endpoint, caplog)


@needs_fix_for_one_agent
async def test_close_after_transfer_to_sub_agent(
    backend, start_endpoint, caplog
):
  child = LlmAgent(name='child_agent', model=Gemini(model=MODEL))
  root = _agent(sub_agents=[child])
  # ADK waits a second before it closes the parent's connection on transfer;
  # an idle cancel in that window would be a real server error, not a close.
  endpoint = await start_endpoint(idle_cancel_after=1.5)
  # The child's connection presents the parent's handle, which releases that
  # cannot resume on the Gemini API refuse before connecting.
  app = LiveApp(root, with_handle=resumes_on(backend))
  app.say('tool:transfer_to_agent {"agent_name": "child_agent"}')

  app.start()
  await endpoint.wait_for_connections(2, timeout=5)
  app.say('hello child')
  await wait_for_text(app, 'echo: hello child')
  app.close()

  await assert_closed_for_good(app, endpoint, caplog, connections=2)
  assert any(
      event.author == 'child_agent' and event.turn_complete
      for event in app.events
  )
