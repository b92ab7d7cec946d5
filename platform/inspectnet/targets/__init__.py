"""Target organisations (巡视/巡察对象): leadership teams an office covers."""
