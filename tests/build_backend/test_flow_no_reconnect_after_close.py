"""Tests for the edit that stops every reconnect once the client closed."""

import ast

import pytest

from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_no_reconnect_after_close
from livefix.source import EditError

from .helpers import assert_upstream_style

PATH = _flow.PATH
_CLOSED = 'not _closed_by_client(invocation_context)'

# The conditions under which each release reconnects: after a drop with a
# handle (from 1.29 on also after some APIError codes), after a goAway.
_RECONNECTS = {
    '1.20.0': [],
    '1.28.1': [],
    '1.29.0': [
        'invocation_context.live_session_resumption_handle',
        'e.code in [1000, 1006]',
    ],
    '1.36.1': [
        'should_reconnect',
        'invocation_context.live_session_resumption_handle',
        'e.code in [1000, 1006]',
    ],
    '1.39.1': [
        'should_reconnect',
        'invocation_context.live_session_resumption_handle',
        'e.code in [1000, 1006, 1011]',
    ],
    '2.0.0': [
        'invocation_context.live_session_resumption_handle',
        'e.code in [1000, 1006]',
    ],
    '2.8.0': [
        'should_reconnect',
        'invocation_context.live_session_resumption_handle',
        'e.code in [1000, 1006, 1011]',
    ],
}


def _guarded_conditions(text: str) -> list[str]:
  """Above the loop's `continue`s, the conditions that end with `_CLOSED`."""
  loop = _flow.find_reconnect_loop(ast.parse(text))
  regions = [loop.try_.body] + [handler.body for handler in loop.try_.handlers]
  guarded = []
  for region in regions:
    for statement in region:
      for node in ast.walk(statement):
        if (
            isinstance(node, ast.If)
            and _flow.continues_loop(node)
            and isinstance(node.test, ast.BoolOp)
            and ast.unparse(node.test.values[-1]) == _CLOSED
        ):
          rest = ast.BoolOp(ast.And(), node.test.values[:-1])
          guarded.append(ast.unparse(rest))
  return guarded


@pytest.mark.parametrize('release', _RECONNECTS)
def test_every_reconnect_requires_an_open_queue(release, pristine):
  before = pristine(release, PATH)

  after = flow_no_reconnect_after_close.edit(before)

  removed, added = source.changed_lines(before, after)
  assert len(removed) == len(_RECONNECTS[release])
  assert_upstream_style(added)
  assert _guarded_conditions(after) == _RECONNECTS[release]


@pytest.mark.parametrize(
    'condition, edited',
    [
        ('handle', 'handle and not _closed_by_client(ctx)'),
        ('a or b', '(a or b) and not _closed_by_client(ctx)'),
        ('a and b', 'a and b and not _closed_by_client(ctx)'),
    ],
)
def test_extends_condition_keeping_its_meaning(condition, edited):
  source = (
      'class BaseLlmFlow:\n'
      '  async def run_live(self, ctx):\n'
      '    while True:\n'
      '      try:\n'
      '        pass\n'
      '      except ConnectionClosed as e:\n'
      f'        if {condition}:\n'
      '          continue\n'
      '        raise\n'
  )

  after = flow_no_reconnect_after_close.edit(source)

  assert f'        if {edited}:\n' in after


def test_fails_loudly_on_unconditional_reconnect():
  source = (
      'class BaseLlmFlow:\n'
      '  async def run_live(self, ctx):\n'
      '    while True:\n'
      '      try:\n'
      '        pass\n'
      '      except ConnectionClosed as e:\n'
      '        continue\n'
  )

  with pytest.raises(EditError, match='reconnects without a condition'):
    flow_no_reconnect_after_close.edit(source)
