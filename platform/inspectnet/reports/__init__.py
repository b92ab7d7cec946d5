"""Reports of an inspection (巡视巡察报告) drafted from its findings and clues, and search within it."""
