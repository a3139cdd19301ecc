"""Quality measurement against the hand-labelled posting set in tests/data/labelled/."""
