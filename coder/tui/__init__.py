"""The coding workspace: a Textual app over the services (the only package that imports Textual)."""
