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


@pytest.mark.needs_fix
@pytest.mark.asyncio
@pytest.mark.parametrize(
    'close_twice',
    [
        lambda queue: (queue.close(), queue.close()),
        lambda queue: (queue.close(), queue.send(LiveRequest(close=True))),
        lambda queue: (
            queue.send(LiveRequest(close=True)),
            queue.send(LiveRequest(close=True)),
        ),
    ],
    ids=['close-close', 'close-send', 'send-send'],
)
async def test_second_close_enqueues_nothing(close_twice):
  queue = LiveRequestQueue()

  close_twice(queue)

  assert (await queue.get()).close is True
  assert queue._queue.empty()
  assert queue.closed is True
