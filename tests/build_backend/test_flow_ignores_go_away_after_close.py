"""Tests for the edit that ignores the server's goAway after the client closed."""

import ast

import pytest

from livefix import families
from livefix import releases
from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_ignores_go_away_after_close
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES


def _go_away_reconnects(release: str) -> bool:
  """From 1.29 the receive loop answers goAway by asking for a connection."""
  return releases.release_key(release) >= releases.release_key('1.29.0')


def _go_away_branches(text: str, family: families.Family) -> list[ast.If]:
  return [
      node
      for node in ast.walk(_flow.find_function(ast.parse(text), family.receive))
      if isinstance(node, ast.If)
      and ast.unparse(node.test) == 'llm_response.go_away'
  ]


@pytest.mark.parametrize('release', RELEASES)
def test_go_away_after_close_ends_the_receive_loop(release, pristine):
  family = families.family(release)
  before = pristine(release, family.flow)

  after = flow_ignores_go_away_after_close.edit(before, family)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  branches = _go_away_branches(after, family)
  assert len(branches) == (1 if _go_away_reconnects(release) else 0)
  if not branches:
    assert after == before
  for branch, pristine_branch in zip(
      branches, _go_away_branches(before, family)
  ):
    guard = branch.body[0]
    assert ast.unparse(guard) == (
        'if _closed_by_client(invocation_context):\n    return'
    )
    assert len(branch.body) == len(pristine_branch.body) + 1


@pytest.mark.parametrize(
    'release, text, message',
    [
        (
            '1.39.1',
            'class BaseLlmFlow:\n'
            '  async def _receive_from_model(self, invocation_context):\n'
            '    stop = response.go_away\n',
            'BaseLlmFlow._receive_from_model() reads go_away outside an `if`',
        ),
        (
            '2.13.0',
            'async def receive_from_model(invocation_context):\n'
            '  stop = response.go_away\n',
            'receive_from_model() reads go_away outside an `if`',
        ),
    ],
    ids=['base-llm-flow', 'live-llm-flow'],
)
def test_fails_loudly_when_go_away_is_read_elsewhere(release, text, message):
  with pytest.raises(EditError) as refused:
    flow_ignores_go_away_after_close.edit(text, families.family(release))

  assert str(refused.value) == message
