"""`check` passes a whole fix and names what is missing from a partial one."""

import pytest

from livefix import __main__
from livefix import check
from livefix import edits
from livefix import fork
from livefix.edits import flow_ends_on_client_close
from livefix.edits import flow_helpers
from livefix.edits import flow_ignores_go_away_after_close
from livefix.edits import flow_no_connection_after_close
from livefix.edits import flow_receive_ends_after_close
from livefix.edits import queue_remembers_close

from .helpers import RELEASES


def _fork_without(release, upstream_wheel, pristine, left_out):
  """The fork of `release` with every edit but `left_out` applied."""
  texts = {}
  for edit in edits.EDITS:
    text = texts.get(edit.PATH) or pristine(release, edit.PATH)
    texts[edit.PATH] = text if edit is left_out else edit.edit(text)
  originals = {path: pristine(release, path) for path in texts}
  return fork.Fork(release, upstream_wheel(release), originals, texts)


@pytest.mark.parametrize('release', RELEASES)
def test_whole_fix_passes(release, upstream_wheel):
  result = check.check_fork(fork.from_wheel(release, upstream_wheel(release)))

  assert result.ok, result.problems
  assert result.lines_added > 0


@pytest.mark.parametrize(
    'release, left_out, problem',
    [
        ('1.39.1', queue_remembers_close, 'no method LiveRequestQueue.closed'),
        ('1.39.1', flow_helpers, 'no _closed_by_client()'),
        ('1.39.1', flow_ends_on_client_close, 'is not guarded'),
        ('1.20.0', flow_no_connection_after_close, 'connects without asking'),
        ('2.8.0', flow_no_connection_after_close, 'connects without asking'),
        ('1.20.0', flow_receive_ends_after_close, 'another stream'),
        ('1.39.1', flow_receive_ends_after_close, 'another stream'),
        ('1.20.0', flow_ends_on_client_close, 'is not guarded'),
        ('1.39.1', flow_ignores_go_away_after_close, 'goAway is answered'),
        ('2.0.0', flow_ignores_go_away_after_close, 'goAway is answered'),
    ],
)
def test_names_the_missing_guard(
    release, left_out, problem, upstream_wheel, pristine
):
  partial = _fork_without(release, upstream_wheel, pristine, left_out)

  result = check.check_fork(partial)

  assert not result.ok
  assert any(problem in found for found in result.problems), result.problems
  assert 'FAILED' in result.line()


def test_refused_release_is_a_failure(tmp_path):
  result = check.check('2.9.0', tmp_path)

  assert not result.ok
  assert 'upstream fixed it in 2.9.0' in result.line()


def test_report_counts_releases(tmp_path, capsys):
  assert not check.report(['1.39.1', '0.1'], tmp_path)

  lines = capsys.readouterr().out.splitlines()
  assert lines[0].startswith('1.39.1   ok')
  assert lines[1].startswith('0.1      FAILED')
  assert lines[2].startswith('1/2 releases ok in')


def test_command_exits_nonzero_on_a_failure(capsys):
  assert __main__.main(['check', '--upstream', '1.39.1']) == 0
  assert __main__.main(['check', '--upstream', '1.19.0']) == 1
  assert 'not supported by this fork' in capsys.readouterr().out
