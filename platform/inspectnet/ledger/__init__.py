"""Ledger 台账: the register of an office's inspection results, and their use (nmg-2016 §33, §15; qh-zrzyt §35)."""
