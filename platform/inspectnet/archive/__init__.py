"""The inspection archive: the team's materials handed over and archived, signed (归档, qh-zrzyt §27, §8(5))."""
