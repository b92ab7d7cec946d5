"""Disclosure of an inspection's entry, feedback and rectification (巡视巡察公开, nmg-2016 §35, qh-zrzyt §23)."""
