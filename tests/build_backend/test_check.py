"""`check` passes a whole fix and names what is missing from a partial one."""

import ast

import pytest

from livefix import __main__
from livefix import check
from livefix import edits
from livefix import families
from livefix import fork
from livefix.edits import _flow
from livefix.edits import context_shares_close_state
from livefix.edits import flow_ends_on_client_close
from livefix.edits import flow_every_normal_closure
from livefix.edits import flow_hand_over_ends_at_close
from livefix.edits import flow_helpers
from livefix.edits import flow_ignores_go_away_after_close
from livefix.edits import flow_no_connection_after_close
from livefix.edits import flow_receive_ends_after_close
from livefix.edits import flow_send_records_close
from livefix.edits import queue_counts_closes

from .helpers import RELEASES


def _fork_without(release, upstream_wheel, pristine, left_out):
  """The fork of `release` with every edit but `left_out` (and the edit that
  changes what it inserts) applied."""
  family = families.family(release)
  skipped = {left_out}
  if left_out is flow_helpers:
    skipped.add(flow_every_normal_closure)
  texts = {}
  for edit in edits.EDITS:
    path = getattr(family, edit.TARGET)
    text = texts.get(path) or pristine(release, path)
    texts[path] = text if edit in skipped else edit.edit(text, family)
  originals = {path: pristine(release, path) for path in texts}
  return fork.Fork(release, upstream_wheel(release), originals, texts)


@pytest.mark.parametrize('release', RELEASES)
def test_whole_fix_passes(release, upstream_wheel):
  result = check.check_fork(fork.from_wheel(release, upstream_wheel(release)))

  assert result.ok, result.problems
  assert result.lines_added > 0
  assert result.line().startswith(f'{release:<8} ok      +')


@pytest.mark.parametrize(
    'release, left_out, problem',
    [
        ('1.39.1', queue_counts_closes, 'no method LiveRequestQueue.closed()'),
        ('2.13.0', queue_counts_closes, 'close() does not count a close'),
        ('2.13.0', queue_counts_closes, 'send() does not count a close'),
        (
            '1.20.0',
            context_shares_close_state,
            'InvocationContext has no _live_close_state',
        ),
        ('1.39.1', flow_helpers, 'no _closed_by_client'),
        ('2.13.0', flow_helpers, 'no _is_normal_closure'),
        (
            '1.20.0',
            flow_no_connection_after_close,
            'BaseLlmFlow.run_live() does not record where the invocation'
            ' began',
        ),
        (
            '2.13.0',
            flow_no_connection_after_close,
            'run_live_flow() connects without asking whether the client'
            ' closed',
        ),
        (
            '1.20.0',
            flow_ends_on_client_close,
            '`except (ConnectionClosed, ConnectionClosedOK)` is not guarded',
        ),
        ('1.39.1', flow_ends_on_client_close, '`except errors.APIError` is'),
        (
            '2.13.0',
            flow_ends_on_client_close,
            'client_closed reads the queue, not the run',
        ),
        (
            '1.10.0',
            flow_send_records_close,
            'BaseLlmFlow._send_to_model() does not record the close it sends',
        ),
        (
            '2.13.0',
            flow_send_records_close,
            'send_to_model() does not record the close it sends',
        ),
        (
            '1.20.0',
            flow_receive_ends_after_close,
            'the receive loop asks for another stream after the close',
        ),
        ('2.9.0', flow_receive_ends_after_close, 'another stream'),
        ('1.39.1', flow_ignores_go_away_after_close, 'goAway is answered'),
        ('2.11.0', flow_ignores_go_away_after_close, 'goAway is answered'),
        (
            '1.10.0',
            flow_hand_over_ends_at_close,
            'a hand-over waits out its pause after the close',
        ),
        ('2.9.0', flow_hand_over_ends_at_close, 'waits out its pause'),
        (
            '1.10.0',
            flow_ends_on_client_close,
            '`except Exception` is not guarded',
        ),
        (
            '2.13.0',
            flow_every_normal_closure,
            '_NORMAL_CLOSURE_CODES is (1000,), not (1000, 1001, 1005)',
        ),
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


@pytest.mark.parametrize(
    'release, problem',
    [
        (
            '1.20.0',
            'BaseLlmFlow.run_live() connects without asking whether the client'
            ' closed',
        ),
        (
            '2.13.0',
            'run_live_flow() connects without asking whether the client'
            ' closed',
        ),
    ],
)
def test_names_a_connect_guard_taken_out(release, problem, upstream_wheel):
  whole = fork.from_wheel(release, upstream_wheel(release))
  family = families.family(release)
  text = whole.edited[family.flow]
  tree = ast.parse(text)
  guard = _flow.find_reconnect_loop(tree, family).body[0].body[0]
  lines = text.splitlines(keepends=True)
  del lines[guard.lineno - 1 : guard.end_lineno]
  edited = dict(whole.edited, **{family.flow: ''.join(lines)})

  result = check.check_fork(
      fork.Fork(release, whole.upstream_wheel, whole.pristine, edited)
  )

  assert result.problems == (problem,)


def test_refused_release_is_a_failure(tmp_path):
  result = check.check('1.9.0', tmp_path)

  assert not result.ok
  assert result.line() == (
      '1.9.0    FAILED  google-adk 1.9.0 is too old for this fork: the'
      ' oldest supported release is 1.10.0, the first with the live'
      ' reconnect loop.'
  )


def test_report_counts_releases(tmp_path, capsys):
  assert not check.report(['1.39.1', '0.1'], tmp_path)

  lines = capsys.readouterr().out.splitlines()
  assert lines[0].startswith('1.39.1   ok')
  assert lines[1].startswith('0.1      FAILED')
  assert lines[2].startswith('1/2 releases ok in')


def test_command_exits_nonzero_on_a_failure(capsys):
  assert __main__.main(['check', '--upstream', '2.13.0']) == 0
  assert __main__.main(['check', '--upstream', '1.9.0']) == 1
  assert 'is too old for this fork' in capsys.readouterr().out
