"""python -m livefix build|diff|check|apply|index|folders: the fork's wheel,
what it changes, whether the fix holds on upstream releases, the fix in an
upstream tree, a wheel index, and the folder of each release."""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

from . import apply
from . import buildapi
from . import check
from . import edits
from . import folders
from . import fork
from . import index
from . import releases

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
  common = argparse.ArgumentParser(add_help=False)
  common.add_argument(
      '--upstream',
      help=(
          'upstream google-adk release (default: the one the working'
          f' directory names, else {releases.DEFAULT})'
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
  checks = commands.add_parser(
      'check',
      parents=[common],
      help='fetch, verify and edit releases, and confirm the guards',
  )
  checks.add_argument(
      '--all', action='store_true', help='every supported release'
  )
  applies = commands.add_parser(
      'apply', help='apply the fix and its tests to an upstream source tree'
  )
  applies.add_argument('tree', type=pathlib.Path, metavar='PATH')
  applies.add_argument(
      '--upstream', help="the tree's release (default: its version.py)"
  )
  applies.add_argument(
      '--allow-dirty',
      action='store_true',
      help='apply to a git checkout with uncommitted changes',
  )
  applies.add_argument(
      '--pr',
      choices=list(edits.PULL_REQUESTS),
      help=(
          "one pull request for upstream's main (2.9.0 on) and its tests"
          ' (default: the whole fix)'
      ),
  )
  indexes = commands.add_parser(
      'index',
      help='build the fork of releases into a PEP 503 simple index',
  )
  indexes.add_argument('out', type=pathlib.Path, metavar='DIR')
  indexes.add_argument(
      '--upstream',
      nargs='+',
      action='extend',
      metavar='X',
      help='these releases only (default: every supported release)',
  )
  commands.add_parser(
      'folders',
      help=f'write {folders.FOLDER}/X for every release in releases.txt',
  )
  args = parser.parse_args(argv)

  if args.command == 'folders':
    for path in folders.write(ROOT):
      print(f'wrote {path}')
    return 0
  if args.command == 'apply':
    return _apply(args)
  try:
    if args.command == 'check':
      return _check(args)
    if args.command == 'index':
      return _index(args)
    release = buildapi.upstream_release({'upstream': args.upstream})
    with tempfile.TemporaryDirectory() as downloads:
      the_fork = fork.prepare(release, pathlib.Path(downloads))
      if args.command == 'build':
        args.out.mkdir(parents=True, exist_ok=True)
        print(f'built {the_fork.write_wheel(args.out)}')
  except buildapi.ERRORS as e:
    print(f'error: {e}', file=sys.stderr)
    return 1
  if args.command == 'diff' or args.diff:
    sys.stdout.write(the_fork.diff())
  return 0


def _apply(args: argparse.Namespace) -> int:
  try:
    changes = apply.apply(args.tree, args.upstream, args.allow_dirty, args.pr)
  except (apply.ApplyError, *fork.ERRORS) as e:
    print(f'error: {e}', file=sys.stderr)
    return 1
  width = max(len(change.path) for change in changes)
  for change in changes:
    print(change.line(width))
  return 0


def _index(args: argparse.Namespace) -> int:
  names = args.upstream or list(releases.WHEEL_SHA256)
  with tempfile.TemporaryDirectory() as downloads:
    for wheel in index.write(args.out, names, pathlib.Path(downloads)):
      print(f'built {wheel}')
  print(f'wrote {args.out / "simple" / index.PROJECT / "index.html"}')
  return 0


def _check(args: argparse.Namespace) -> int:
  if args.all:
    names = list(releases.WHEEL_SHA256)
  else:
    names = [buildapi.upstream_release({'upstream': args.upstream})]
  with tempfile.TemporaryDirectory() as downloads:
    return 0 if check.report(names, pathlib.Path(downloads)) else 1


if __name__ == '__main__':
  sys.exit(main())
