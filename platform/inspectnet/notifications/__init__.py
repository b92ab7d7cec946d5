"""Notifications (通知): a user's own list of things that happened, and their live delivery."""
