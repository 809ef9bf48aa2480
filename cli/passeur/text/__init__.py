"""Text itself: layout (document), sentences (the one sentence splitter), language."""
