"""Tests for how run_live() ends after LiveRequestQueue.close().

The model's live connections are scripted fakes; everything between them and
the caller (runner, agent, flow, queue) is the installed google-adk.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from typing import Any
from typing import AsyncGenerator
from typing import Callable
from typing import Optional

from google.adk.agents.base_agent import BaseAgent
from google.adk.agents.invocation_context import InvocationContext
from google.adk.agents.live_request_queue import LiveRequest
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
from websockets.exceptions import ConnectionClosed
from websockets.exceptions import ConnectionClosedError
from websockets.exceptions import ConnectionClosedOK
from websockets.frames import Close

from tests.marks import needs_fix_for_one_agent
from tests.upstream_behaviour import ends_quietly_without_handle
from tests.upstream_behaviour import GO_AWAY_RECONNECTS
from tests.upstream_behaviour import needs_working_run_live
from tests.upstream_behaviour import resumes_after

pytestmark = needs_working_run_live

# How long a run may take to end once the queue is closed. The fake
# connections answer at once, so this only bounds a run that never ends.
_END_TIMEOUT = 2.0
# How long a run may take before that, or to end without a close: the first
# run in a process imports much of ADK and google-genai on its way (2.2 s on
# 2.13.0, stock and fork alike).
_RUN_TIMEOUT = 30.0
_AGENT_NAME = 'live_agent'


def _api_error(code: int) -> errors.APIError:
  # As google-genai raises it when its websocket closes with `code`; every
  # release of it takes a dict as the response.
  return errors.APIError(code, {'message': f'closed with {code}'})


def _closed(code: int) -> ConnectionClosed:
  if code in (1000, 1001, 1005):
    return ConnectionClosed(Close(code, ''), None)
  return ConnectionClosedError(Close(code, 'error'), None)


def _closed_ok() -> ConnectionClosedOK:
  return ConnectionClosedOK(Close(1000, ''), Close(1000, ''), True)


_WITH_HANDLE = [pytest.param(True, id='A'), pytest.param(False, id='B')]
# What websockets counts as a normal closure: 1000, 1001 and no status (1005).
_NORMAL_CLOSURES = {
    'APIError(1000)': lambda: _api_error(1000),
    'APIError(1001)': lambda: _api_error(1001),
    'APIError(1005)': lambda: _api_error(1005),
    'ConnectionClosedOK': _closed_ok,
    'ConnectionClosed(1000)': lambda: _closed(1000),
    'ConnectionClosed(1001)': lambda: _closed(1001),
    'ConnectionClosed(1005)': lambda: _closed(1005),
}


def _params(makers: dict[str, Callable[[], Exception]]):
  """One parameter per connection error, named by its key."""
  return [pytest.param(make, id=name) for name, make in makers.items()]


def _handle_update(handle: str) -> LlmResponse:
  return LlmResponse(
      live_session_resumption_update=types.LiveServerSessionResumptionUpdate(
          new_handle=handle, resumable=True
      )
  )


def _after_handle_update(
    with_handle: bool, *responses: LlmResponse
) -> list[LlmResponse]:
  """`responses`, after a resumption handle update if `with_handle`."""
  update = [_handle_update('handle-1')] if with_handle else []
  return update + list(responses)


def _model_turn(text: str) -> LlmResponse:
  return LlmResponse(
      content=types.Content(role='model', parts=[types.Part(text=text)]),
      turn_complete=True,
  )


def _go_away() -> LlmResponse:
  return LlmResponse(go_away=types.LiveServerGoAway(time_left='1s'))


class _FakeConnection(BaseLlmConnection):
  """A live connection that plays scripted responses, then ends as told.

  After its responses it either drops with `drop`, or waits until `close()` and
  then plays `after_close` and raises `on_close`. Without either it idles
  until closed, like a real connection nobody talks to.
  """

  def __init__(
      self,
      responses: list[LlmResponse] = (),
      *,
      drop: Optional[Exception] = None,
      after_close: list[LlmResponse] = (),
      on_close: Optional[Exception] = None,
  ):
    self._responses = list(responses)
    self._drop = drop
    self._after_close = list(after_close)
    self._on_close = on_close or _api_error(1000)
    self.closed = asyncio.Event()
    self.sent: list[Any] = []

  async def send_history(self, history: list[types.Content]):
    self.sent.append(history)

  async def send_content(self, content: types.Content):
    self.sent.append(content)

  async def send_realtime(self, blob: types.Blob):
    self.sent.append(blob)

  async def close(self):
    self.closed.set()

  async def receive(self) -> AsyncGenerator[LlmResponse, None]:
    while self._responses:
      yield self._responses.pop(0)
    if self._drop:
      raise self._drop
    await self.closed.wait()
    while self._after_close:
      yield self._after_close.pop(0)
    raise self._on_close


class _ScriptedLlm(BaseLlm):
  """A model whose connect() hands out scripted connections in order.

  Past the script it hands out idle connections, so a reconnect the test did
  not expect shows up in `connects` instead of failing inside the flow.
  """

  model: str = 'scripted-live-model'
  script: list[Any] = Field(default_factory=list)
  connects: list[Optional[str]] = Field(default_factory=list)
  """The resumption handle each connect() was made with."""
  before_connect: Optional[Callable[[int], None]] = None
  """Called with the connect's number (from 1) while it is in flight."""

  async def generate_content_async(self, llm_request, stream=False):
    raise NotImplementedError('live only')
    yield  # pylint: disable=unreachable

  @contextlib.asynccontextmanager
  async def connect(self, llm_request):
    config = llm_request.live_connect_config
    resumption = config.session_resumption if config else None
    self.connects.append(resumption.handle if resumption else None)
    if self.before_connect:
      self.before_connect(len(self.connects))
    await asyncio.sleep(0)
    yield self.script.pop(0) if self.script else _FakeConnection()


def _has_text(event: Event) -> bool:
  return bool(
      event.content and event.content.parts and event.content.parts[0].text
  )


class _LiveRun:
  """Runs an agent live; each run closes the queue when `close_when` holds.

  Every run uses the same runner, session and queue, as an application that
  reuses its queue would.
  """

  def __init__(
      self,
      llm: _ScriptedLlm,
      *,
      with_handle: bool,
      agent: Optional[BaseAgent] = None,
      queue: Optional[LiveRequestQueue] = None,
  ):
    self.llm = llm
    self.queue = queue or LiveRequestQueue()
    self.events = []
    self._runner = InMemoryRunner(
        agent=agent or LlmAgent(name=_AGENT_NAME, model=llm),
        app_name='live_close',
    )
    self._run_config = RunConfig(
        session_resumption=types.SessionResumptionConfig()
        if with_handle
        else None
    )
    self._session = None
    self._closed = asyncio.Event()

  def close(self):
    """Closes the queue, as the application does; the end is timed from
    here."""
    self.queue.close()
    self._closed.set()

  async def _consume(self, close_when: Optional[Callable[[Event], bool]]):
    if self._session is None:
      self._session = await self._runner.session_service.create_session(
          app_name='live_close', user_id='user'
      )
    async for event in self._runner.run_live(
        user_id='user',
        session_id=self._session.id,
        live_request_queue=self.queue,
        run_config=self._run_config,
    ):
      self.events.append(event)
      if close_when and close_when(event):
        self.close()

  async def until_end(
      self, close_when: Optional[Callable[[Event], bool]] = _has_text
  ):
    """Runs to the end; fails the test if the run does not end by itself:
    within _END_TIMEOUT of close(), or of _RUN_TIMEOUT without one."""
    run = asyncio.create_task(self._consume(close_when))
    closed = asyncio.create_task(self._closed.wait())
    try:
      await asyncio.wait(
          [run, closed],
          timeout=_RUN_TIMEOUT,
          return_when=asyncio.FIRST_COMPLETED,
      )
      if closed.done():
        await asyncio.wait([run], timeout=_END_TIMEOUT)
      if not run.done():
        waited = (
            f'{_END_TIMEOUT}s after close()'
            if closed.done()
            else f'{_RUN_TIMEOUT}s, with no close()'
        )
        pytest.fail(
            f'run_live() had not ended {waited}; connects so far:'
            f' {self.llm.connects}'
        )
      run.result()  # The run's own error, if it raised one.
    finally:
      for task in (run, closed):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
          await task

  async def until_connects(self, count: int):
    """Runs until the model has been connected `count` times, then stops."""
    task = asyncio.create_task(self._consume(close_when=None))
    try:
      for _ in range(int(_RUN_TIMEOUT / 0.01)):
        if len(self.llm.connects) >= count or task.done():
          break
        await asyncio.sleep(0.01)
    finally:
      task.cancel()
      with contextlib.suppress(asyncio.CancelledError):
        await task


def _errors_logged(caplog) -> list[str]:
  return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _client_close_logged(caplog) -> bool:
  return any(
      r.levelno == logging.INFO
      and 'Live request queue closed' in r.getMessage()
      and _AGENT_NAME in r.getMessage()
      for r in caplog.records
  )


@pytest.fixture(autouse=True)
def _log_info(caplog):
  caplog.set_level(logging.INFO, logger='google_adk')


@pytest.mark.needs_fix
@pytest.mark.asyncio
@pytest.mark.parametrize('with_handle', _WITH_HANDLE)
@pytest.mark.parametrize('closure', _NORMAL_CLOSURES, ids=_NORMAL_CLOSURES)
async def test_close_ends_run_after_normal_closure(
    closure, with_handle, caplog
):
  connection = _FakeConnection(
      _after_handle_update(with_handle, _model_turn('hello')),
      on_close=_NORMAL_CLOSURES[closure](),
  )
  llm = _ScriptedLlm(script=[connection])
  run = _LiveRun(llm, with_handle=with_handle)

  await run.until_end()

  assert connection.closed.is_set()
  assert len(llm.connects) == 1
  assert _errors_logged(caplog) == []
  assert _client_close_logged(caplog)


_ABNORMAL_CLOSURES = {
    'APIError(1006)': lambda: _api_error(1006),
    'APIError(1011)': lambda: _api_error(1011),
    'Closed(1006)': lambda: _closed(1006),
    'Closed(1011)': lambda: _closed(1011),
}


def _abnormal_closures(stock_resumes: bool):
  """The abnormal closures after which stock does, or does not, resume."""
  return _params(
      {
          name: make
          for name, make in _ABNORMAL_CLOSURES.items()
          if resumes_after(make()) == stock_resumes
      }
  )


async def _assert_raises_without_reconnect(error: Exception) -> None:
  connection = _FakeConnection(
      [_handle_update('handle-1'), _model_turn('hello')], on_close=error
  )
  llm = _ScriptedLlm(script=[connection])
  run = _LiveRun(llm, with_handle=True)

  with pytest.raises(type(error)) as raised:
    await run.until_end()

  assert raised.value is error
  assert llm.connects == [None]


@needs_fix_for_one_agent
@pytest.mark.asyncio
@pytest.mark.parametrize('abnormal', _abnormal_closures(stock_resumes=True))
async def test_close_then_abnormal_closure_raises_without_reconnect(abnormal):
  await _assert_raises_without_reconnect(abnormal())


@pytest.mark.asyncio
@pytest.mark.parametrize('abnormal', _abnormal_closures(stock_resumes=False))
async def test_close_then_closure_stock_does_not_resume_after_raises(
    abnormal,
):
  await _assert_raises_without_reconnect(abnormal())


@pytest.mark.asyncio
@pytest.mark.parametrize(
    'drop',
    _params(
        {
            'APIError(1000)': lambda: _api_error(1000),
            'APIError(1006)': lambda: _api_error(1006),
            'APIError(1011)': lambda: _api_error(1011),
            'Closed(1000)': lambda: _closed(1000),
            'Closed(1006)': lambda: _closed(1006),
            'ClosedOK': _closed_ok,
        }
    ),
)
async def test_drop_without_close_does_what_stock_does(drop):
  error = drop()
  first = _FakeConnection(
      [_handle_update('handle-1'), _handle_update('handle-2')], drop=error
  )
  llm = _ScriptedLlm(script=[first])
  run = _LiveRun(llm, with_handle=True)

  if resumes_after(error):
    await run.until_connects(2)
    assert llm.connects == [None, 'handle-2']
  else:
    with pytest.raises(type(error)):
      await run.until_end(close_when=None)
    assert llm.connects == [None]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    'drop',
    [lambda: _api_error(1000), lambda: _api_error(1006), lambda: _closed(1006)],
    ids=['APIError(1000)', 'APIError(1006)', 'Closed(1006)'],
)
async def test_drop_without_close_or_handle_does_what_stock_does(drop, caplog):
  error = drop()
  llm = _ScriptedLlm(script=[_FakeConnection([_model_turn('hi')], drop=error)])
  run = _LiveRun(llm, with_handle=False)

  if ends_quietly_without_handle(error):
    await run.until_end(close_when=None)
    assert _errors_logged(caplog) == []
  else:
    with pytest.raises(type(error)) as raised:
      await run.until_end(close_when=None)
    assert raised.value is error
    assert _errors_logged(caplog)
  assert llm.connects == [None]


@pytest.mark.needs_fix
@pytest.mark.skipif(
    not GO_AWAY_RECONNECTS, reason='this release ignores goAway'
)
@pytest.mark.asyncio
async def test_go_away_after_close_does_not_reconnect():
  connection = _FakeConnection(
      [_handle_update('handle-1'), _model_turn('hello')],
      after_close=[_go_away()],
  )
  llm = _ScriptedLlm(script=[connection])
  run = _LiveRun(llm, with_handle=True)

  await run.until_end()

  assert llm.connects == [None]


@needs_fix_for_one_agent
@pytest.mark.skipif(
    not resumes_after(_api_error(1006)), reason='this release never reconnects'
)
@pytest.mark.asyncio
async def test_close_during_reconnect_closes_new_connection(caplog):
  first = _FakeConnection([_handle_update('handle-1')], drop=_api_error(1006))
  second = _FakeConnection([_handle_update('handle-2')])
  llm = _ScriptedLlm(script=[first, second])
  run = _LiveRun(llm, with_handle=True)

  def close_during_second_connect(number: int):
    if number == 2:
      run.close()

  llm.before_connect = close_during_second_connect

  await run.until_end(close_when=None)

  assert llm.connects == [None, 'handle-1']
  assert second.closed.is_set()
  assert _errors_logged(caplog) == []


def _function_call(name: str, **args) -> LlmResponse:
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


def _closes_later(run: _LiveRun, delay: float) -> Callable[[Event], bool]:
  """Closes the queue `delay` seconds after the transfer event."""

  def close_when(event: Event) -> bool:
    if _transfers(event):
      asyncio.get_running_loop().call_later(delay, run.close)
    return False

  return close_when


# Where releases keep the pause before a hand-over: the flow module up to
# 2.10, the live flow utilities from 2.11.
_HAND_OVER_MODULES = (
    'google.adk.flows.llm_flows.base_llm_flow',
    'google.adk.live._flow_utils',
    'google.adk.live._live_llm_flow',
)


@pytest.fixture
def hand_over_takes_an_hour(monkeypatch):
  """Makes ADK's pause before a hand-over an hour long, so that a run that
  waits it out cannot end within the test's bound."""
  for name in _HAND_OVER_MODULES:
    try:
      module = importlib.import_module(name)
    except ModuleNotFoundError:  # Not in this release.
      continue
    for delay in (
        'DEFAULT_TRANSFER_AGENT_DELAY',
        'DEFAULT_TASK_COMPLETION_DELAY',
    ):
      if hasattr(module, delay):
        monkeypatch.setattr(module, delay, 3600)


@pytest.mark.needs_fix
@pytest.mark.asyncio
@pytest.mark.parametrize('with_handle', _WITH_HANDLE)
# Each close lands in ADK's pause before the hand-over.
@pytest.mark.parametrize('close_after', [None, 0.5, 0.9], ids=str)
async def test_close_during_transfer_connects_no_sub_agent(
    with_handle, close_after, hand_over_takes_an_hour, caplog
):
  parent = _FakeConnection(
      _after_handle_update(
          with_handle, _function_call('transfer_to_agent', agent_name='child')
      )
  )
  llm = _ScriptedLlm(script=[parent])
  root = LlmAgent(
      name=_AGENT_NAME,
      model=llm,
      sub_agents=[LlmAgent(name='child', model=llm)],
  )
  run = _LiveRun(llm, with_handle=with_handle, agent=root)

  await run.until_end(
      _transfers if close_after is None else _closes_later(run, close_after)
  )

  assert llm.connects == [None]
  assert parent.closed.is_set()
  assert _errors_logged(caplog) == []


class _AgentsInTurn(BaseAgent):
  """A custom agent that runs its sub-agents live one after another."""

  async def _run_async_impl(self, ctx: InvocationContext):
    raise NotImplementedError('live only')
    yield  # pylint: disable=unreachable

  async def _run_live_impl(self, ctx: InvocationContext):
    for agent in self.sub_agents:
      async for event in agent.run_live(ctx):
        yield event


_SEQUENCES = {
    'SequentialAgent': SequentialAgent,
    'custom': _AgentsInTurn,
}


def _sequence(kind: str, llm: _ScriptedLlm) -> BaseAgent:
  return _SEQUENCES[kind](
      name='sequence',
      sub_agents=[
          LlmAgent(name=_AGENT_NAME, model=llm),
          LlmAgent(name='second', model=llm),
      ],
  )


@pytest.mark.needs_fix
@pytest.mark.asyncio
@pytest.mark.parametrize('with_handle', _WITH_HANDLE)
@pytest.mark.parametrize('kind', _SEQUENCES, ids=_SEQUENCES)
async def test_close_in_a_sequence_connects_no_next_agent(
    kind, with_handle, caplog
):
  first = _FakeConnection(_after_handle_update(with_handle, _model_turn('hi')))
  llm = _ScriptedLlm(script=[first])
  run = _LiveRun(llm, with_handle=with_handle, agent=_sequence(kind, llm))

  await run.until_end()

  assert llm.connects == [None]
  assert first.closed.is_set()
  assert _errors_logged(caplog) == []
  assert _client_close_logged(caplog)


def _task_completed(event: Event) -> bool:
  return any(
      response.name == 'task_completed'
      for response in event.get_function_responses()
  )


@pytest.mark.needs_fix
@pytest.mark.asyncio
async def test_close_at_task_completed_connects_no_next_agent(
    hand_over_takes_an_hour, caplog
):
  first = _FakeConnection([_function_call('task_completed')])
  llm = _ScriptedLlm(script=[first])
  run = _LiveRun(
      llm, with_handle=False, agent=_sequence('SequentialAgent', llm)
  )

  await run.until_end(_task_completed)

  assert llm.connects == [None]
  assert _errors_logged(caplog) == []


@pytest.mark.needs_fix
@pytest.mark.asyncio
@pytest.mark.parametrize('with_handle', _WITH_HANDLE)
async def test_reused_queue_runs_until_its_own_close(with_handle, caplog):
  connections = [
      _FakeConnection(_after_handle_update(with_handle, _model_turn(text)))
      for text in ('first run', 'second run')
  ]
  llm = _ScriptedLlm(script=list(connections))
  run = _LiveRun(llm, with_handle=with_handle)
  await run.until_end()

  await run.until_end()

  assert llm.connects == [None, None]
  assert all(connection.closed.is_set() for connection in connections)
  assert run.events[-1].content.parts[0].text == 'second run'
  assert _errors_logged(caplog) == []
  assert _client_close_logged(caplog)


class _EndsStreamsAfterClose(_FakeConnection):
  """Ends each receive stream without an error once closed, as a custom
  connection may. A flow that keeps asking gets an error after a while."""

  _MAX_STREAMS = 100

  def __init__(self, responses):
    super().__init__(responses)
    self.streams = 0

  async def receive(self) -> AsyncGenerator[LlmResponse, None]:
    self.streams += 1
    if self.streams > self._MAX_STREAMS:
      raise RuntimeError(f'asked for {self.streams} receive streams')
    while self._responses:
      yield self._responses.pop(0)
    await self.closed.wait()


@needs_fix_for_one_agent
@pytest.mark.asyncio
async def test_receive_streams_ending_after_close_end_the_run():
  connection = _EndsStreamsAfterClose([_model_turn('hello')])
  llm = _ScriptedLlm(script=[connection])
  run = _LiveRun(llm, with_handle=False)

  await run.until_end()

  assert llm.connects == [None]
  assert connection.streams <= 2


@pytest.mark.asyncio
@pytest.mark.parametrize('with_handle', _WITH_HANDLE)
async def test_tool_error_after_close_keeps_stocks_error_record(
    with_handle, caplog
):
  run = None

  def look_up_order() -> dict:
    """Fails after the application closed the queue."""
    run.close()
    raise RuntimeError('backend down')

  connection = _FakeConnection(
      _after_handle_update(with_handle, _function_call('look_up_order'))
  )
  llm = _ScriptedLlm(script=[connection])
  agent = LlmAgent(name=_AGENT_NAME, model=llm, tools=[look_up_order])
  run = _LiveRun(llm, with_handle=with_handle, agent=agent)

  with pytest.raises(RuntimeError, match='backend down'):
    await run.until_end(close_when=None)

  assert llm.connects == [None]
  # Stock's path: the error reaches the caller with stock's ERROR record.
  assert any('backend down' in message for message in _errors_logged(caplog))


class _PriorityQueue(LiveRequestQueue):
  """An application's queue with inner queues of its own: it replaces
  close(), send() and get() without calling the base class's."""

  def __init__(self, calls_base_init: bool):
    if calls_base_init:
      super().__init__()
    self._urgent = asyncio.Queue()
    self._normal = asyncio.Queue()

  def close(self):
    self._urgent.put_nowait(LiveRequest(close=True))

  def send(self, req):
    (self._urgent if req.close else self._normal).put_nowait(req)

  def send_content(self, content):
    self.send(LiveRequest(content=content))

  async def get(self):
    if not self._urgent.empty():
      return self._urgent.get_nowait()
    urgent = asyncio.ensure_future(self._urgent.get())
    normal = asyncio.ensure_future(self._normal.get())
    done, pending = await asyncio.wait(
        [urgent, normal], return_when=asyncio.FIRST_COMPLETED
    )
    for task in pending:
      task.cancel()
    return done.pop().result()


@pytest.mark.needs_fix
@pytest.mark.asyncio
@pytest.mark.parametrize(
    'calls_base_init', [True, False], ids=['base-init', 'no-base-init']
)
async def test_a_queue_of_its_own_ends_the_run_once_its_close_is_sent(
    calls_base_init, caplog
):
  connection = _FakeConnection(_after_handle_update(True, _model_turn('hello')))
  llm = _ScriptedLlm(script=[connection])
  run = _LiveRun(llm, with_handle=True, queue=_PriorityQueue(calls_base_init))

  await run.until_end()

  assert connection.closed.is_set()
  assert len(llm.connects) == 1
  assert _errors_logged(caplog) == []
