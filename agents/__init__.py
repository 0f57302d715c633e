"""LangGraph graphs, prompts, tools and LLM providers (no Qt)."""
