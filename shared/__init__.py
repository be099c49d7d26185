"""The common library every assignment builds on: the case model and the data-only codec."""
