"""Tests that a live run opens no connection after the client's close."""

from __future__ import annotations

from google.adk.agents.live_request_queue import LiveRequestQueue
from google.adk.agents.llm_agent import LlmAgent
from google.adk.models.llm_response import LlmResponse
from google.adk.runners import InMemoryRunner
from google.genai import errors
from google.genai import types

from tests.unittests.live import live_close_testing_utils


async def test_go_away_after_close_does_not_reconnect():
  go_away = LlmResponse(go_away=types.LiveServerGoAway(time_left='1s'))
  connection = live_close_testing_utils.FakeConnection(
      [
          live_close_testing_utils.handle_update('handle-1'),
          live_close_testing_utils.model_turn('hello'),
      ],
      after_close=[go_away],
  )
  llm = live_close_testing_utils.ScriptedLlm(script=[connection])
  runner = InMemoryRunner(agent=LlmAgent(name='agent', model=llm))

  await live_close_testing_utils.run_live(runner, LiveRequestQueue())

  assert llm.connects == [None]


async def test_reused_queue_resumes_after_a_drop_in_its_next_run():
  llm = live_close_testing_utils.ScriptedLlm(
      script=[
          live_close_testing_utils.FakeConnection(
              [live_close_testing_utils.model_turn('first run')]
          ),
          live_close_testing_utils.FakeConnection(
              [live_close_testing_utils.handle_update('handle-2')],
              drop=errors.APIError(1006, {}),
          ),
          live_close_testing_utils.FakeConnection(
              [live_close_testing_utils.model_turn('resumed')]
          ),
      ]
  )
  runner = InMemoryRunner(agent=LlmAgent(name='agent', model=llm))
  queue = LiveRequestQueue()
  await live_close_testing_utils.run_live(runner, queue)

  await live_close_testing_utils.run_live(runner, queue)

  assert llm.connects == [None, None, 'handle-2']
