"""`apply` edits an upstream source tree in place and brings the tests along."""

import pathlib
import subprocess

import pytest

from livefix import __main__
from livefix import apply
from livefix import edits
from livefix import releases

_CONTEXT = 'src/google/adk/agents/invocation_context.py'
# The queue, the invocation context and the live flow, by family.
_EDITED = {
    '1.20.0': {
        'src/google/adk/agents/live_request_queue.py',
        _CONTEXT,
        'src/google/adk/flows/llm_flows/base_llm_flow.py',
    },
    '1.39.1': {
        'src/google/adk/agents/live_request_queue.py',
        _CONTEXT,
        'src/google/adk/flows/llm_flows/base_llm_flow.py',
    },
    '2.13.0': {
        'src/google/adk/live/live_request_queue.py',
        _CONTEXT,
        'src/google/adk/live/_live_llm_flow.py',
    },
}
_ADDED = {
    'tests/unittests/__init__.py',
    'tests/unittests/agents/__init__.py',
    'tests/unittests/agents/test_live_request_queue_close.py',
    'tests/unittests/agents/test_invocation_context_live_close.py',
    'tests/unittests/flows/__init__.py',
    'tests/unittests/flows/llm_flows/__init__.py',
    'tests/unittests/flows/llm_flows/test_base_llm_flow_live_close.py',
    'tests/unittests/live_close_releases.py',
}


def _files(tree: pathlib.Path) -> dict[str, bytes]:
  return {
      str(path.relative_to(tree)): path.read_bytes()
      for path in tree.rglob('*')
      if path.is_file() and '.git' not in path.relative_to(tree).parts
  }


def _git(tree: pathlib.Path, *args: str) -> None:
  subprocess.run(
      ['git', '-c', 'user.name=t', '-c', 'user.email=t@t', *args],
      cwd=tree,
      check=True,
      capture_output=True,
  )


def _committed(tree: pathlib.Path) -> pathlib.Path:
  _git(tree, 'init', '-q')
  _git(tree, 'add', '-A')
  _git(tree, 'commit', '-q', '-m', 'upstream')
  return tree


@pytest.mark.parametrize('release', _EDITED)
def test_changes_only_the_edited_files_and_adds_the_tests(release, sdist_tree):
  tree = sdist_tree(release)
  before = _files(tree)

  changes = apply.apply(tree)

  after = _files(tree)
  changed = {path for path in before if before[path] != after[path]}
  assert changed == _EDITED[release]
  assert set(after) - set(before) == _ADDED
  assert {change.path for change in changes} == _EDITED[release] | _ADDED
  expected = edits.apply(lambda path: before[f'src/{path}'].decode(), release)
  for path, text in expected.items():
    assert after[f'src/{path}'].decode() == text


def test_copied_tests_carry_no_marks_of_this_repository(sdist_tree):
  tree = sdist_tree('1.39.1')

  apply.apply(tree)

  header = (tree / 'src/google/adk/version.py').read_text().split('\n\n')[0]
  for path in _ADDED:
    text = (tree / path).read_text()
    # The packages apply makes on the way stay empty.
    assert text.startswith(header + '\n\n') or not text, path
    assert 'needs_fix' not in text, path
    assert 'tests.upstream_behaviour' not in text, path
    assert 'loopback' not in text, path
  flow_test = tree / 'tests/unittests/flows/llm_flows'
  assert (
      'from ...live_close_releases import resumes_after'
      in (flow_test / 'test_base_llm_flow_live_close.py').read_text()
  )
  table = tree / 'tests/unittests/live_close_releases.py'
  compile(table.read_text(), 'table', 'exec')


def test_refuses_a_tree_that_has_the_fix_and_leaves_it_be(sdist_tree):
  tree = sdist_tree('1.39.1')
  apply.apply(tree)
  fixed = _files(tree)

  with pytest.raises(apply.ApplyError, match='already has the fix'):
    apply.apply(tree)

  assert _files(tree) == fixed


def test_refuses_a_dirty_checkout_unless_told(sdist_tree):
  tree = _committed(sdist_tree('1.39.1'))
  (tree / 'README.md').write_text('local change\n')

  with pytest.raises(apply.ApplyError, match='--allow-dirty'):
    apply.apply(tree)
  apply.apply(tree, allow_dirty=True)


def test_clean_checkout_is_accepted(sdist_tree):
  tree = _committed(sdist_tree('1.39.1'))

  changes = apply.apply(tree)

  assert {change.path for change in changes} >= _EDITED['1.39.1']


def test_refuses_a_tree_it_cannot_recognise(tmp_path):
  with pytest.raises(apply.ApplyError, match='not an adk-python source tree'):
    apply.apply(tmp_path)


def test_refuses_a_release_it_does_not_support(sdist_tree):
  tree = sdist_tree('1.39.1')
  (tree / 'src/google/adk/version.py').write_text('__version__ = "1.9.0"\n')
  before = _files(tree)

  with pytest.raises(releases.UnsupportedRelease, match='1.9.0 is too old'):
    apply.apply(tree)

  assert _files(tree) == before


def test_command_prints_a_stat_or_the_reason(sdist_tree, capsys):
  tree = sdist_tree('1.39.1')

  assert __main__.main(['apply', str(tree)]) == 0
  stat = capsys.readouterr().out
  assert __main__.main(['apply', str(tree)]) == 1

  assert ' src/google/adk/agents/live_request_queue.py ' in stat
  assert '| +' in stat
  assert 'already has the fix' in capsys.readouterr().err


_PR_TESTS = {
    'agent-tree': {
        'tests/unittests/agents/test_invocation_context_live_close.py',
        'tests/unittests/agents/test_live_request_queue_close.py',
        'tests/unittests/live/live_close_testing_utils.py',
        'tests/unittests/live/test_live_llm_flow_client_close.py',
        'tests/unittests/streaming/test_live_close_agent_tree.py',
    },
    'normal-closures': {
        'tests/unittests/live/test_live_llm_flow_normal_closures.py',
    },
}
_FLOW = 'src/google/adk/live/_live_llm_flow.py'


def test_pull_requests_together_make_the_whole_fix(sdist_tree):
  tree = sdist_tree('2.13.0')
  before = _files(tree)

  agent_tree = apply.apply(tree, pr='agent-tree')
  normal_closures = apply.apply(tree, pr='normal-closures')

  after = _files(tree)
  assert {c.path for c in agent_tree} == (
      _EDITED['2.13.0'] | _PR_TESTS['agent-tree']
  )
  assert {c.path for c in normal_closures} == (
      {_FLOW} | _PR_TESTS['normal-closures']
  )
  assert set(after) - set(before) == set().union(*_PR_TESTS.values())
  whole = edits.apply(lambda path: before[f'src/{path}'].decode(), '2.13.0')
  for path, text in whole.items():
    assert after[f'src/{path}'].decode() == text
  for path in set().union(*_PR_TESTS.values()):
    assert after[path].startswith(b'# Copyright 2026 Google LLC\n'), path
  # The header comes from the tree: this repository's files carry none.
  assert not [
      ours
      for ours in apply._PR_TESTS.rglob('*.py')
      if ours.read_text().startswith('#')
  ]


def test_agent_tree_counts_only_what_upstream_counts_as_normal(sdist_tree):
  tree = sdist_tree('2.13.0')

  apply.apply(tree, pr='agent-tree')

  assert '_NORMAL_CLOSURE_CODES = (1000,)\n' in (tree / _FLOW).read_text()


def test_flow_tests_go_beside_the_flow_module_of_2_9(sdist_tree):
  tree = sdist_tree('2.9.0')

  changes = apply.apply(tree, pr='agent-tree')

  assert {c.path for c in changes if c.path.startswith('tests/')} == {
      'tests/unittests/agents/test_invocation_context_live_close.py',
      'tests/unittests/agents/test_live_request_queue_close.py',
      'tests/unittests/flows/llm_flows/test_live_llm_flow_client_close.py',
      'tests/unittests/live/live_close_testing_utils.py',
      'tests/unittests/streaming/test_live_close_agent_tree.py',
  }


@pytest.mark.parametrize(
    'release, pr, message',
    [
        ('1.39.1', 'agent-tree', 'without --pr'),
        ('2.13.0', 'normal-closures', 'apply that first'),
    ],
)
def test_a_pull_request_refuses_a_tree_it_does_not_fit(
    release, pr, message, sdist_tree
):
  tree = sdist_tree(release)
  before = _files(tree)

  with pytest.raises(apply.ApplyError, match=message):
    apply.apply(tree, pr=pr)

  assert _files(tree) == before
