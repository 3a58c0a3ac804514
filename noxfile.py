"""Sessions: the fork's main job, its tests, and the same tests on stock."""

import nox

nox.options.sessions = ['tests', 'stock']
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml('pyproject.toml')
TEST_REQUIREMENTS = nox.project.dependency_groups(PYPROJECT, 'test')
# The release stock runs are compared with: the fork's default.
STOCK_RELEASE = '1.39.1'


@nox.session
def fork(session):
  """Builds the fork's wheel into dist/ and prints its diff against upstream."""
  session.install('packaging>=22')
  session.run('python', '-m', 'livefix', 'build', '--diff', *session.posargs)


@nox.session
def tests(session):
  """Installs the fork from this tree, then runs every test."""
  session.install('.', *TEST_REQUIREMENTS)
  session.run('pytest', *session.posargs)


@nox.session
def stock(session):
  """Runs the fix's tests on stock google-adk: they must fail there."""
  session.install(f'google-adk=={STOCK_RELEASE}', *TEST_REQUIREMENTS)
  session.run(
      'pytest',
      '--stock',
      'tests/unittests',
      'tests/end_to_end',
      *session.posargs,
  )
