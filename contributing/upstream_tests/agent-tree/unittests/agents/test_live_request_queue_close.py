"""Tests for the count of close requests made on a LiveRequestQueue."""

from __future__ import annotations

import asyncio

from google.adk.live.live_request_queue import LiveRequest
from google.adk.live.live_request_queue import LiveRequestQueue
from google.genai import types
import pytest

_CLOSES = {
    'close': lambda queue: queue.close(),
    'send': lambda queue: queue.send(LiveRequest(close=True)),
}


@pytest.mark.parametrize(
    'closes',
    [['close'], ['send'], ['close', 'send'], ['send', 'send', 'close']],
    ids='-'.join,
)
async def test_every_close_is_counted_and_enqueued(closes):
  queue = LiveRequestQueue()

  for close in closes:
    _CLOSES[close](queue)

  # Counted before anything is awaited: the send loop may not have run yet.
  assert queue._closes_made == len(closes)
  for _ in closes:
    assert (await queue.get()).close
  assert queue._queue.empty()


def test_other_requests_count_no_close():
  queue = LiveRequestQueue()

  queue.send_content(types.Content(role='user', parts=[types.Part(text='hi')]))
  queue.send_realtime(types.Blob(data=b'\x00', mime_type='audio/pcm'))
  queue.send_activity_start()
  queue.send_activity_end()
  queue.send_audio_stream_end()
  queue.send(LiveRequest(content=types.Content(role='user', parts=[])))

  assert queue._closes_made == 0
  assert not queue.closed


class _QueueWithOwnInit(LiveRequestQueue):
  """Sets up its own queue without calling `super().__init__()`."""

  def __init__(self) -> None:
    self._queue = asyncio.Queue()


def test_subclass_that_skips_init_counts_its_own_closes():
  queue = _QueueWithOwnInit()
  assert queue._closes_made == 0

  queue.close()
  queue.send(LiveRequest(close=True))

  assert queue._closes_made == 2
  assert queue.closed
  # The count belongs to the instance: a new queue starts from none.
  assert _QueueWithOwnInit()._closes_made == 0
