"""Tests for the edit that asks, before every connect, whether the client
closed."""

import ast

import pytest

from livefix import families
from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_helpers
from livefix.edits import flow_no_connection_after_close
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import logs_the_end
from .helpers import RELEASES
from .helpers import snippet_statements


def _before(scope: ast.AST, node: ast.stmt) -> ast.stmt:
  """The statement just before `node` in its block."""
  for parent in ast.walk(scope):
    for field in ('body', 'orelse', 'finalbody'):
      block = getattr(parent, field, None)
      if isinstance(block, list) and node in block:
        return block[block.index(node) - 1]
  raise AssertionError('not found')


@pytest.mark.parametrize('release', RELEASES)
def test_guard_opens_every_attempt(release, pristine):
  family = families.family(release)
  # The helpers the guard calls come first, as in the fix.
  before = flow_helpers.edit(pristine(release, family.flow), family)

  after = flow_no_connection_after_close.edit(before, family)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  tree = ast.parse(after)
  loop = _flow.find_reconnect_loop(tree, family)
  # Just before the loop, the invocation records the closes made so far.
  begin = _before(_flow.find_function(tree, family.run_live), loop)
  assert ast.unparse(begin) == (
      'invocation_context._live_close_state.begin('
      'invocation_context.live_request_queue)'
  )
  attempt = loop.body[0].body
  guard = attempt[0]
  assert [ast.unparse(guard)] == snippet_statements('at_connection_attempt')
  assert ast.unparse(guard.test) == '_closed_by_client(invocation_context)'
  assert logs_the_end(tree, guard)
  assert isinstance(guard.body[-1], ast.Return)
  assert guard.body[-1].value is None and guard.orelse == []
  # The connect itself comes after the guard, in the same attempt.
  assert any(
      'llm.connect(' in ast.unparse(statement) for statement in attempt[1:]
  )
  assert 'llm.connect(' not in ast.unparse(guard)


@pytest.mark.parametrize(
    'release, text, message',
    [
        (
            '1.39.1',
            'class BaseLlmFlow:\n'
            '  async def run_live(self, invocation_context):\n'
            '    pass\n',
            'BaseLlmFlow.run_live() has no `while True:` loop around a `try`'
            ' that handles ConnectionClosed',
        ),
        (
            '1.39.1',
            'class BaseLlmFlow:\n  async def run_live(self, ctx):\n    pass\n',
            'BaseLlmFlow.run_live() takes no `invocation_context`',
        ),
        (
            '2.13.0',
            'class BaseLlmFlow:\n'
            '  async def run_live(self, invocation_context):\n'
            '    pass\n',
            'no function run_live_flow()',
        ),
        (
            '2.13.0',
            'async def run_live_flow(invocation_context):\n'
            '  while True:\n'
            '    try:\n'
            '      pass\n'
            '    except ValueError as e:\n'
            '      raise\n',
            'run_live_flow() has no `while True:` loop around a `try` that'
            ' handles ConnectionClosed',
        ),
    ],
    ids=['no-loop', 'no-context', 'no-function', 'no-connection-handler'],
)
def test_fails_loudly_on_unexpected_code(release, text, message):
  with pytest.raises(EditError) as refused:
    flow_no_connection_after_close.edit(text, families.family(release))

  assert str(refused.value) == message
