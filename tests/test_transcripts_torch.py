"""Replays the recorded PyTorch 2.13 transcripts with real torch.

This proves the harness in tests/transcripts.py: real torch must reproduce every section.
"""

import pytest

import transcripts

pytest.importorskip("torch")

SECTIONS = transcripts.all_sections()


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.id)
def test_section_replays_with_torch(section):
    transcripts.assert_replays(section, "torch")


def test_harness_config_fits_transcripts():
    assert transcripts.config_problems(SECTIONS) == []
