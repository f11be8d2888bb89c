"""Packaged data: the learned line model (line_model.json) and its card (MODEL_CARD.md), the block
model (dom_model.json) and its card (DOM_MODEL_CARD.md), the HTML removal categories' cues.

The models' file names live here so that what only needs a name (a run's manifest hashes the
files) does not import the code that loads them."""

LINE_MODEL_FILE = "line_model.json"
BLOCK_MODEL_FILE = "dom_model.json"
