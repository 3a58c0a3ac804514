"""Sessions: the fork's main job, its tests on each upstream release, and the
same tests on stock google-adk, where the tests of the fix must fail.

`nox` alone runs the build tooling's tests, the fast check of every release,
the installs users make, the pull requests in upstream's tree, the full
suites on the oldest and the newest release, the unit suites on one release
of each other family and handler shape, and the reported cell of the
google-genai matrix on both paths. `nox -s tests stock` runs the full suites
on every supported release (add `-- --backend vertex_ai` for the end-to-end
tests on Vertex AI as well), `nox -s vertex_ai compat` the rest of what the
workflow runs.
"""

import pathlib
import re
import shutil
import sys
import tarfile
from xml.etree import ElementTree

import nox

# The release table and versions come from the build package itself.
ROOT = pathlib.Path(__file__).parent
sys.path.insert(0, str(ROOT))
from livefix import edits
from livefix import releases

nox.options.default_venv_backend = 'uv|virtualenv'
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml('pyproject.toml')
TEST_REQUIREMENTS = nox.project.dependency_groups(PYPROJECT, 'test')
# The full suites, stock and fork, in the default run: the newest release,
# whose own fix covers one agent (`compat` below runs the end-to-end close
# tests on a release of the first family). The GitHub workflow runs them on
# every release and both paths.
REPRESENTATIVE = ['2.13.0']
# The unit suites, stock and fork: one release of each other layout family
# (livefix/families.py) and handler shape (docs/releases.md).
UNIT_REPRESENTATIVE = [
    '1.10.0',
    '1.29.0',
    '1.36.1',
    '1.39.1',
    '2.8.0',
    '2.9.0',
    '2.11.0',
]
UPSTREAM = nox.parametrize('upstream', list(releases.WHEEL_SHA256))
# By release, the google-genai releases to test it with: the oldest and the
# newest it allows (as of this writing), and 1.61.0 where allowed, the last
# before a normal closure reaches ADK as APIError(1000) rather than
# ConnectionClosedOK. websockets: all four ask for >=15.0.1,<16 and every
# google-genai here allows it, which leaves 15.0.1.
COMPAT = {
    '1.22.1': ['1.56.0', '1.61.0', '1.75.0'],
    '1.29.0': ['1.64.0', '1.75.0'],
    '1.39.1': ['2.9.0', '2.34.0'],
    '2.8.0': ['2.19.0', '2.34.0'],
}
WEBSOCKETS = '15.0.1'
# The reported case: stock 1.22.1 with google-genai 1.61 on Vertex AI.
COMPAT_DEFAULT = ('1.22.1', '1.61.0')
# Two pytest-xdist workers: the end-to-end tests mostly wait on sockets and
# timers, so two halve their wall time on two cores.
WORKERS = '--numprocesses=2'
CLOSE_TESTS = ['tests/end_to_end/test_live_close.py', WORKERS]
SUITES = ['tests/unittests', 'tests/end_to_end', WORKERS]

nox.options.sessions = (
    ['tooling', 'check', 'installers', 'upstream_tree']
    + [
        f'{kind}(upstream={release!r})'
        for kind in ('tests', 'stock')
        for release in REPRESENTATIVE
    ]
    + [f'unit(upstream={release!r})' for release in UNIT_REPRESENTATIVE]
    + ['compat(upstream={!r}, genai={!r})'.format(*COMPAT_DEFAULT)]
)


def _require_versions(session, **expected: str) -> None:
  """Fails the session unless each distribution has the version given (keys
  with `_` for `-`)."""
  session.run(
      'python',
      '-c',
      'import sys; from importlib.metadata import version;'
      ' pairs = [a.split("=") for a in sys.argv[1:]];'
      ' wrong = [f"{n} {version(n)}, not {v}" for n, v in pairs'
      ' if version(n) != v];'
      ' sys.exit("; ".join(wrong) or None)',
      *(f'{name.replace("_", "-")}={v}' for name, v in expected.items()),
  )


def _install_fork(session, release: str, *pins: str) -> None:
  session.install('-C', f'upstream={release}', '.', *TEST_REQUIREMENTS, *pins)
  _require_versions(session, google_adk=releases.fork_version(release))


def _install_stock(session, release: str, *pins: str) -> None:
  session.install(f'google-adk=={release}', *TEST_REQUIREMENTS, *pins)
  _require_versions(session, google_adk=release)


def _stock_then_fork(session, release: str, pins: list[str], *pytest_args):
  """Runs the same tests on stock and then on the fork, in one environment.

  Stock goes first: a fork installed from this tree satisfies
  `google-adk==X`, so stock would not replace it, while the fork always
  replaces stock.
  """
  _install_stock(session, release, *pins)
  session.run('pytest', '--stock', *pytest_args, *session.posargs)
  _install_fork(session, release, *pins)
  session.run('pytest', *pytest_args, *session.posargs)


@nox.session
def fork(session):
  """Builds the fork's wheel into dist/ and prints its diff against upstream."""
  session.run('python', '-m', 'livefix', 'build', '--diff', *session.posargs)


@nox.session
def tooling(session):
  """Tests the build backend, the edits and the check on real releases."""
  _install_fork(session, releases.DEFAULT)
  session.run('pytest', 'tests/build_backend', WORKERS, *session.posargs)


@nox.session
def check(session):
  """Fetches, verifies and edits every supported release."""
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


def _upstream_pin(pyproject: pathlib.Path, name: str) -> str:
  """The `name==X` pin of upstream's development requirements."""
  (pin,) = set(re.findall(rf'"({name}==[^"]+)"', pyproject.read_text()))
  return pin


def _fresh_tree(downloads: pathlib.Path, folder: str) -> pathlib.Path:
  """Upstream's sdist, unpacked afresh into `downloads/folder`."""
  tree = downloads / folder / f'google_adk-{releases.DEFAULT}'
  shutil.rmtree(tree.parent, ignore_errors=True)
  with tarfile.open(downloads / f'{tree.name}.tar.gz') as sdist:
    sdist.extractall(tree.parent, filter='data')
  return tree


def _pull_request_tree(session, downloads: pathlib.Path, pr: str):
  """A fresh unpacked sdist with the pull requests `pr` goes on top of."""
  tree = _fresh_tree(downloads, pr)
  after = edits.PULL_REQUESTS[pr].after
  if after:
    session.run('python', '-m', 'livefix', 'apply', str(tree), '--pr', after)
  return tree


def _install_tree(session, tree: pathlib.Path) -> None:
  """Installs `tree` in place of the google-adk installed."""
  # uv reuses a wheel built from the same path while pyproject.toml keeps its
  # time stamp, which the archive restores: build this tree afresh.
  (tree / 'pyproject.toml').touch()
  session.install('--force-reinstall', '--no-deps', str(tree))


def _failed_and_total(junit: pathlib.Path) -> tuple[int, int]:
  suite = ElementTree.parse(junit).getroot().find('testsuite')
  return int(suite.get('failures')) + int(suite.get('errors')), int(
      suite.get('tests')
  )


@nox.session
def upstream_tree(session):
  """For each pull request for upstream's main, on upstream's sdist: its
  tests fail on the tree without it (every one) and pass on the tree with it,
  installed; upstream's formatters find nothing to change in what it
  changed. Then the whole fix applied there, with this repository's unit
  tests, which pass there unchanged."""
  downloads = pathlib.Path(session.create_tmp()).resolve()
  session.install('pip')
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
  with tarfile.open(
      downloads / f'google_adk-{releases.DEFAULT}.tar.gz'
  ) as sdist:
    pyproject = downloads / 'pyproject.toml'
    pyproject.write_bytes(
        sdist.extractfile(
            f'google_adk-{releases.DEFAULT}/pyproject.toml'
        ).read()
    )
  stock = f'google-adk=={releases.DEFAULT}'
  session.install(
      stock,
      'pytest>=9,<10',
      'pytest-asyncio',
      _upstream_pin(pyproject, 'pyink'),
      _upstream_pin(pyproject, 'isort'),
  )
  for pr in edits.PULL_REQUESTS:
    tree = _pull_request_tree(session, downloads, pr)
    # The tree without the pull request, installed: stock from the index, or
    # the tree with the pull request it goes on top of.
    if edits.PULL_REQUESTS[pr].after:
      _install_tree(session, tree)
    else:
      session.install('--force-reinstall', '--no-deps', stock)
    stat = session.run(
        'python', '-m', 'livefix', 'apply', str(tree), '--pr', pr, silent=True
    )
    print(stat)
    changed = [line.split('|')[0].strip() for line in stat.splitlines()]
    # Only test files: the helpers they import count as no test.
    added_tests = [
        path
        for path in changed
        if pathlib.PurePath(path).name.startswith('test_')
    ]
    session.chdir(tree)
    junit = downloads / f'{pr}.xml'
    # `python -m` puts the tree on sys.path, as upstream's package folders
    # under tests/ do: the tests import their helpers as `tests.unittests...`.
    pytest = [
        'python',
        '-m',
        'pytest',
        '-p',
        'no:cacheprovider',
        f'--junitxml={junit}',
    ]
    session.run(*pytest, *added_tests, success_codes=[1])
    failed, total = _failed_and_total(junit)
    if failed != total:
      session.error(f'{pr}: {total - failed} of {total} tests pass without it')
    _install_tree(session, tree)
    session.run(*pytest, *added_tests)
    session.run('pyink', '--check', *changed)
    session.run('isort', '--check-only', *changed)
    session.chdir(ROOT)
  # The whole fix, as the pull request for a 1.x line makes it: the unit
  # tests apply copies there run unchanged (docs/contributing.md).
  tree = _fresh_tree(downloads, 'whole-fix')
  stat = session.run('python', '-m', 'livefix', 'apply', str(tree), silent=True)
  print(stat)
  copied = [
      path
      for path in (line.split('|')[0].strip() for line in stat.splitlines())
      if pathlib.PurePath(path).name.startswith('test_')
  ]
  _install_tree(session, tree)
  session.chdir(tree)
  session.run('pytest', '-p', 'no:cacheprovider', *copied)
  session.chdir(ROOT)


@nox.session
@UPSTREAM
def tests(session, upstream):
  """Runs the fix's unit and end-to-end tests on the fork of a release."""
  _install_fork(session, upstream)
  session.run('pytest', *SUITES, '--backend=gemini_api', *session.posargs)


@nox.session
@UPSTREAM
def stock(session, upstream):
  """Runs the same tests on stock google-adk: the fix's tests must fail."""
  _install_stock(session, upstream)
  session.run(
      'pytest', '--stock', *SUITES, '--backend=gemini_api', *session.posargs
  )


@nox.session
@UPSTREAM
def unit(session, upstream):
  """Runs the unit tests on stock google-adk and then on the fork."""
  _stock_then_fork(session, upstream, [], 'tests/unittests', WORKERS)


@nox.session
@UPSTREAM
def vertex_ai(session, upstream):
  """Runs the close tests on the Vertex AI path, on stock and on the fork."""
  _stock_then_fork(session, upstream, [], *CLOSE_TESTS, '--backend=vertex_ai')


@nox.session
@nox.parametrize(
    'upstream,genai',
    [(release, genai) for release, pins in COMPAT.items() for genai in pins],
)
def compat(session, upstream, genai):
  """Runs the close tests on both backends, on stock and on the fork, with
  google-genai and websockets pinned."""
  _stock_then_fork(
      session,
      upstream,
      [f'google-genai=={genai}', f'websockets=={WEBSOCKETS}'],
      *CLOSE_TESTS,
  )
  _require_versions(session, google_genai=genai, websockets=WEBSOCKETS)
