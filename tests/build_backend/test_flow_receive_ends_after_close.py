"""Tests for the edit that stops the receive loop once the client closed."""

import ast

import pytest

from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_receive_ends_after_close
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES

PATH = _flow.PATH


@pytest.mark.parametrize('release', RELEASES)
def test_guard_ends_the_loop_over_receive_streams(release, pristine):
  before = pristine(release, PATH)

  after = flow_receive_ends_after_close.edit(before)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  loop, _ = flow_receive_ends_after_close.find_receive_loop(ast.parse(after))
  assert 'llm_connection.receive()' in ast.unparse(loop.body[0])
  assert ast.unparse(loop.body[-2]) == 'await asyncio.sleep(0)'
  assert ast.unparse(loop.body[-1]) == (
      'if _client_close_taken(invocation_context):\n    return'
  )


def test_fails_loudly_without_a_receive_loop():
  text = (
      'class BaseLlmFlow:\n'
      '  async def _receive_from_model(self, ctx: InvocationContext):\n'
      '    async for response in connection.receive():\n'
      '      yield response\n'
  )

  with pytest.raises(EditError, match='no `while True:` loop over receive'):
    flow_receive_ends_after_close.edit(text)
