"""Tests for the edit that stops the receive loop once the close is sent."""

import ast

import pytest

from livefix import families
from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_receive_ends_after_close
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES


@pytest.mark.parametrize('release', RELEASES)
def test_guard_ends_the_loop_over_receive_streams(release, pristine):
  family = families.family(release)
  before = pristine(release, family.flow)

  after = flow_receive_ends_after_close.edit(before, family)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  loop = _flow.find_receive_loop(ast.parse(after), family)
  pristine_loop = _flow.find_receive_loop(ast.parse(before), family)
  assert 'llm_connection.receive()' in ast.unparse(loop)
  assert len(loop.body) == len(pristine_loop.body) + 1
  assert ast.unparse(loop.body[-2]) == 'await asyncio.sleep(0)'
  assert ast.unparse(loop.body[-1]) == (
      'if _client_close_taken(invocation_context):\n    return'
  )


@pytest.mark.parametrize(
    'release, text, message',
    [
        (
            '1.39.1',
            'class BaseLlmFlow:\n'
            '  async def _receive_from_model(self, invocation_context):\n'
            '    async for response in connection.receive():\n'
            '      yield response\n',
            'BaseLlmFlow._receive_from_model() has no `while True:` loop over'
            ' receive()',
        ),
        (
            '2.13.0',
            'async def receive_from_model(invocation_context):\n'
            '  while True:\n'
            '    await asyncio.sleep(0)\n',
            'receive_from_model() has no `while True:` loop over receive()',
        ),
        (
            '2.13.0',
            'async def receive_from_model(llm_connection):\n'
            '  while True:\n'
            '    async for response in llm_connection.receive():\n'
            '      yield response\n',
            'receive_from_model() takes no `invocation_context`',
        ),
    ],
    ids=['no-loop', 'loop-without-receive', 'no-context'],
)
def test_fails_loudly_on_unexpected_code(release, text, message):
  with pytest.raises(EditError) as refused:
    flow_receive_ends_after_close.edit(text, families.family(release))

  assert str(refused.value) == message
