"""Live sessions measured against the loopback endpoint, in one build's
environment: `python benchmarks/sessions.py MODE COUNT` prints JSON samples.

close:      seconds from close() to the end of run_live(), or null if it did
            not end within the bound;
reconnects: connections the endpoint saw opened in the watch after close();
resume:     seconds from a dropped connection to the resumed one's opening;
handover:   seconds from a close() made at a transfer to a sub-agent (during
            ADK's hand-over) to the end of run_live(), or null.
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

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from google.adk.agents.llm_agent import LlmAgent
from google.adk.models.google_llm import Gemini

from loopback.endpoint import Fault
from loopback.endpoint import LiveEndpoint
from tests.end_to_end.live_app import close_after_first_turn
from tests.end_to_end.live_app import LiveApp
from tests.end_to_end.live_app import MODEL

IDLE_CANCEL_AFTER = 0.5
# Bounds a session that does not end: the first turn plus the close.
END_BOUND = 5.0
# Long enough for six idle cancels, each followed by a stock reconnect.
WATCH = 3.0


def _app() -> LiveApp:
  app = LiveApp(
      LlmAgent(name='bench_agent', model=Gemini(model=MODEL)),
      with_handle=True,
  )
  app.say('hello')
  return app


async def _endpoint(stack, **options) -> LiveEndpoint:
  endpoint = await stack.enter_async_context(
      LiveEndpoint(idle_cancel_after=IDLE_CANCEL_AFTER, **options)
  )
  os.environ.update(endpoint.environ)
  return endpoint


async def close_latency(stack) -> float | None:
  await _endpoint(stack)
  app = _app().start(close_after_first_turn)
  ended = await app.wait_end(END_BOUND)
  return app.ended_at - app.closed_at if ended and app.closed_at else None


async def reconnects(stack) -> int:
  endpoint = await _endpoint(stack)
  app = _app().start(close_after_first_turn)
  await app.wait_end(END_BOUND)
  if app.closed_at is None:
    raise RuntimeError('the session never reached its first turn')
  await asyncio.sleep(WATCH - (app.ended_at - app.closed_at))
  return len(endpoint.opened_after(app.closed_at))


async def resume(stack) -> float:
  endpoint = await _endpoint(stack, faults={1: Fault.DROP})
  app = _app().start()
  await endpoint.wait_for_connections(2, timeout=END_BOUND)
  first, second = endpoint.connections[:2]
  # Cancelled, which ends both builds alike: after close() stock would go on
  # reconnecting until END_BOUND, and its next samples would share the loop
  # with that.
  await app.wait_end(0)
  return second.opened_at - first.closed_at


async def hand_over(stack) -> float | None:
  await _endpoint(stack)
  child = LlmAgent(name='child_agent', model=Gemini(model=MODEL))
  app = LiveApp(
      LlmAgent(
          name='bench_agent', model=Gemini(model=MODEL), sub_agents=[child]
      ),
      with_handle=True,
  )
  app.say('tool:transfer_to_agent {"agent_name": "child_agent"}')

  def close_at_transfer(app: LiveApp, event) -> None:
    if event.actions and event.actions.transfer_to_agent:
      app.close()

  app.start(close_at_transfer)
  ended = await app.wait_end(END_BOUND)
  return app.ended_at - app.closed_at if ended and app.closed_at else None


MODES = {
    'close': close_latency,
    'reconnects': reconnects,
    'resume': resume,
    'handover': hand_over,
}


async def _main(mode: str, count: int) -> list:
  samples = []
  for _ in range(count):
    stack = contextlib.AsyncExitStack()
    async with stack:
      samples.append(await MODES[mode](stack))
  return samples


if __name__ == '__main__':
  parser = argparse.ArgumentParser()
  parser.add_argument('mode', choices=MODES)
  parser.add_argument('count', type=int)
  args = parser.parse_args()
  logging.disable(logging.CRITICAL)
  print(json.dumps(asyncio.run(_main(args.mode, args.count))))
