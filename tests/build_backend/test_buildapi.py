"""Tests for the PEP 517 hooks and the command line, as pip and users run them."""

import email.parser
import os
import pathlib
import subprocess
import sys
import tarfile
import zipfile

import pytest

from livefix import buildapi

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _version(wheel: pathlib.Path) -> str:
  with zipfile.ZipFile(wheel) as archive:
    [metadata] = [n for n in archive.namelist() if n.endswith('/METADATA')]
    return email.parser.Parser().parsestr(archive.read(metadata).decode())[
        'Version'
    ]


@pytest.mark.parametrize(
    'config, env, expected',
    [
        (None, None, '1.39.1'),
        (None, '1.36.1', '1.36.1'),
        ({'upstream': '1.29.0'}, '1.36.1', '1.29.0'),
    ],
    ids=['default', 'env', 'config-wins'],
)
def test_upstream_release_is_chosen_by_config_then_env(
    config, env, expected, monkeypatch
):
  if env:
    monkeypatch.setenv(buildapi.ENV_VAR, env)
  else:
    monkeypatch.delenv(buildapi.ENV_VAR, raising=False)

  assert buildapi.upstream_release(config) == expected


def test_build_wheel_for_chosen_release(tmp_path):
  name = buildapi.build_wheel(str(tmp_path), {'upstream': '1.36.1'})

  assert name == 'google_adk-1.36.1+livefix.2-py3-none-any.whl'
  assert _version(tmp_path / name) == '1.36.1+livefix.2'


def test_metadata_keeps_upstream_dependencies(tmp_path, upstream_wheel):
  dist_info = buildapi.prepare_metadata_for_build_wheel(str(tmp_path))

  metadata = (tmp_path / dist_info / 'METADATA').read_text()
  with zipfile.ZipFile(upstream_wheel('1.39.1')) as upstream:
    upstream_metadata = upstream.read(
        'google_adk-1.39.1.dist-info/METADATA'
    ).decode()
  requires = [l for l in metadata.splitlines() if l.startswith('Requires-')]
  assert requires == [
      l for l in upstream_metadata.splitlines() if l.startswith('Requires-')
  ]
  assert (tmp_path / dist_info / 'entry_points.txt').is_file()
  assert (tmp_path / dist_info / 'licenses' / 'LICENSE').is_file()


def test_refuses_fixed_release_without_writing_a_wheel(tmp_path):
  with pytest.raises(Exception, match='already has this fix'):
    buildapi.build_wheel(str(tmp_path), {'upstream': '2.9.0'})

  assert list(tmp_path.iterdir()) == []


def test_sdist_carries_no_upstream_code_and_builds_its_release(tmp_path):
  name = buildapi.build_sdist(str(tmp_path), {'upstream': '1.29.0'})

  with tarfile.open(tmp_path / name) as sdist:
    members = sdist.getnames()
    sdist.extractall(tmp_path / 'unpacked')
  assert name == 'google_adk-1.29.0+livefix.2.tar.gz'
  assert not [m for m in members if '/google/' in m]
  assert 'google_adk-1.29.0+livefix.2/livefix/buildapi.py' in members
  subprocess.run(
      [
          sys.executable,
          '-m',
          'pip',
          'wheel',
          '--no-deps',
          '--quiet',
          '--wheel-dir',
          str(tmp_path / 'wheels'),
          str(tmp_path / 'unpacked' / 'google_adk-1.29.0+livefix.2'),
      ],
      check=True,
      env={k: v for k, v in os.environ.items() if k != buildapi.ENV_VAR},
  )
  [built] = (tmp_path / 'wheels').iterdir()
  assert _version(built) == '1.29.0+livefix.2'


def test_diff_command_changes_only_the_two_files():
  result = subprocess.run(
      [sys.executable, '-m', 'livefix', 'diff'],
      cwd=ROOT,
      capture_output=True,
      text=True,
      check=True,
  )

  headers = [l for l in result.stdout.splitlines() if l.startswith('+++ ')]
  assert headers == [
      '+++ b/src/google/adk/agents/live_request_queue.py',
      '+++ b/src/google/adk/flows/llm_flows/base_llm_flow.py',
  ]
  assert '+    self._closed = False' in result.stdout


def test_command_line_explains_refusal():
  result = subprocess.run(
      [sys.executable, '-m', 'livefix', 'diff', '--upstream', '2.13.0'],
      cwd=ROOT,
      capture_output=True,
      text=True,
  )

  assert result.returncode == 1
  assert 'upstream fixed it in 2.9.0' in result.stderr
