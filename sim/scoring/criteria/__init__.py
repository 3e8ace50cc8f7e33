"""One module per rubric criterion; each turns attempt metrics into a ``Judgement``."""
