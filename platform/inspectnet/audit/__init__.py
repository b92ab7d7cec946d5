"""The append-only audit log: every change, every denial, every confidential read."""
