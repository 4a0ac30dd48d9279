"""Acceptance test for the gradnb core: it must replay the PyTorch 2.13 transcripts.

Same replay as tests/test_transcripts_torch.py, with gradnb standing in for torch. gradnb is
imported inside the test, so a missing core fails each section with a clear message.
"""

import pytest

import transcripts


@pytest.mark.parametrize("section", transcripts.all_sections(), ids=lambda s: s.id)
def test_section_replays_with_gradnb(section):
    transcripts.assert_replays(section, "gradnb")
