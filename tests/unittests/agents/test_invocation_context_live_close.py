"""Tests for what an invocation knows of the client's close of its queue.

`InvocationContext._live_close_state` is the fix's own: every test here needs
it.
"""

from google.adk.agents.invocation_context import InvocationContext
from google.adk.agents.live_request_queue import LiveRequest
from google.adk.agents.live_request_queue import LiveRequestQueue
from google.adk.agents.llm_agent import LlmAgent
from google.adk.sessions.in_memory_session_service import InMemorySessionService
import pytest

pytestmark = pytest.mark.needs_fix


async def _context(queue: LiveRequestQueue, invocation_id: str):
  service = InMemorySessionService()
  session = await service.create_session(app_name='app', user_id='user')
  return InvocationContext(
      session_service=service,
      invocation_id=invocation_id,
      agent=LlmAgent(name='agent'),
      session=session,
      live_request_queue=queue,
  )


def _closed(context: InvocationContext) -> bool:
  return context._live_close_state.closed(context.live_request_queue)


_CLOSES = {
    'close': lambda queue: queue.close(),
    'send': lambda queue: queue.send(LiveRequest(close=True)),
}


@pytest.mark.asyncio
@pytest.mark.parametrize('close', _CLOSES, ids=_CLOSES)
async def test_close_counts_for_the_running_invocation_at_once(close):
  context = await _context(LiveRequestQueue(), 'run-1')
  context._live_close_state.begin(context.live_request_queue)
  assert _closed(context) is False

  _CLOSES[close](context.live_request_queue)

  assert _closed(context) is True
  assert context._live_close_state.close_taken is False


@pytest.mark.asyncio
async def test_every_copy_of_the_context_shares_the_close():
  context = await _context(LiveRequestQueue(), 'run-1')
  context._live_close_state.begin(context.live_request_queue)
  child = context.model_copy(update={'agent': LlmAgent(name='child')})

  context.live_request_queue.close()
  child._live_close_state.take_close()

  assert _closed(child) is True
  assert context._live_close_state.close_taken is True


@pytest.mark.asyncio
async def test_close_made_before_the_invocation_counts_once_sent():
  queue = LiveRequestQueue()
  queue.close()
  context = await _context(queue, 'run-1')
  context._live_close_state.begin(queue)

  assert _closed(context) is False

  context._live_close_state.take_close()

  assert _closed(context) is True


@pytest.mark.asyncio
async def test_reused_queue_is_open_for_the_next_invocation_until_its_close():
  queue = LiveRequestQueue()
  first = await _context(queue, 'run-1')
  first._live_close_state.begin(queue)
  queue.close()
  first._live_close_state.take_close()
  second = await _context(queue, 'run-2')
  second._live_close_state.begin(queue)

  assert _closed(second) is False
  assert queue.closed is True

  queue.close()

  assert _closed(second) is True


@pytest.mark.asyncio
async def test_questions_change_no_answer():
  queue = LiveRequestQueue()
  first = await _context(queue, 'run-1')
  first._live_close_state.begin(queue)
  queue.close()
  first._live_close_state.take_close()
  other = await _context(queue, 'run-2')
  answers = (_closed(first), first._live_close_state.close_taken)

  # Another invocation asked about, before and after it began, in any order.
  for _ in range(2):
    _closed(other)
    other._live_close_state.close_taken
    other._live_close_state.begin(queue)

  assert (_closed(first), first._live_close_state.close_taken) == answers
  assert answers == (True, True)


@pytest.mark.asyncio
async def test_only_the_first_begin_counts():
  queue = LiveRequestQueue()
  context = await _context(queue, 'run-1')
  context._live_close_state.begin(queue)
  queue.close()

  # The next agent of the tree begins too, after the close.
  context._live_close_state.begin(queue)

  assert _closed(context) is True
