"""Scenarios: the YAML schema and loader, the feed simulator, simulated operators, headless runs."""

from command.scenarios.scenario import Scenario, ScenarioError

__all__ = ["Scenario", "ScenarioError"]
