"""Tests for what an invocation knows of the client's close of its queue."""

from __future__ import annotations

from google.adk.agents.invocation_context import InvocationContext
from google.adk.agents.llm_agent import LlmAgent
from google.adk.live.live_request_queue import LiveRequest
from google.adk.live.live_request_queue import LiveRequestQueue
from google.adk.sessions.in_memory_session_service import InMemorySessionService
from google.adk.sessions.session import Session
import pytest

_CLOSES = {
    'close': lambda queue: queue.close(),
    'send': lambda queue: queue.send(LiveRequest(close=True)),
}


def _create_context(
    queue: LiveRequestQueue, invocation_id: str = 'inv-1'
) -> InvocationContext:
  return InvocationContext(
      invocation_id=invocation_id,
      agent=LlmAgent(name='root_agent'),
      session=Session(id='s1', app_name='app', user_id='u1', events=[]),
      session_service=InMemorySessionService(),
      live_request_queue=queue,
  )


def _closed(context: InvocationContext) -> bool:
  return context._live_close_state.closed(context.live_request_queue)


@pytest.mark.parametrize('close', _CLOSES)
def test_close_after_the_run_began_counts_at_once(close):
  context = _create_context(LiveRequestQueue())
  context._live_close_state.begin(context.live_request_queue)
  assert not _closed(context)

  _CLOSES[close](context.live_request_queue)

  assert _closed(context)
  # Nothing has been sent yet: only the send loop records that.
  assert not context._live_close_state.close_taken


def test_close_before_the_run_began_counts_once_sent():
  queue = LiveRequestQueue()
  queue.close()
  context = _create_context(queue)
  context._live_close_state.begin(queue)

  # The requests queued ahead of the close still go out first.
  assert not _closed(context)

  context._live_close_state.take_close()

  assert _closed(context)


def test_copies_of_the_context_share_the_close():
  context = _create_context(LiveRequestQueue())
  context._live_close_state.begin(context.live_request_queue)
  # What a transfer to a sub-agent, or the next agent of a sequence, runs on.
  sub_agent_context = context.model_copy(
      update={'agent': LlmAgent(name='sub_agent')}
  )

  context.live_request_queue.close()
  sub_agent_context._live_close_state.take_close()

  assert _closed(sub_agent_context)
  assert context._live_close_state.close_taken


def test_new_invocation_does_not_share_the_close():
  queue = LiveRequestQueue()
  first = _create_context(queue, 'inv-1')
  first._live_close_state.begin(queue)
  queue.close()
  first._live_close_state.take_close()

  second = _create_context(queue, 'inv-2')
  second._live_close_state.begin(queue)

  # The queue stays closed, but the second run is open until its own close.
  assert queue.closed
  assert not _closed(second)
  assert not second._live_close_state.close_taken

  queue.close()

  assert _closed(second)


def test_asking_changes_no_answer():
  queue = LiveRequestQueue()
  context = _create_context(queue)

  # Asked before the run began, and asked again: no answer records anything.
  for _ in range(2):
    assert not _closed(context)
    assert not context._live_close_state.close_taken
  queue.close()
  assert not _closed(context)

  # So the close made before the run began waits to be sent, as any does.
  context._live_close_state.begin(queue)
  assert not _closed(context)
  queue.close()
  assert _closed(context)


def test_only_the_first_agent_to_begin_sets_where_the_run_began():
  queue = LiveRequestQueue()
  context = _create_context(queue)
  context._live_close_state.begin(queue)
  queue.close()

  # The next agent of the tree begins after the close.
  context.model_copy()._live_close_state.begin(queue)

  assert _closed(context)
