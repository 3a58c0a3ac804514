"""Tests for the edit that cuts a hand-over's pause short at the close."""

import ast

import pytest

from livefix import families
from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_hand_over_ends_at_close
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES


def _awaited_calls(text: str, family: families.Family) -> list[str]:
  try_ = _flow.find_reconnect_loop(ast.parse(text), family).body[0]
  return [
      ast.unparse(node.value.func)
      for statement in try_.body
      for node in ast.walk(statement)
      if isinstance(node, ast.Await) and isinstance(node.value, ast.Call)
  ]


@pytest.mark.parametrize('release', RELEASES)
def test_both_pauses_end_at_the_close(release, pristine):
  family = families.family(release)
  before = pristine(release, family.flow)

  after = flow_hand_over_ends_at_close.edit(before, family)

  removed, added = source.changed_lines(before, after)
  assert_upstream_style(added)
  # Only the two pauses' own lines go.
  try_ = _flow.find_reconnect_loop(ast.parse(before), family).body[0]
  pause_lines = {
      line
      for pause in flow_hand_over_ends_at_close.find_pauses(try_)
      for line in before.splitlines()[pause.lineno - 1 : pause.end_lineno]
  }
  assert removed and set(removed) <= pause_lines
  calls_before = _awaited_calls(before, family)
  calls_after = _awaited_calls(after, family)
  assert calls_before.count('asyncio.sleep') == 2
  # The same awaits in the same order, the two pauses replaced.
  assert calls_after == [
      '_hand_over_pause' if call == 'asyncio.sleep' else call
      for call in calls_before
  ]
  try_ = _flow.find_reconnect_loop(ast.parse(after), family).body[0]
  for node in ast.walk(try_):
    if isinstance(node, ast.Call) and ast.unparse(node.func) == (
        '_hand_over_pause'
    ):
      # Upstream's delay, then what the pause needs to end at the close.
      assert [ast.unparse(arg) for arg in node.args][1:] == [
          'invocation_context',
          'send_task',
      ]
      assert 'DELAY' in ast.unparse(node.args[0]) or isinstance(
          node.args[0], ast.Constant
      )


@pytest.mark.parametrize(
    'text, message',
    [
        (
            'class BaseLlmFlow:\n'
            '  async def run_live(self, invocation_context):\n'
            '    while True:\n'
            '      try:\n'
            '        send_task = 1\n'
            '        await asyncio.sleep(1)\n'
            '      except ConnectionClosed as e:\n'
            '        raise\n',
            'BaseLlmFlow.run_live() pauses 1 times before a hand-over, not 2',
        ),
        (
            'class BaseLlmFlow:\n'
            '  async def run_live(self, invocation_context):\n'
            '    while True:\n'
            '      try:\n'
            '        await asyncio.sleep(1)\n'
            '      except ConnectionClosed as e:\n'
            '        raise\n',
            'BaseLlmFlow.run_live() has no `send_task`',
        ),
    ],
    ids=['one-pause', 'no-send-task'],
)
def test_fails_loudly_on_unexpected_code(text, message):
  with pytest.raises(EditError) as refused:
    flow_hand_over_ends_at_close.edit(text, families.family('1.39.1'))

  assert str(refused.value) == message
