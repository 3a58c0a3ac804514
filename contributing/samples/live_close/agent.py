"""The demo's agent: any live agent shows the close; this one just answers."""

from google.adk.agents.llm_agent import LlmAgent
from google.adk.models.google_llm import Gemini

MODEL = 'gemini-live-2.5-flash-preview'


def make_root_agent(model: str = MODEL) -> LlmAgent:
  return LlmAgent(
      name='live_close_demo',
      model=Gemini(model=model),
      instruction='Answer in one short sentence.',
  )
