"""Tests for the PEP 517 hooks and the command line, as pip and users run them."""

import email.parser
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

from livefix import buildapi
from livefix import fetch

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

  assert name == 'google_adk-1.36.1+livefix.3-py3-none-any.whl'
  assert _version(tmp_path / name) == '1.36.1+livefix.3'


def test_wheel_keeps_upstream_dependencies(tmp_path, official):
  name = buildapi.build_wheel(str(tmp_path))

  with zipfile.ZipFile(tmp_path / name) as built:
    metadata = built.read('google_adk-1.39.1+livefix.3.dist-info/METADATA')
    names = built.namelist()
  with zipfile.ZipFile(official) as upstream:
    upstream_metadata = upstream.read('google_adk-1.39.1.dist-info/METADATA')
  requires = [
      line
      for line in metadata.decode().splitlines()
      if line.startswith('Requires-')
  ]
  assert requires
  assert requires == [
      line
      for line in upstream_metadata.decode().splitlines()
      if line.startswith('Requires-')
  ]
  assert 'google_adk-1.39.1+livefix.3.dist-info/entry_points.txt' in names
  assert 'google_adk-1.39.1+livefix.3.dist-info/licenses/LICENSE' in names


def test_asks_for_pip_only_when_no_verified_wheel_is_kept(
    official, empty_cache
):
  assert buildapi.get_requires_for_build_wheel() == ['pip']

  empty_cache.mkdir()
  shutil.copy(official, empty_cache)

  assert buildapi.get_requires_for_build_wheel() == []
  assert buildapi.get_requires_for_build_sdist() == []


def test_asks_for_packaging_only_to_explain_a_refusal():
  config = {'upstream': '2.9.0'}

  assert buildapi.get_requires_for_build_wheel(config) == ['packaging>=22']
  assert buildapi.get_requires_for_build_sdist(config) == ['packaging>=22']


def _pip_wheel(tree: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
  """Builds `tree` as pip does, in an isolated build environment."""
  subprocess.run(
      [
          sys.executable,
          '-m',
          'pip',
          'wheel',
          '--no-deps',
          '--quiet',
          '--wheel-dir',
          str(out),
          str(tree),
      ],
      check=True,
      env={k: v for k, v in os.environ.items() if k != buildapi.ENV_VAR},
  )
  [built] = out.iterdir()
  return built


def test_pip_builds_a_kept_release_offline_with_nothing_installed(
    official, empty_cache, offline_index, tmp_path
):
  empty_cache.mkdir()
  shutil.copy(official, empty_cache)

  # The isolated environment gets neither pip nor packaging, and pip has no
  # index to fetch either from: the build must need neither.
  built = _pip_wheel(ROOT, tmp_path / 'wheels')

  assert built.name == 'google_adk-1.39.1+livefix.3-py3-none-any.whl'


def test_refuses_fixed_release_without_writing_a_wheel(tmp_path):
  with pytest.raises(Exception, match='already has this fix'):
    buildapi.build_wheel(str(tmp_path), {'upstream': '2.9.0'})

  assert list(tmp_path.iterdir()) == []


def test_sdist_carries_no_upstream_code_and_builds_its_release(
    tmp_path, empty_cache
):
  name = buildapi.build_sdist(str(tmp_path), {'upstream': '1.29.0'})

  with tarfile.open(tmp_path / name) as sdist:
    members = sdist.getnames()
    sdist.extractall(tmp_path / 'unpacked')
  assert name == 'google_adk-1.29.0+livefix.3.tar.gz'
  assert not [m for m in members if '/google/' in m]
  assert 'google_adk-1.29.0+livefix.3/livefix/buildapi.py' in members
  # Nothing kept yet: the build asks for pip and downloads the release.
  built = _pip_wheel(
      tmp_path / 'unpacked' / 'google_adk-1.29.0+livefix.3',
      tmp_path / 'wheels',
  )
  assert _version(built) == '1.29.0+livefix.3'
  assert fetch.cached('1.29.0') is not None


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
  assert '+    self._closes_made = 0' in result.stdout


def test_command_line_explains_refusal():
  result = subprocess.run(
      [sys.executable, '-m', 'livefix', 'diff', '--upstream', '2.13.0'],
      cwd=ROOT,
      capture_output=True,
      text=True,
  )

  assert result.returncode == 1
  assert 'upstream fixed it in 2.9.0' in result.stderr
