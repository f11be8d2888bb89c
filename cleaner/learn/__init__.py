"""Learning from labelled pages: line labels, mined phrase candidates, the line model."""

# The texts made from each labelled page (peer extractors) that mining and training read by default.
# Here, not in `dataset` or `mine`, so that the CLI registers `train` and `mine` without importing them.
SOURCES = ("trafilatura", "trafilatura_recall", "html_text")
