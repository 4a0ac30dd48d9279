"""``torch.autograd.functional`` (written below)."""
