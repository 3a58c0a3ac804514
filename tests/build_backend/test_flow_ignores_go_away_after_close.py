"""Tests for the edit that ignores the server's goAway after the client closed."""

import ast

import pytest

from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_ignores_go_away_after_close
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES

PATH = _flow.PATH
# Releases whose receive loop answers goAway by asking for a new connection.
_GO_AWAY_RECONNECTS = {'1.29.0', '1.36.1', '1.39.1', '2.0.0', '2.8.0'}


def _go_away_branches(text: str) -> list[ast.If]:
  return [
      node
      for node in ast.walk(ast.parse(text))
      if isinstance(node, ast.If)
      and ast.unparse(node.test) == 'llm_response.go_away'
  ]


@pytest.mark.parametrize('release', RELEASES)
def test_go_away_after_close_ends_the_receive_loop(release, pristine):
  before = pristine(release, PATH)

  after = flow_ignores_go_away_after_close.edit(before)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  branches = _go_away_branches(after)
  assert len(branches) == (1 if release in _GO_AWAY_RECONNECTS else 0)
  for branch in branches:
    guard = branch.body[0]
    assert ast.unparse(guard) == (
        'if _closed_by_client(invocation_context):\n    return'
    )


def test_fails_loudly_when_go_away_is_read_elsewhere():
  source = (
      'class BaseLlmFlow:\n'
      '  async def _receive_from_model(self, ctx: InvocationContext):\n'
      '    stop = response.go_away\n'
  )

  with pytest.raises(EditError, match='outside an `if`'):
    flow_ignores_go_away_after_close.edit(source)
