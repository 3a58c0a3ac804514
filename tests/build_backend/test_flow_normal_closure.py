"""Tests for the edit that adds `_is_normal_closure()` to base_llm_flow."""

import ast

from google.genai import errors
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.exceptions import ConnectionClosedError
from websockets.exceptions import ConnectionClosedOK
from websockets.frames import Close

from livefix import source
from livefix.edits import flow_normal_closure
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES

PATH = flow_normal_closure.PATH


def _inserted_helper(text: str):
  """The helper as the edit inserted it, compiled on its own."""
  tree = ast.parse(text)
  [helper] = [
      node
      for node in tree.body
      if getattr(node, 'name', None) == flow_normal_closure.HELPER
  ]
  namespace = {
      'ConnectionClosed': ConnectionClosed,
      'ConnectionClosedOK': ConnectionClosedOK,
  }
  exec(compile(ast.Module([helper], []), PATH, 'exec'), namespace)
  return tree, namespace[flow_normal_closure.HELPER]


@pytest.mark.parametrize('release', RELEASES)
def test_inserts_helper_before_flow_class(release, pristine):
  before = pristine(release, PATH)

  after = flow_normal_closure.edit(before)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  tree, _ = _inserted_helper(after)
  names = [getattr(node, 'name', None) for node in tree.body]
  assert names.index(flow_normal_closure.HELPER) + 1 == names.index(
      'BaseLlmFlow'
  )


@pytest.mark.parametrize(
    'error, normal',
    [
        (ConnectionClosedOK(Close(1000, ''), Close(1000, ''), True), True),
        (ConnectionClosedOK(Close(1001, ''), Close(1001, ''), True), True),
        (ConnectionClosed(Close(1000, ''), None), True),
        (ConnectionClosedError(Close(1011, 'cancelled'), None), False),
        (ConnectionClosedError(None, None), False),
        (errors.APIError(1000, 'closed', None), True),
        (errors.APIError(1006, 'abnormal', None), False),
        (errors.APIError(1011, 'cancelled', None), False),
        (RuntimeError('other'), False),
    ],
)
def test_helper_tells_normal_closure(error, normal, pristine):
  _, is_normal_closure = _inserted_helper(
      flow_normal_closure.edit(pristine('1.39.1', PATH))
  )

  assert is_normal_closure(error) is normal


def test_refuses_a_second_helper(pristine):
  edited = flow_normal_closure.edit(pristine('1.39.1', PATH))

  with pytest.raises(EditError, match='already defined'):
    flow_normal_closure.edit(edited)


def test_fails_loudly_without_websockets_imports():
  with pytest.raises(EditError, match='not imported from websockets'):
    flow_normal_closure.edit('class BaseLlmFlow:\n  pass\n')
