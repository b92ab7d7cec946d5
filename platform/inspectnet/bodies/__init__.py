"""Decision bodies of each office (领导小组、巡视巡察办、五人小组、党组) and their members."""
