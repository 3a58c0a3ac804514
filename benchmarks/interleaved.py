"""Times commands in interleaved rounds, for the benchmark scripts beside it."""

from __future__ import annotations

import random
import subprocess
import time


def time_rounds(
    commands: dict[str, list[str]], rounds: int
) -> dict[str, list[float]]:
  """Runs every command once a round, in a new random order each round.

  Returns each command's wall times in seconds, one per round; a command that
  fails raises `subprocess.CalledProcessError`.
  """
  times = {name: [] for name in commands}
  for _ in range(rounds):
    for name in random.sample(list(commands), len(commands)):
      started = time.perf_counter()
      subprocess.run(commands[name], check=True)
      times[name].append(time.perf_counter() - started)
  return times
