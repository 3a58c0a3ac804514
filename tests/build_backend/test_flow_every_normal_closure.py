"""Tests for the edit that counts 1001 and 1005 as normal closures too."""

import ast

import pytest

from livefix import families
from livefix import source
from livefix.edits import flow_every_normal_closure
from livefix.edits import flow_helpers
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES


def _codes(text: str) -> tuple[int, ...]:
  (value,) = [
      node.value
      for node in ast.parse(text).body
      if isinstance(node, ast.Assign)
      and ast.unparse(node.targets[0]) == '_NORMAL_CLOSURE_CODES'
  ]
  return ast.literal_eval(value)


@pytest.mark.parametrize('release', RELEASES)
def test_widens_the_codes_and_says_why(release, pristine):
  family = families.family(release)
  helpers = flow_helpers.edit(pristine(release, family.flow), family)

  after = flow_every_normal_closure.edit(helpers, family)

  removed, added = source.changed_lines(helpers, after)
  assert _codes(helpers) == (1000,)
  assert _codes(after) == (1000, 1001, 1005)
  assert removed == ['_NORMAL_CLOSURE_CODES = (1000,)']
  assert_upstream_style(added)
  assert 'websockets' in ''.join(added)


def test_refuses_a_module_without_the_codes():
  family = families.family('2.13.0')

  with pytest.raises(EditError, match='not assigned once'):
    flow_every_normal_closure.edit('x = 1\n', family)
