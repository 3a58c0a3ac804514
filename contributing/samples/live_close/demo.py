"""The demo: does a live session stay closed after LiveRequestQueue.close()?

    python contributing/samples/live_close/demo.py [--stock] [--vertex]
        [--real] [--upstream X] [--genai Y]

Builds the fork into a virtual environment of its own, runs a live agent
against a loopback Gemini Live endpoint (no credentials; the network only to
install), sends one turn (to one agent, and to the first of a
SequentialAgent), closes the queue after the answer, watches for three seconds
and prints what happened. --stock does the same with stock google-adk in a
second environment and prints both side by side. --vertex takes the Vertex AI
path instead of the Gemini API's. --upstream picks the google-adk release,
--genai the google-genai release. --real talks to the real service instead:
the Gemini Live API with GOOGLE_API_KEY, or with --vertex Vertex AI with
Application Default Credentials and GOOGLE_CLOUD_PROJECT. Needs only Python
and pip.

Each environment is a folder under .venv-demo/ in the repository, named by
what it holds (fork or stock, release, google-genai pin), about 140 MB each;
a later run with the same request reuses it, upgraded to what a new one would
get. Remove them all with `rm -rf .venv-demo`.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
import venv

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
from livefix import releases  # pylint: disable=wrong-import-position

ENVIRONMENTS = ROOT / '.venv-demo'
SCENARIOS = {
    'with a resumption handle (A)': ['--with-handle'],
    'without a handle (B)': [],
    # Upstream's own fix (2.9 on) covers one agent: a close on the first
    # agent of a sequence still lets the next one connect.
    'in a SequentialAgent, with a handle (C)': ['--with-handle', '--sequence'],
}
ROWS = {
    'connections_after_close': 'connections opened after close()',
    'close_to_end_ms': 'close() to end of run_live',
    'exception': 'exception in the async for',
    'error_records': 'ERROR log records',
}
# Read from each environment after the install, for the table's head.
DISTRIBUTIONS = ['google-adk', 'google-genai', 'websockets']
_VERSIONS = (
    'import importlib.metadata, json, sys;'
    ' print(json.dumps([importlib.metadata.version(n) for n in sys.argv[1:]]))'
)


def _progress(message: str) -> None:
  print(message, file=sys.stderr, flush=True)


def environment(
    name: str, requirements: list[str], label: str | None = None
) -> pathlib.Path:
  """A virtual environment `.venv-demo/NAME` with `requirements` installed
  as a new one would have them; returns its python. `label` names them in
  the progress line.

  The environment records what it was made for, and one made for anything
  else is made anew. Each install upgrades every package to what pip picks
  for a new environment, so a reused one holds the same versions.
  """
  path = ENVIRONMENTS / name
  python = path / ('Scripts' if os.name == 'nt' else 'bin') / 'python'
  made_for = path / 'demo-requirements.json'
  wanted = json.dumps(requirements)
  if path.exists() and (
      not made_for.exists() or made_for.read_text() != wanted
  ):
    _progress(f'removing {path.name}: it was made for other requirements')
    shutil.rmtree(path)
  if not path.exists():
    _progress(f'creating the environment {path.name}')
    venv.create(path, with_pip=True)
    made_for.write_text(wanted)
  _progress(
      f'installing {label or " ".join(requirements)} into {path.name}'
      ' (up to a minute or two)'
  )
  installed = subprocess.run(
      [
          python,
          '-m',
          'pip',
          'install',
          '--quiet',
          '--disable-pip-version-check',
          '--upgrade',
          '--upgrade-strategy=eager',
          *requirements,
      ]
  )
  if installed.returncode != 0:
    sys.exit(1)  # pip has printed why, with the build's own message.
  return python


def _versions(python: pathlib.Path) -> dict[str, str]:
  done = subprocess.run(
      [python, '-c', _VERSIONS, *DISTRIBUTIONS],
      capture_output=True,
      text=True,
      check=True,
  )
  return dict(zip(DISTRIBUTIONS, json.loads(done.stdout)))


def _measure(python: pathlib.Path, scenario: list[str], args) -> dict:
  command = [python, HERE / 'session.py', *scenario]
  if args.real:
    command.append('--real')
  if args.vertex:
    command.append('--vertex')
  done = subprocess.run(command, capture_output=True, text=True)
  if done.returncode != 0:
    sys.exit(f'the live session failed to run:\n{done.stderr}')
  return json.loads(done.stdout.splitlines()[-1])


def _cell(key: str, value) -> str:
  if key == 'close_to_end_ms':
    return 'did not end' if value is None else f'{value} ms'
  if key == 'exception':
    return value or 'none'
  return str(value)


def _table(columns: dict[str, dict]) -> str:
  """Each column's versions, then its results; an exception by its type in
  its cell, and in full, numbered, below the table."""
  rows = [('versions', None)]
  for name in DISTRIBUTIONS:
    rows.append((f'  {name}', [c['versions'][name] for c in columns.values()]))
  exceptions = []
  for scenario in SCENARIOS:
    rows.append((scenario, None))
    for key, label in ROWS.items():
      cells = []
      for column, measured in columns.items():
        text = _cell(key, measured['results'][scenario][key])
        if key == 'exception' and text != 'none':
          exceptions.append(f'[{len(exceptions) + 1}] {column}, {scenario}:')
          exceptions.append(textwrap.indent(textwrap.fill(text, 76), '    '))
          text = f'{text.split(":", 1)[0]} [{len(exceptions) // 2}]'
        cells.append(text)
      rows.append((f'  {label}', cells))
  width = max(len(label) for label, _ in rows) + 2
  cell = max(len(text) for _, cells in rows for text in cells or []) + 2
  cell = max([cell, *(len(column) + 2 for column in columns)])
  lines = [' ' * width + ''.join(f'{column:<{cell}}' for column in columns)]
  for label, cells in rows:
    lines.append(
        f'{label:<{width}}' + ''.join(f'{t:<{cell}}' for t in cells or [])
    )
  if exceptions:
    lines += ['', *exceptions]
  return '\n'.join(line.rstrip() for line in lines)


def main() -> None:
  parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
  parser.add_argument('--stock', action='store_true', help='compare with stock')
  parser.add_argument(
      '--real', action='store_true', help='use the Gemini Live API'
  )
  parser.add_argument(
      '--vertex', action='store_true', help='take the Vertex AI path'
  )
  parser.add_argument('--upstream', default=releases.DEFAULT)
  parser.add_argument(
      '--genai', help='the google-genai release (default: what pip picks)'
  )
  args = parser.parse_args()
  if args.real and args.vertex and not os.environ.get('GOOGLE_CLOUD_PROJECT'):
    sys.exit(
        '--real --vertex needs GOOGLE_CLOUD_PROJECT (and GOOGLE_CLOUD_LOCATION'
        ' unless global) and Application Default Credentials: run'
        ' `gcloud auth application-default login`'
    )
  if args.real and not args.vertex and not os.environ.get('GOOGLE_API_KEY'):
    sys.exit('--real needs a Gemini API key in GOOGLE_API_KEY')

  builds = {
      'fork': [f'--config-settings=upstream={args.upstream}', str(ROOT)],
  }
  if args.stock:
    builds['stock'] = [f'google-adk=={args.upstream}']
  labels = {
      'fork': f'the fork of {args.upstream} (built from this tree)',
      'stock': f'google-adk=={args.upstream}',
  }
  pins = [f'google-genai=={args.genai}'] if args.genai else []
  pin_name = f'-genai-{args.genai}' if args.genai else ''
  pythons = {
      kind: environment(
          f'{kind}-{args.upstream}{pin_name}',
          [*requirements, *pins, 'trustme'],
          ', '.join([labels[kind], *pins, 'trustme']),
      )
      for kind, requirements in builds.items()
  }
  columns = {}
  runs = len(pythons) * len(SCENARIOS)
  for kind, python in pythons.items():
    results = {}
    for scenario, options in SCENARIOS.items():
      _progress(
          f'running scenario {len(columns) * len(SCENARIOS) + len(results) + 1}'
          f' of {runs}, {kind}: {scenario} (about 5 s)'
      )
      results[scenario] = _measure(python, options, args)
    columns[kind] = {'versions': _versions(python), 'results': results}
  service = 'Vertex AI' if args.vertex else 'the Gemini API'
  where = (
      f'{service} itself'
      if args.real
      else f'a loopback endpoint\non the path of {service}'
  )
  print(f'One turn, then close(), then 3 s watched, against {where}:\n')
  print(_table(columns))


if __name__ == '__main__':
  main()
