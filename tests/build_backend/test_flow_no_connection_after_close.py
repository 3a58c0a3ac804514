"""Tests for the edit that asks, before every connect, whether the client
closed."""

import ast

import pytest

from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_no_connection_after_close
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES

PATH = _flow.PATH


@pytest.mark.parametrize('release', RELEASES)
def test_guard_opens_every_attempt(release, pristine):
  before = pristine(release, PATH)

  after = flow_no_connection_after_close.edit(before)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  attempt = _flow.find_reconnect_loop(ast.parse(after)).try_.body
  guard = attempt[0]
  assert ast.unparse(guard.test) == '_closed_by_client(invocation_context)'
  assert 'closed by the client' in ast.unparse(guard.body[0])
  assert isinstance(guard.body[-1], ast.Return)
  # The connect itself comes after the guard, in the same attempt.
  assert any(
      'llm.connect(' in ast.unparse(statement) for statement in attempt[1:]
  )


def test_fails_loudly_without_reconnect_loop():
  text = 'class BaseLlmFlow:\n  async def run_live(self, ctx):\n    pass\n'

  with pytest.raises(EditError, match='no `while True:` loop'):
    flow_no_connection_after_close.edit(text)
