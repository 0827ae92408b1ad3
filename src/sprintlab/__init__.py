"""SprintLab: research sprints, local sites and a research fellowship in one place."""
