"""The learned models at run time: the tree engine both use (`trees`), the line model (`line`)
and its line features (`line_features`). Training lives in `cleaner.learn` and imports these,
never the other way round."""
