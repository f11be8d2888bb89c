"""Packaged data: the learned line model (line_model.json) and its card (MODEL_CARD.md)."""
