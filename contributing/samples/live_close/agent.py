"""The demo's agents: any live agent shows the close; these just answer."""

from google.adk.agents.llm_agent import LlmAgent
from google.adk.agents.sequential_agent import SequentialAgent
from google.adk.models.google_llm import Gemini

MODEL = 'gemini-live-2.5-flash-preview'


def make_root_agent(model: str = MODEL, name: str = 'live_close_demo'):
  return LlmAgent(
      name=name,
      model=Gemini(model=model),
      instruction='Answer in one short sentence.',
  )


def make_sequence(model: str = MODEL) -> SequentialAgent:
  """Two agents in turn: a close on the first's turn must end both."""
  return SequentialAgent(
      name='live_close_sequence',
      sub_agents=[
          make_root_agent(model, 'first_agent'),
          make_root_agent(model, 'second_agent'),
      ],
  )
