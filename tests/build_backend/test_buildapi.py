"""Tests for the PEP 517 hooks and the command line, as pip and users run them."""

import email.parser
import pathlib
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

from livefix import buildapi
from livefix import fetch
from livefix import releases

ROOT = pathlib.Path(__file__).resolve().parents[2]
_TOO_OLD = (
    'error: google-adk 1.9.0 is too old for this fork: the oldest supported'
    ' release is 1.10.0, the first with the live reconnect loop.\n'
)


@pytest.fixture(scope='session')
def default_wheel(upstream_wheel):
  """The official wheel of the release the root builds. Session-scoped, so
  it is fetched before a test's own fixtures point pip or the cache
  elsewhere."""
  return upstream_wheel(releases.DEFAULT)


def _version(wheel: pathlib.Path) -> str:
  with zipfile.ZipFile(wheel) as archive:
    [metadata] = [n for n in archive.namelist() if n.endswith('/METADATA')]
    return email.parser.Parser().parsestr(archive.read(metadata).decode())[
        'Version'
    ]


def _sdist_of(tmp_path, release: str) -> pathlib.Path:
  """A tree unpacked from the fork's sdist made for `release`."""
  name = buildapi.build_sdist(str(tmp_path), {'upstream': release})
  with tarfile.open(tmp_path / name) as sdist:
    sdist.extractall(tmp_path / 'unpacked', filter='data')
  return tmp_path / 'unpacked' / name.removesuffix('.tar.gz')


def test_root_builds_the_default_or_the_release_the_setting_asks_for():
  assert buildapi.upstream_release(None, ROOT) == releases.DEFAULT
  assert buildapi.upstream_release({'upstream': '1.29.0'}, ROOT) == '1.29.0'


def test_a_folder_builds_the_release_it_names():
  folder = ROOT / 'releases' / '1.36.1'

  assert buildapi.upstream_release(None, folder) == '1.36.1'
  assert buildapi.upstream_release({'upstream': '1.36.1'}, folder) == '1.36.1'


def test_a_setting_that_contradicts_a_folder_is_refused():
  with pytest.raises(buildapi.SettingError) as refused:
    buildapi.upstream_release(
        {'upstream': '1.39.1'}, ROOT / 'releases' / '1.36.1'
    )

  assert str(refused.value) == (
      'the setting upstream=1.39.1 contradicts the source tree: this folder'
      ' builds google-adk 1.36.1 only. Drop the setting, or install'
      ' releases/1.39.1 instead.'
  )


def test_a_setting_that_contradicts_an_sdist_is_refused(tmp_path):
  tree = _sdist_of(tmp_path, '1.36.1')

  assert buildapi.upstream_release(None, tree) == '1.36.1'
  with pytest.raises(buildapi.SettingError, match='made for google-adk 1.36.1'):
    buildapi.upstream_release({'upstream': '1.39.1'}, tree)


def test_the_retired_environment_variable_is_refused(monkeypatch):
  monkeypatch.setenv(buildapi.RETIRED_ENV_VAR, '1.36.1')

  with pytest.raises(buildapi.SettingError, match='no longer read'):
    buildapi.upstream_release(None, ROOT)


def test_build_wheel_for_chosen_release(tmp_path):
  name = buildapi.build_wheel(str(tmp_path), {'upstream': '1.36.1'})

  version = releases.fork_version('1.36.1')
  assert name == f'google_adk-{version}-py3-none-any.whl'
  assert _version(tmp_path / name) == version


def test_wheel_keeps_upstream_dependencies(tmp_path, default_wheel):
  name = buildapi.build_wheel(str(tmp_path))
  version = releases.fork_version(releases.DEFAULT)
  dist_info = f'google_adk-{version}.dist-info'

  with zipfile.ZipFile(tmp_path / name) as built:
    metadata = built.read(f'{dist_info}/METADATA')
    names = built.namelist()
  with zipfile.ZipFile(default_wheel) as upstream:
    upstream_metadata = upstream.read(
        f'google_adk-{releases.DEFAULT}.dist-info/METADATA'
    )
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
  assert f'{dist_info}/entry_points.txt' in names
  assert f'{dist_info}/licenses/LICENSE' in names


def test_asks_for_nothing_kept_or_not(default_wheel, empty_cache):
  # Not even pip, which an offline frontend could not install.
  assert buildapi.get_requires_for_build_wheel() == []

  empty_cache.mkdir()
  shutil.copy(default_wheel, empty_cache)

  assert buildapi.get_requires_for_build_wheel() == []
  assert buildapi.get_requires_for_build_sdist() == []


def test_sdist_is_the_same_bytes_each_time(tmp_path):
  (tmp_path / 'first').mkdir()
  (tmp_path / 'second').mkdir()
  first = buildapi.build_sdist(str(tmp_path / 'first'), {'upstream': '1.36.1'})
  second = buildapi.build_sdist(
      str(tmp_path / 'second'), {'upstream': '1.36.1'}
  )

  assert first == second
  assert (tmp_path / 'first' / first).read_bytes() == (
      tmp_path / 'second' / second
  ).read_bytes()
  with tarfile.open(tmp_path / 'first' / first) as sdist:
    members = sdist.getmembers()
  assert {(m.uid, m.gid, m.uname, m.gname, m.mode) for m in members} == {
      (0, 0, '', '', 0o644)
  }


def test_refuses_in_the_first_hook_with_the_message_alone(capsys):
  with pytest.raises(SystemExit) as exited:
    buildapi.get_requires_for_build_wheel({'upstream': '1.9.0'})

  assert exited.value.code == 1
  assert capsys.readouterr().err == _TOO_OLD


def test_an_editable_install_is_refused_with_the_message_alone(capsys):
  with pytest.raises(SystemExit) as exited:
    buildapi.build_editable('unused')

  assert exited.value.code == 1
  message = capsys.readouterr().err
  assert message.startswith('error: google-adk cannot be installed in editable')
  assert message.count('\n') == 1


def test_pip_install_editable_shows_the_refusal_without_a_traceback():
  refused = subprocess.run(
      [sys.executable, '-m', 'pip', 'install', '--dry-run', '-e', str(ROOT)],
      capture_output=True,
      text=True,
  )

  assert refused.returncode != 0
  assert 'cannot be installed in editable mode' in refused.stderr
  assert 'Traceback' not in refused.stderr + refused.stdout


def _pip_wheel(
    tree: pathlib.Path, out: pathlib.Path, *options: str, check: bool = True
) -> subprocess.CompletedProcess:
  """Builds `tree` as pip does, in an isolated build environment."""
  return subprocess.run(
      [
          sys.executable,
          '-m',
          'pip',
          'wheel',
          '--no-deps',
          '--quiet',
          '--wheel-dir',
          str(out),
          *options,
          str(tree),
      ],
      check=check,
      capture_output=True,
      text=True,
  )


def test_pip_builds_a_kept_release_offline_with_nothing_installed(
    default_wheel, empty_cache, no_index, tmp_path
):
  empty_cache.mkdir()
  shutil.copy(default_wheel, empty_cache)

  # The isolated environment gets nothing, and pip has no index to fetch
  # anything from: the build must need nothing.
  _pip_wheel(ROOT, tmp_path / 'wheels')

  [built] = (tmp_path / 'wheels').iterdir()
  version = releases.fork_version(releases.DEFAULT)
  assert built.name == f'google_adk-{version}-py3-none-any.whl'


def test_pip_builds_the_release_a_folder_names(
    upstream_wheel, request, tmp_path
):
  official = upstream_wheel('1.36.1')
  # Only now, with the wheel in hand: no index, and that wheel kept.
  request.getfixturevalue('no_index')
  empty_cache = request.getfixturevalue('empty_cache')
  empty_cache.mkdir()
  shutil.copy(official, empty_cache)

  # From a copy, as a clone has it: the package inside hands over the
  # backend.
  tree = tmp_path / 'clone'
  shutil.copytree(ROOT / 'livefix', tree / 'livefix')
  shutil.copytree(ROOT / 'releases', tree / 'releases')
  _pip_wheel(tree / 'releases' / '1.36.1', tmp_path / 'wheels')

  [built] = (tmp_path / 'wheels').iterdir()
  assert _version(built) == releases.fork_version('1.36.1')


@pytest.mark.parametrize(
    'tree, options, message',
    [
        (ROOT, ['-C', 'upstream=1.9.0'], '1.9.0 is too old for this fork'),
        (
            ROOT / 'releases' / '1.36.1',
            ['-C', 'upstream=1.39.1'],
            'contradicts the source tree',
        ),
    ],
    ids=['too-old-release', 'contradicted-folder'],
)
def test_pip_shows_a_refusal_without_a_traceback(
    tree, options, message, tmp_path
):
  refused = _pip_wheel(tree, tmp_path / 'wheels', *options, check=False)

  assert refused.returncode != 0
  assert message in refused.stderr
  assert 'Traceback' not in refused.stderr + refused.stdout
  assert not (tmp_path / 'wheels').exists() or not any(
      (tmp_path / 'wheels').iterdir()
  )


def test_sdist_carries_no_upstream_code_and_builds_its_release(
    tmp_path, empty_cache
):
  version = releases.fork_version('1.29.0')
  tree = _sdist_of(tmp_path, '1.29.0')

  members = [p.relative_to(tree).as_posix() for p in tree.rglob('*')]
  assert tree.name == f'google_adk-{version}'
  assert not [m for m in members if m.startswith('google/')]
  assert 'livefix/buildapi.py' in members
  # Nothing kept yet: the build downloads the release.
  _pip_wheel(tree, tmp_path / 'wheels')
  [built] = (tmp_path / 'wheels').iterdir()
  assert _version(built) == version
  assert fetch.cached('1.29.0') is not None


def test_sdist_of_a_folder_keeps_its_release(tmp_path, monkeypatch):
  monkeypatch.chdir(ROOT / 'releases' / '1.36.1')

  tree = _sdist_of(tmp_path, '1.36.1')

  # The root's pyproject.toml: the folder's hands over a backend two folders
  # up, which the sdist does not have. Its PKG-INFO names the release.
  assert (tree / 'pyproject.toml').read_bytes() == (
      ROOT / 'pyproject.toml'
  ).read_bytes()
  refused = _pip_wheel(
      tree, tmp_path / 'wheels', '-C', 'upstream=1.39.1', check=False
  )
  assert refused.returncode != 0
  assert 'this sdist was made for google-adk 1.36.1' in refused.stderr


def test_diff_command_changes_only_the_three_files():
  result = subprocess.run(
      [sys.executable, '-m', 'livefix', 'diff'],
      cwd=ROOT,
      capture_output=True,
      text=True,
      check=True,
  )

  headers = [l for l in result.stdout.splitlines() if l.startswith('+++ ')]
  # The default's family: the queue and the live flow under google/adk/live.
  assert headers == [
      '+++ b/src/google/adk/live/live_request_queue.py',
      '+++ b/src/google/adk/agents/invocation_context.py',
      '+++ b/src/google/adk/live/_live_llm_flow.py',
  ]
  assert '+  _closes_made = 0' in result.stdout


def test_command_line_explains_refusal_with_nothing_installed():
  # -S: no site-packages, so neither packaging nor pip can be imported.
  python = [sys.executable, '-S']
  lacks_packaging = subprocess.run([*python, '-c', 'import packaging'])
  result = subprocess.run(
      [*python, '-m', 'livefix', 'build', '--upstream', '1.9.0'],
      cwd=ROOT,
      capture_output=True,
      text=True,
  )

  assert lacks_packaging.returncode != 0
  assert result.returncode == 1
  assert result.stderr == _TOO_OLD
