"""Random schedules of one live session's events, and what must hold after
the client's close whatever their order.

A schedule is the agent tree that runs (one agent; a parent that transfers
to a sub-agent once, at a random step; a `SequentialAgent` of two), what the
application does (turns, tool calls, pauses, one or two closes) with random
pauses between, and what the endpoint does to the first connections after
their first turn (a normal close, a drop, a 1011 cancel, a goAway), with a
random delay before it completes a reconnect's handshake. Pauses longer than
the endpoint's idle timeout bring its 1011 cancel. Every schedule ends with a
close, after which the endpoint is watched.

About 100 schedules run by default, a third of them for each tree, as
three tests that pytest-xdist's workers can run side by side;
`--hypothesis-profile=soak` runs thousands.
"""

import asyncio
import contextlib
import dataclasses
import logging
import os

from google.adk.agents.base_agent import BaseAgent
from google.adk.agents.llm_agent import LlmAgent
from google.adk.agents.sequential_agent import SequentialAgent
from google.adk.models.google_llm import Gemini
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from loopback.endpoint import Backend
from loopback.endpoint import CANCELLED
from loopback.endpoint import Fault
from loopback.endpoint import LiveEndpoint
from tests.marks import needs_fix_if
from tests.marks import skip_on_stock
from tests.upstream_behaviour import closure_error
from tests.upstream_behaviour import FIXED_FOR_ONE_AGENT
from tests.upstream_behaviour import needs_working_run_live
from tests.upstream_behaviour import resumes_after

from .live_app import LiveApp
from .live_app import MODEL
from .live_app import resumes_on

pytestmark = needs_working_run_live

_IDLE_CANCEL_AFTER = 0.3
# The bounds: the run ends, and any connection still open closes,
# within a second of the close.
_BOUND = 1.0
# Two idle cancels: a zombie would show up in it.
_WATCH = 2 * _IDLE_CANCEL_AFTER + 0.1
# ADK waits this long after a transfer before the sub-agent takes over.
_HAND_OVER_DELAY = 1.0
_TOOL_RUNS_FOR = 0.1
_CLIENT_ERROR = {Fault.DROP: 1006, Fault.CANCEL: CANCELLED[0]}


async def look_up_weather() -> dict:
  """Looks up the weather, slowly."""
  await asyncio.sleep(_TOOL_RUNS_FOR)
  return {'weather': 'sunny'}


@dataclasses.dataclass(frozen=True)
class Schedule:
  tree: str
  with_handle: bool
  steps: tuple[tuple, ...]
  faults: dict[int, Fault]
  handshake_delay: float


_STEPS = st.one_of(
    st.tuples(st.just('say')),
    st.tuples(st.just('tool')),
    st.tuples(st.just('pause'), st.floats(0, 0.4)),
    st.tuples(st.just('close')),
)
_TRANSFER = ('transfer',)


def _steps(tree: str):
  steps = st.lists(_STEPS, max_size=6).map(tuple)
  if tree != 'transfer':
    return steps
  # One transfer, anywhere: a second one would hand back and forth.
  return st.builds(
      lambda steps, at: steps[:at] + (_TRANSFER,) + steps[at:],
      steps,
      st.integers(0, 6),
  )


_TREES = ['agent', 'transfer', 'sequence']


def _schedules(tree: str):
  return st.builds(
      Schedule,
      tree=st.just(tree),
      with_handle=st.booleans(),
      steps=_steps(tree),
      faults=st.dictionaries(st.sampled_from([1, 2]), st.sampled_from(Fault)),
      handshake_delay=st.floats(0, 0.3),
  )


def _bound(schedule: Schedule) -> float:
  """How long after the close the run may go on: a close during a transfer
  waits out ADK's hand-over."""
  return _BOUND + (_HAND_OVER_DELAY if schedule.tree == 'transfer' else 0)


def _agent(tree: str) -> BaseAgent:
  def llm_agent(name: str, **kwargs) -> LlmAgent:
    return LlmAgent(
        name=name, model=Gemini(model=MODEL), tools=[look_up_weather], **kwargs
    )

  if tree == 'transfer':
    return llm_agent('live_agent', sub_agents=[llm_agent('child_agent')])
  if tree == 'sequence':
    return SequentialAgent(
        name='sequence',
        sub_agents=[llm_agent('live_agent'), llm_agent('second_agent')],
    )
  return llm_agent('live_agent')


@dataclasses.dataclass
class _Run:
  endpoint: LiveEndpoint
  app: LiveApp
  sent_before_close: list[str]
  ended_in_bound: bool
  errors_logged: list[str]


class _ErrorRecords(logging.Handler):

  def __init__(self):
    super().__init__(logging.ERROR)
    self.messages = []

  def emit(self, record):
    self.messages.append(record.getMessage())


@contextlib.contextmanager
def _environ(values: dict[str, str], unset: tuple[str, ...]):
  saved = {name: os.environ.get(name) for name in (*values, *unset)}
  os.environ.update(values)
  for name in unset:
    os.environ.pop(name, None)
  try:
    yield
  finally:
    for name, value in saved.items():
      if value is None:
        os.environ.pop(name, None)
      else:
        os.environ[name] = value


async def _run(schedule: Schedule, backend: Backend) -> _Run:
  records = _ErrorRecords()
  logging.getLogger('google_adk').addHandler(records)
  try:
    async with LiveEndpoint(
        backend=backend,
        idle_cancel_after=_IDLE_CANCEL_AFTER,
        faults=schedule.faults,
        setup_delays={2: schedule.handshake_delay},
    ) as endpoint:
      with _environ(endpoint.environ, endpoint.environ_unset):
        app = LiveApp(
            _agent(schedule.tree), with_handle=schedule.with_handle
        ).start()
        sent = []
        for number, (kind, *arguments) in enumerate(schedule.steps):
          text = f'turn {number}'
          if kind == 'say':
            app.say(text)
          elif kind == 'tool':
            text = 'tool:look_up_weather'
            app.say(text)
          elif kind == 'transfer':
            text = 'tool:transfer_to_agent {"agent_name": "child_agent"}'
            app.say(text)
          elif kind == 'pause':
            await asyncio.sleep(*arguments)
          else:
            app.close()
          if kind in ('say', 'tool', 'transfer') and app.closed_at is None:
            sent.append(text)
        app.close()
        ended = await app.wait_end(_bound(schedule))
        await asyncio.sleep(_WATCH)
        return _Run(endpoint, app, sent, ended, records.messages)
  finally:
    logging.getLogger('google_adk').removeHandler(records)


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
  rest = iter(whole)
  return all(item in rest for item in part)


def _check(schedule: Schedule, backend: Backend, run: _Run) -> None:
  endpoint, app = run.endpoint, run.app
  closed_at = app.closed_at
  running_at_close = app.ended_at is None or app.ended_at > closed_at
  # At most one connection opens after the close: the one whose connect was
  # in flight, or the next one if no connection was there to take the close.
  # It delivers what was queued and closes; it is not left to idle.
  opened_after_close = endpoint.opened_after(closed_at)
  assert len(opened_after_close) <= 1
  for connection in opened_after_close:
    if connection.number not in schedule.faults:
      assert connection.closed_by == 'client', connection
  assert run.ended_in_bound, 'run_live() went on after the close'
  for connection in endpoint.connections:
    assert not connection.open
    if connection.closed_at > closed_at:
      since = max(closed_at, connection.opened_at)
      assert connection.closed_at - since <= _bound(schedule)
  last = endpoint.connections[-1] if endpoint.connections else None
  if (
      running_at_close
      and last
      and (last.closed_by, last.close_code)
      == (
          'client',
          1000,
      )
  ):
    assert app.error is None
    assert run.errors_logged == []
  if schedule.tree != 'agent':
    # A further agent's connection starts with the session's history, which
    # the checks below would take for the application's turns.
    return
  # What the application queued arrives in order, and in full unless a
  # connection broke (a fault, an idle cancel) while it was on its way.
  received = [
      text for connection in endpoint.connections for text in connection.texts()
  ]
  disturbed = schedule.faults or any(
      connection.closed_by != 'client' for connection in endpoint.connections
  )
  if disturbed:
    assert _is_subsequence(received, run.sent_before_close)
  elif running_at_close:
    assert received == run.sent_before_close
  # Before the close, a drop with a handle resumes where stock resumes.
  first = endpoint.connections[0] if endpoint.connections else None
  fault = schedule.faults.get(1)
  if (
      schedule.with_handle
      and fault in _CLIENT_ERROR
      and first is not None
      and first.closed_by in ('nobody', 'server')
      and first.handles_issued
      and first.closed_at < closed_at - _BOUND
      and resumes_on(backend)
      and resumes_after(closure_error(_CLIENT_ERROR[fault]))
  ):
    assert endpoint.connections[1].handle == first.handles_issued[-1]


def _schedules_test(tree: str):
  """The test of `tree`'s schedules, with its share of the profile's."""
  share = max(1, settings.default.max_examples // len(_TREES))

  # From 2.9 upstream ends a lone agent at the close, not the agent tree. A
  # transfer's hand-over is too short a window for the schedules to hit on
  # every run, so there stock may pass or fail: it is not run on stock
  # (test_close_agent_tree.py hits the window on purpose).
  if tree == 'transfer' and FIXED_FOR_ONE_AGENT:
    on_stock = skip_on_stock
  else:
    on_stock = needs_fix_if(tree == 'sequence' or not FIXED_FOR_ONE_AGENT)

  @on_stock
  @settings(max_examples=share)
  @given(schedule=_schedules(tree))
  def test(backend, schedule):
    _check(schedule, backend, asyncio.run(_run(schedule, backend)))

  return test


test_no_agent_schedule_outlives_the_close = _schedules_test('agent')
test_no_transfer_schedule_outlives_the_close = _schedules_test('transfer')
test_no_sequence_schedule_outlives_the_close = _schedules_test('sequence')
