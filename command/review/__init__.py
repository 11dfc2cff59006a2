"""After-action review: the incident record folded from a journal, replay, merge and exports."""
