"""One live session, closed after the first model turn, measured.

Runs inside the virtual environment of the google-adk build under test and
prints its measurements as JSON. Against the loopback endpoint they are the
endpoint's records; against the real Live API only the client's view exists,
so connections are counted from ADK's own log lines. With --vertex the session
takes the Vertex AI path: against the loopback endpoint, with the endpoint's
credentials and its host resolved to it; for real, with Application Default
Credentials.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

# The window in which a stock build shows its zombie: the endpoint cancels
# idle connections after half a second and the stock flow reconnects.
WATCH = 3.0
IDLE_CANCEL_AFTER = 0.5
# How long the model may take to answer the first turn.
FIRST_TURN_TIMEOUT = 30.0


class _Records(logging.Handler):
  """Keeps ERROR records and counts the flow's connection attempts."""

  def __init__(self):
    super().__init__(logging.INFO)
    self.errors: list[str] = []
    self.connects: list[float] = []

  def emit(self, record: logging.LogRecord) -> None:
    if record.levelno >= logging.ERROR:
      self.errors.append(record.getMessage())
    if record.getMessage().startswith('Establishing live connection'):
      self.connects.append(time.monotonic())


async def _session(model: str, with_handle: bool, sequence: bool) -> dict:
  from agent import make_root_agent
  from agent import make_sequence
  from google.adk.agents.live_request_queue import LiveRequestQueue
  from google.adk.agents.run_config import RunConfig
  from google.adk.runners import InMemoryRunner
  from google.genai import types

  agent = make_sequence(model) if sequence else make_root_agent(model)
  runner = InMemoryRunner(agent=agent, app_name='demo')
  session = await runner.session_service.create_session(
      app_name='demo', user_id='demo'
  )
  queue = LiveRequestQueue()
  queue.send_content(
      types.Content(role='user', parts=[types.Part(text='Say hello.')])
  )
  run_config = RunConfig(
      response_modalities=['TEXT'],
      session_resumption=types.SessionResumptionConfig()
      if with_handle
      else None,
  )
  result = {'closed_at': None, 'ended_at': None, 'exception': None}
  closing = asyncio.Event()

  async def run() -> None:
    try:
      async for event in runner.run_live(
          user_id='demo',
          session_id=session.id,
          live_request_queue=queue,
          run_config=run_config,
      ):
        if event.turn_complete and result['closed_at'] is None:
          result['closed_at'] = time.monotonic()
          queue.close()
          closing.set()
    except Exception as e:  # Reported in the table, as the caller sees it.
      result['exception'] = f'{type(e).__name__}: {e}'
    result['ended_at'] = time.monotonic()

  task = asyncio.create_task(run())
  closed = asyncio.create_task(closing.wait())
  await asyncio.wait(
      [task, closed],
      timeout=FIRST_TURN_TIMEOUT,
      return_when=asyncio.FIRST_COMPLETED,
  )
  if closing.is_set():
    await asyncio.sleep(WATCH)
  closed.cancel()
  task.cancel()
  with contextlib.suppress(asyncio.CancelledError):
    await task
  return result


def _measure(result: dict, opened_after_close: int, records: _Records) -> dict:
  closed_at, ended_at = result['closed_at'], result['ended_at']
  ended = ended_at is not None and closed_at is not None
  return {
      'connections_after_close': opened_after_close,
      'close_to_end_ms': (
          round((ended_at - closed_at) * 1000, 1) if ended else None
      ),
      'exception': result['exception'],
      'error_records': len(records.errors),
  }


async def _run(args) -> dict:
  records = _Records()
  logging.getLogger('google_adk').addHandler(records)
  logging.getLogger('google_adk').setLevel(logging.INFO)
  if args.real:
    os.environ['GOOGLE_GENAI_USE_VERTEXAI'] = str(args.vertex).lower()
    result = await _session(args.model, args.with_handle, args.sequence)
    closed_at = result['closed_at'] or float('inf')
    opened = sum(1 for t in records.connects if t > closed_at)
    return _measure(result, opened, records)
  from loopback.endpoint import Backend
  from loopback.endpoint import LiveEndpoint

  async with LiveEndpoint(
      backend=Backend.VERTEX_AI if args.vertex else Backend.GEMINI_API,
      idle_cancel_after=IDLE_CANCEL_AFTER,
  ) as endpoint:
    os.environ.update(endpoint.environ)
    for name in endpoint.environ_unset:
      os.environ.pop(name, None)
    result = await _session(args.model, args.with_handle, args.sequence)
    opened = len(endpoint.opened_after(result['closed_at'] or float('inf')))
    return _measure(result, opened, records)


def main() -> None:
  parser = argparse.ArgumentParser()
  parser.add_argument('--real', action='store_true')
  parser.add_argument('--vertex', action='store_true')
  parser.add_argument('--model')
  parser.add_argument('--with-handle', action='store_true')
  parser.add_argument('--sequence', action='store_true')
  args = parser.parse_args()
  # The reported case's model on Vertex AI; its preview on the Gemini API.
  args.model = args.model or (
      'gemini-live-2.5-flash'
      if args.vertex
      else 'gemini-live-2.5-flash-preview'
  )
  print(json.dumps(asyncio.run(_run(args))))


if __name__ == '__main__':
  main()
