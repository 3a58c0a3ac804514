"""python -m livefix build|diff: the fork's wheel, and what it changes."""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

from . import buildapi
from . import fetch
from . import fork
from . import releases
from . import source
from . import wheel

_ERRORS = (
    fetch.FetchError,
    releases.UnsupportedRelease,
    source.EditError,
    wheel.WheelError,
)


def main(argv: list[str] | None = None) -> int:
  common = argparse.ArgumentParser(add_help=False)
  common.add_argument(
      '--upstream',
      help=(
          f'upstream google-adk release (default: ${buildapi.ENV_VAR}, else'
          f' {releases.DEFAULT})'
      ),
  )
  parser = argparse.ArgumentParser(prog='python -m livefix')
  commands = parser.add_subparsers(dest='command', required=True)
  build = commands.add_parser(
      'build', parents=[common], help='write the fork wheel'
  )
  build.add_argument('--out', type=pathlib.Path, default=pathlib.Path('dist'))
  build.add_argument(
      '--diff', action='store_true', help='also print the diff to upstream'
  )
  commands.add_parser(
      'diff', parents=[common], help='print the diff from upstream to the fork'
  )
  args = parser.parse_args(argv)

  release = buildapi.upstream_release({'upstream': args.upstream})
  try:
    with tempfile.TemporaryDirectory() as downloads:
      the_fork = fork.prepare(release, pathlib.Path(downloads))
      if args.command == 'build':
        args.out.mkdir(parents=True, exist_ok=True)
        print(f'built {the_fork.write_wheel(args.out)}')
  except _ERRORS as e:
    print(f'error: {e}', file=sys.stderr)
    return 1
  if args.command == 'diff' or args.diff:
    sys.stdout.write(the_fork.diff())
  return 0


if __name__ == '__main__':
  sys.exit(main())
