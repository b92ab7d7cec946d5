"""Discipline records: breaches of the inspection's discipline and their referral (纪律与责任, nmg-2016 §36–38, §41; qh-zrzyt §28–33)."""
