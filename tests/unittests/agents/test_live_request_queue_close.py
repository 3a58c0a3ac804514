"""Tests for the closed state of LiveRequestQueue."""

from google.adk.agents.live_request_queue import LiveRequest
from google.adk.agents.live_request_queue import LiveRequestQueue
from google.genai import types
import pytest


@pytest.mark.needs_fix
def test_new_queue_is_not_closed():
  queue = LiveRequestQueue()

  assert queue.closed is False
  assert queue.is_closed is False


@pytest.mark.needs_fix
def test_close_marks_queue_closed_before_anything_is_awaited():
  queue = LiveRequestQueue()

  queue.close()

  assert queue.closed is True
  assert queue.is_closed is True


@pytest.mark.needs_fix
def test_send_close_request_marks_queue_closed():
  queue = LiveRequestQueue()

  queue.send(LiveRequest(close=True))

  assert queue.closed is True
  assert queue.is_closed is True


@pytest.mark.needs_fix
def test_other_requests_leave_queue_open():
  queue = LiveRequestQueue()

  queue.send_content(types.Content(role='user', parts=[types.Part(text='hi')]))
  queue.send_realtime(types.Blob(data=b'\x00', mime_type='audio/pcm'))
  queue.send(LiveRequest(content=types.Content(role='user', parts=[])))

  assert queue.closed is False


@pytest.mark.needs_fix
@pytest.mark.parametrize('attribute', ['closed', 'is_closed'])
def test_closed_properties_are_read_only(attribute):
  queue = LiveRequestQueue()

  with pytest.raises(AttributeError):
    setattr(queue, attribute, True)


@pytest.mark.asyncio
async def test_close_still_delivers_the_close_request():
  queue = LiveRequestQueue()
  queue.send_content(types.Content(role='user', parts=[types.Part(text='hi')]))

  queue.close()

  assert (await queue.get()).content.parts[0].text == 'hi'
  assert (await queue.get()).close is True


_CLOSES = {
    'close': lambda queue: queue.close(),
    'send': lambda queue: queue.send(LiveRequest(close=True)),
}


@pytest.mark.asyncio
@pytest.mark.parametrize('second', _CLOSES, ids=_CLOSES)
@pytest.mark.parametrize('first', _CLOSES, ids=_CLOSES)
async def test_every_close_enqueues_a_close_request(first, second):
  queue = LiveRequestQueue()

  _CLOSES[first](queue)
  _CLOSES[second](queue)

  assert (await queue.get()).close is True
  assert (await queue.get()).close is True
  assert queue._queue.empty()


@pytest.mark.needs_fix
@pytest.mark.parametrize('close', _CLOSES, ids=_CLOSES)
def test_close_counts_for_the_running_invocation_at_once(close):
  queue = LiveRequestQueue()
  assert queue.closed_for('run-1') is False

  _CLOSES[close](queue)

  assert queue.closed_for('run-1') is True
  assert queue.close_taken_for('run-1') is False


@pytest.mark.needs_fix
@pytest.mark.asyncio
async def test_close_taken_counts_as_taken_for_the_invocation():
  queue = LiveRequestQueue()
  queue.closed_for('run-1')
  queue.close()

  assert (await queue.get()).close is True

  assert queue.close_taken_for('run-1') is True
  assert queue.close_taken_for('run-2') is False


@pytest.mark.needs_fix
@pytest.mark.asyncio
async def test_next_invocation_is_open_until_its_own_close():
  queue = LiveRequestQueue()
  queue.closed_for('run-1')
  queue.close()
  await queue.get()

  assert queue.closed_for('run-2') is False
  assert queue.closed is True

  queue.close()

  assert queue.closed_for('run-2') is True


@pytest.mark.needs_fix
@pytest.mark.asyncio
async def test_close_made_before_an_invocation_counts_once_taken():
  queue = LiveRequestQueue()
  queue.close()

  assert queue.closed_for('run-1') is False
  assert (await queue.get()).close is True
  assert queue.closed_for('run-1') is True


@pytest.mark.needs_fix
@pytest.mark.asyncio
async def test_other_requests_taken_leave_the_invocation_open():
  queue = LiveRequestQueue()
  queue.closed_for('run-1')
  queue.send_content(types.Content(role='user', parts=[types.Part(text='hi')]))

  await queue.get()

  assert queue.closed_for('run-1') is False
