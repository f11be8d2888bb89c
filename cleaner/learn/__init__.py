"""Learning from labelled pages: line labels, mined phrase candidates, the line model."""
