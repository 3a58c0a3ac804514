"""The demo: does a live session stay closed after LiveRequestQueue.close()?

    python contributing/samples/live_close/demo.py [--stock] [--vertex]
        [--real] [--upstream X] [--genai Y]

Builds the fork into a virtual environment of its own (.venv-demo-fork), runs
a live agent against a loopback Gemini Live endpoint (no credentials, no
network), sends one turn (to one agent, and to the first of a SequentialAgent), closes
the queue after the answer, watches for three
seconds and prints what happened. --stock does the same with stock google-adk
in a second environment and prints both side by side. --vertex takes the
Vertex AI path instead of the Gemini API's. --upstream picks the google-adk
release, --genai the google-genai release. --real talks to the real service
instead: the Gemini Live API with GOOGLE_API_KEY, or with --vertex Vertex AI
with Application Default Credentials and GOOGLE_CLOUD_PROJECT. Needs only
Python and pip.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import venv

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
from livefix import releases  # pylint: disable=wrong-import-position

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


def environment(name: str, requirements: list[str]) -> pathlib.Path:
  """A virtual environment under the repository with `requirements` in it."""
  path = ROOT / f'.venv-demo-{name}'
  if not path.exists():
    print(f'creating {path.name} ...', file=sys.stderr)
    venv.create(path, with_pip=True)
  python = path / ('Scripts' if os.name == 'nt' else 'bin') / 'python'
  print(f'installing {" ".join(requirements)} ...', file=sys.stderr)
  installed = subprocess.run(
      [python, '-m', 'pip', 'install', '--quiet', *requirements]
  )
  if installed.returncode != 0:
    sys.exit(1)  # pip has printed why, with the build's own message.
  return python


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


def _fit(text: str, width: int) -> str:
  """`text`, cut after its last whole word that fits, marked as cut."""
  if len(text) <= width:
    return text
  return text[: width - 3].rsplit(' ', 1)[0] + '...'


def _table(columns: dict[str, dict[str, dict]]) -> str:
  width = max(len(label) for label in ROWS.values()) + 4
  cell = 28
  lines = [' ' * width + ''.join(f'{name:<{cell}}' for name in columns)]
  for scenario in SCENARIOS:
    lines.append(scenario)
    for key, label in ROWS.items():
      cells = ''.join(
          f'{_fit(_cell(key, results[scenario][key]), cell - 2):<{cell}}'
          for results in columns.values()
      )
      lines.append(f'  {label:<{width - 2}}{cells}')
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
  pins = [f'google-genai=={args.genai}'] if args.genai else []
  columns = {}
  for name, requirements in builds.items():
    python = environment(name, [*requirements, *pins, 'trustme'])
    results = {
        scenario: _measure(python, options, args)
        for scenario, options in SCENARIOS.items()
    }
    measured = next(iter(results.values()))
    columns[f'{name} {measured["build"]}'] = results
  service = 'Vertex AI' if args.vertex else 'the Gemini API'
  where = (
      f'{service} itself'
      if args.real
      else f'a loopback endpoint\non the path of {service}'
  )
  print(
      f'One turn, then close(), then 3 s watched, against {where},'
      f' with google-genai {measured["genai"]}:\n'
  )
  print(_table(columns))


if __name__ == '__main__':
  main()
