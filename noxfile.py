"""Sessions: the fork's main job, its tests on each upstream release, and the
same tests on stock google-adk, where the tests of the fix must fail.

`nox` alone runs the build tooling's tests, the fast check of every release,
the installs users make, and the full suites on a representative set of
releases. `nox -s tests stock` runs the full suites on every supported
release.
"""

import pathlib
import shutil
import sys
import tarfile

import nox

# The release table and versions come from the build package itself.
sys.path.insert(0, str(pathlib.Path(__file__).parent))
from livefix import releases

nox.options.default_venv_backend = 'uv|virtualenv'
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml('pyproject.toml')
TEST_REQUIREMENTS = nox.project.dependency_groups(PYPROJECT, 'test')
# Both handler shapes, with and without the goAway reconnect, and the first
# and last release of each family.
REPRESENTATIVE = [
    '1.20.0',
    '1.28.1',
    '1.29.0',
    '1.36.1',
    '1.39.1',
    '2.0.0',
    '2.8.0',
]
UPSTREAM = nox.parametrize('upstream', list(releases.WHEEL_SHA256))

nox.options.sessions = ['tooling', 'check', 'installers', 'upstream_tree'] + [
    f'{kind}(upstream={release!r})'
    for kind in ('tests', 'stock')
    for release in REPRESENTATIVE
]


def _install_fork(session, release: str) -> None:
  session.install('-C', f'upstream={release}', '.', *TEST_REQUIREMENTS)
  session.run(
      'python',
      '-c',
      'import sys; from importlib.metadata import version;'
      ' sys.exit(version("google-adk") != sys.argv[1])',
      releases.fork_version(release),
  )


@nox.session
def fork(session):
  """Builds the fork's wheel into dist/ and prints its diff against upstream."""
  session.install('pip')
  session.run('python', '-m', 'livefix', 'build', '--diff', *session.posargs)


@nox.session
def tooling(session):
  """Tests the build backend, the edits and the check on real releases."""
  _install_fork(session, releases.DEFAULT)
  session.run('pytest', 'tests/build_backend', *session.posargs)


@nox.session
def check(session):
  """Fetches, verifies and edits every supported release."""
  session.install('pip')
  session.run('python', '-m', 'livefix', 'check', '--all')


@nox.session
def installers(session):
  """Installs the fork as users do, from empty caches, and again from what
  pip freeze, uv's lockfile and pip-compile recorded."""
  session.install('pytest', 'pip', 'pip-tools', 'uv')
  # Only this folder's conftest: the suites' own needs an installed fork.
  session.run(
      'pytest',
      '--confcutdir=tests/installers',
      'tests/installers',
      *session.posargs,
  )


@nox.session
def upstream_tree(session):
  """Applies the fix to upstream's sdist, installs that tree and runs the
  tests `apply` copied into it, as a pull request's reviewer would."""
  session.install('pip')
  downloads = pathlib.Path(session.create_tmp())
  tree = downloads / f'google_adk-{releases.DEFAULT}'
  shutil.rmtree(tree, ignore_errors=True)
  session.run(
      'python',
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--no-binary=:all:',
      '--dest',
      str(downloads),
      f'google-adk=={releases.DEFAULT}',
  )
  with tarfile.open(f'{tree}.tar.gz') as sdist:
    sdist.extractall(downloads, filter='data')
  session.run('python', '-m', 'livefix', 'apply', str(tree))
  # uv reuses a wheel built from the same path while pyproject.toml keeps its
  # time stamp, which the archive restores: build this tree afresh.
  (tree / 'pyproject.toml').touch()
  session.install(str(tree), 'pytest', 'pytest-asyncio')
  session.chdir(tree)
  session.run('pytest', 'tests/unittests', *session.posargs)


@nox.session
@UPSTREAM
def tests(session, upstream):
  """Runs the fix's unit and end-to-end tests on the fork of a release."""
  _install_fork(session, upstream)
  session.run('pytest', 'tests/unittests', 'tests/end_to_end', *session.posargs)


@nox.session
@UPSTREAM
def stock(session, upstream):
  """Runs the same tests on stock google-adk: the fix's tests must fail."""
  session.install(f'google-adk=={upstream}', *TEST_REQUIREMENTS)
  session.run(
      'pytest',
      '--stock',
      'tests/unittests',
      'tests/end_to_end',
      *session.posargs,
  )
