"""Tests that every normal closure after the client's close ends a live run.

websockets counts 1000, 1001 (going away) and 1005 (a close frame without a
status code) as a normal closure; a server may answer the close with any.
"""

from __future__ import annotations

import logging

from google.adk.agents.live_request_queue import LiveRequestQueue
from google.adk.agents.llm_agent import LlmAgent
from google.adk.agents.run_config import RunConfig
from google.adk.runners import InMemoryRunner
from google.genai import errors
from google.genai import types
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close

from tests.unittests.live import live_close_testing_utils


@pytest.mark.parametrize(
    'closure',
    [
        errors.APIError(1001, {}),
        errors.APIError(1005, {}),
        ConnectionClosed(Close(1001, ''), None),
        ConnectionClosed(Close(1005, ''), None),
    ],
    ids=['APIError(1001)', 'APIError(1005)', 'Closed(1001)', 'Closed(1005)'],
)
@pytest.mark.parametrize(
    'session_resumption',
    [types.SessionResumptionConfig(), None],
    ids=['with_handle', 'without_handle'],
)
async def test_close_then_normal_closure_ends_run_without_error(
    closure, session_resumption, caplog
):
  caplog.set_level(logging.INFO)
  connection = live_close_testing_utils.FakeConnection(
      [
          live_close_testing_utils.handle_update('handle-1'),
          live_close_testing_utils.model_turn('hello'),
      ],
      on_close=closure,
  )
  llm = live_close_testing_utils.ScriptedLlm(script=[connection])
  runner = InMemoryRunner(agent=LlmAgent(name='agent', model=llm))

  await live_close_testing_utils.run_live(
      runner,
      LiveRequestQueue(),
      run_config=RunConfig(session_resumption=session_resumption),
  )

  assert llm.connects == [None]
  assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
