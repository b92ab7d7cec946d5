"""Fieldwork intake: petitions 来信来电来访 received by an inspection team, and their replies."""
