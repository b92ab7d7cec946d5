"""Transfers 移交: clues and problems sent on to the bodies that handle them, and their handling reports."""
