"""The fork installed as users install it, and installed again from what the
installers recorded: pip and pip freeze, uv pip, a uv project and its
lockfile, pip-compile with hashes from the wheel index, a uv project on that
index, and a container's two stages, the second without git.

Each test ends on the installed version and a clean dependency check.
"""

import os
import pathlib
import shutil
import sys

from livefix import folders
from livefix import releases

from .helpers import bin_dir
from .helpers import installed
from .helpers import run

UV = (sys.executable, '-m', 'uv')


def _folder_url(url: str, release: str) -> str:
  return f'google-adk @ {url}#subdirectory={folders.FOLDER}/{release}'


def _assert_consistent_pip(python: pathlib.Path, release: str) -> None:
  assert installed(python) == releases.fork_version(release)
  run(python, '-m', 'pip', 'check')


def _assert_consistent_uv(python: pathlib.Path, release: str) -> None:
  assert installed(python) == releases.fork_version(release)
  run(*UV, 'pip', 'check', '--python', python)


def test_pip_freeze_reinstalls_the_same_environment(url, new_venv, tmp_path):
  first = new_venv('first')
  run(first, '-m', 'pip', 'install', '--quiet', _folder_url(url, '1.29.0'))
  _assert_consistent_pip(first, '1.29.0')
  frozen = run(first, '-m', 'pip', 'freeze').stdout
  [adk] = [line for line in frozen.splitlines() if 'google-adk' in line]
  assert adk.endswith('#subdirectory=releases/1.29.0'), adk

  requirements = tmp_path / 'requirements.txt'
  requirements.write_text(frozen)
  second = new_venv('second')
  run(second, '-m', 'pip', 'install', '--quiet', '-r', requirements)

  _assert_consistent_pip(second, '1.29.0')
  assert run(second, '-m', 'pip', 'freeze').stdout == frozen


def test_uv_pip_installs_a_release_by_its_folder(url, tmp_path):
  run(*UV, 'venv', '--quiet', '--python', sys.executable, tmp_path / 'env')
  python = bin_dir(tmp_path / 'env') / 'python'

  run(
      *UV,
      'pip',
      'install',
      '--quiet',
      '--python',
      python,
      _folder_url(url, '1.29.0'),
  )

  _assert_consistent_uv(python, '1.29.0')


def test_uv_project_locks_the_release_and_syncs_to_it(url, tmp_path):
  project = tmp_path / 'app'
  project.mkdir()
  run(
      *UV,
      'init',
      '--quiet',
      '--bare',
      '--no-workspace',
      '--python',
      sys.executable,
      '--name',
      'app',
      cwd=project,
  )
  run(*UV, 'add', '--quiet', f'google-adk @ {url}', cwd=project)
  _assert_consistent_uv(bin_dir(project / '.venv') / 'python', releases.DEFAULT)

  # Another release: the lockfile records its folder.
  run(*UV, 'add', '--quiet', _folder_url(url, '1.36.1'), cwd=project)
  lock = (project / 'uv.lock').read_text()
  assert f'version = "{releases.fork_version("1.36.1")}"' in lock
  assert 'subdirectory=releases%2F1.36.1' in lock

  shutil.rmtree(project / '.venv')
  run(*UV, 'lock', '--locked', cwd=project)
  run(*UV, 'sync', '--quiet', '--locked', cwd=project)

  _assert_consistent_uv(bin_dir(project / '.venv') / 'python', '1.36.1')


def test_hash_pinned_install_from_the_index(served_index, new_venv, tmp_path):
  (tmp_path / 'requirements.in').write_text('google-adk==1.36.1\n')
  run(
      sys.executable,
      '-m',
      'piptools',
      'compile',
      '--quiet',
      '--generate-hashes',
      '--extra-index-url',
      served_index,
      '--output-file',
      'requirements.txt',
      'requirements.in',
      cwd=tmp_path,
  )
  pinned = (tmp_path / 'requirements.txt').read_text()
  assert f'google-adk=={releases.fork_version("1.36.1")} \\' in pinned

  python = new_venv('hashed')
  run(
      python,
      '-m',
      'pip',
      'install',
      '--quiet',
      '--require-hashes',
      '-r',
      tmp_path / 'requirements.txt',
  )

  _assert_consistent_pip(python, '1.36.1')


def test_uv_project_from_the_index(served_index, tmp_path):
  project = tmp_path / 'app'
  project.mkdir()
  (project / 'pyproject.toml').write_text(
      '[project]\nname = "app"\nversion = "0"\n'
      'dependencies = ["google-adk==1.36.1"]\n\n'
      f'[[tool.uv.index]]\nname = "livefix"\nurl = "{served_index}"\n'
      'explicit = true\n\n'
      '[tool.uv.sources]\ngoogle-adk = { index = "livefix" }\n'
  )
  run(*UV, 'lock', '--quiet', '--python', sys.executable, cwd=project)
  assert (
      f'version = "{releases.fork_version("1.36.1")}"'
      in (project / 'uv.lock').read_text()
  )
  run(
      *UV,
      'sync',
      '--quiet',
      '--locked',
      '--python',
      sys.executable,
      cwd=project,
  )

  _assert_consistent_uv(bin_dir(project / '.venv') / 'python', '1.36.1')


def test_container_stages_install_without_git(url, new_venv, tmp_path):
  # The build stage has git: it turns the URL of the default release into a
  # wheel.
  build = new_venv('build-stage')
  wheels = tmp_path / 'wheels'
  run(
      build,
      '-m',
      'pip',
      'wheel',
      '--quiet',
      '--no-deps',
      '--wheel-dir',
      wheels,
      f'google-adk @ {url}',
  )

  # The run stage has no git, and installs the wheel and its dependencies.
  run_stage = new_venv('run-stage')
  path = str(bin_dir(run_stage.parent.parent))
  assert shutil.which('git', path=path) is None
  [wheel] = wheels.iterdir()
  run(
      run_stage,
      '-m',
      'pip',
      'install',
      '--quiet',
      wheel,
      env={**os.environ, 'PATH': path},
  )

  _assert_consistent_pip(run_stage, releases.DEFAULT)
