"""Tests for the closed state of LiveRequestQueue."""

from unittest import mock

from google.adk.agents.live_request_queue import LiveRequest
from google.adk.agents.live_request_queue import LiveRequestQueue
from google.genai import types
import pytest

from tests.marks import needs_fix_before
from tests.upstream_behaviour import SEND_READS_CLOSE


@needs_fix_before('2.9.0')  # Upstream's own `closed` from then on.
def test_new_queue_is_not_closed():
  queue = LiveRequestQueue()

  assert queue.closed is False


@needs_fix_before('2.9.0')
def test_close_marks_queue_closed_before_anything_is_awaited():
  queue = LiveRequestQueue()

  queue.close()

  assert queue.closed is True


@needs_fix_before('2.9.0')
def test_send_close_request_marks_queue_closed():
  queue = LiveRequestQueue()

  queue.send(LiveRequest(close=True))

  assert queue.closed is True


@needs_fix_before('2.9.0')
def test_other_requests_leave_queue_open():
  queue = LiveRequestQueue()

  queue.send_content(types.Content(role='user', parts=[types.Part(text='hi')]))
  queue.send_realtime(types.Blob(data=b'\x00', mime_type='audio/pcm'))
  queue.send(LiveRequest(content=types.Content(role='user', parts=[])))

  assert queue.closed is False


@needs_fix_before('2.9.0')
def test_closed_is_read_only():
  queue = LiveRequestQueue()

  with pytest.raises(AttributeError):
    queue.closed = True


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


@pytest.mark.asyncio
async def test_get_hands_out_what_the_inner_queue_holds():
  # Upstream's own queue tests mock what the inner queue returns.
  queue = LiveRequestQueue()
  request = mock.MagicMock(spec=types.Content)
  queue._queue.put_nowait(request)

  assert await queue.get() is request


@pytest.mark.skipif(
    SEND_READS_CLOSE, reason='stock send() reads .close of what it is given'
)
@pytest.mark.asyncio
@pytest.mark.parametrize(
    'request_',
    [types.Content(role='user', parts=[]), {'close': True}, None],
    ids=['Content', 'dict', 'None'],
)
async def test_send_enqueues_whatever_it_is_given(request_):
  queue = LiveRequestQueue()

  queue.send(request_)

  assert await queue.get() is request_
