"""Tests that no agent of a live agent tree connects after the client's close.

A transfer's sub-agent and the next agent of a sequence each open a
connection of their own on the same queue.
"""

from __future__ import annotations

from typing import Any

from google.adk.agents.live_request_queue import LiveRequestQueue
from google.adk.agents.llm_agent import LlmAgent
from google.adk.agents.sequential_agent import SequentialAgent
from google.adk.events.event import Event
from google.adk.models.llm_response import LlmResponse
from google.adk.runners import InMemoryRunner
from google.genai import types

from tests.unittests.live import live_close_testing_utils


def _function_call(name: str, **args: Any) -> LlmResponse:
  return LlmResponse(
      content=types.Content(
          role='model',
          parts=[
              types.Part(
                  function_call=types.FunctionCall(
                      id=f'call-{name}', name=name, args=args
                  )
              )
          ],
      )
  )


def _transfers(event: Event) -> bool:
  return bool(event.actions.transfer_to_agent)


def _transfer_to(agent_name: str) -> live_close_testing_utils.FakeConnection:
  return live_close_testing_utils.FakeConnection(
      [_function_call('transfer_to_agent', agent_name=agent_name)]
  )


async def test_close_during_transfer_connects_no_sub_agent():
  parent = _transfer_to('child')
  llm = live_close_testing_utils.ScriptedLlm(script=[parent])
  root = LlmAgent(
      name='root', model=llm, sub_agents=[LlmAgent(name='child', model=llm)]
  )

  await live_close_testing_utils.run_live(
      InMemoryRunner(agent=root), LiveRequestQueue(), _transfers
  )

  assert llm.connects == [None]
  assert parent.closed.is_set()


async def test_close_during_nested_transfer_connects_no_grandchild():
  llm = live_close_testing_utils.ScriptedLlm(
      script=[_transfer_to('child'), _transfer_to('grandchild')]
  )
  grandchild = LlmAgent(name='grandchild', model=llm)
  child = LlmAgent(name='child', model=llm, sub_agents=[grandchild])
  root = LlmAgent(name='root', model=llm, sub_agents=[child])
  transfers = []

  def second_transfer(event: Event) -> bool:
    transfers.extend([event] if _transfers(event) else [])
    return len(transfers) == 2

  await live_close_testing_utils.run_live(
      InMemoryRunner(agent=root), LiveRequestQueue(), second_transfer
  )

  assert llm.connects == [None, None]


async def test_close_made_before_the_run_connects_no_sub_agent():
  llm = live_close_testing_utils.ScriptedLlm(script=[_transfer_to('child')])
  root = LlmAgent(
      name='root', model=llm, sub_agents=[LlmAgent(name='child', model=llm)]
  )
  queue = LiveRequestQueue()
  queue.send_content(types.Content(role='user', parts=[types.Part(text='hi')]))
  queue.close()

  await live_close_testing_utils.run_live(
      InMemoryRunner(agent=root), queue, lambda event: False
  )

  assert llm.connects == [None]


async def test_close_on_first_agent_of_a_sequence_connects_no_next_agent():
  first = live_close_testing_utils.FakeConnection(
      [live_close_testing_utils.model_turn('hello')]
  )
  llm = live_close_testing_utils.ScriptedLlm(script=[first])
  sequence = SequentialAgent(
      name='sequence',
      sub_agents=[
          LlmAgent(name='first', model=llm),
          LlmAgent(name='second', model=llm),
      ],
  )

  await live_close_testing_utils.run_live(
      InMemoryRunner(agent=sequence), LiveRequestQueue()
  )

  assert llm.connects == [None]
  assert first.closed.is_set()


async def test_close_at_task_completed_connects_no_next_agent():
  llm = live_close_testing_utils.ScriptedLlm(
      script=[
          live_close_testing_utils.FakeConnection(
              [_function_call('task_completed')]
          )
      ]
  )
  sequence = SequentialAgent(
      name='sequence',
      sub_agents=[
          LlmAgent(name='first', model=llm),
          LlmAgent(name='second', model=llm),
      ],
  )

  def task_completed(event: Event) -> bool:
    return any(
        response.name == 'task_completed'
        for response in event.get_function_responses()
    )

  await live_close_testing_utils.run_live(
      InMemoryRunner(agent=sequence), LiveRequestQueue(), task_completed
  )

  assert llm.connects == [None]
