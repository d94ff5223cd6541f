"""Domain workflows on the shared model: keyword-only, typed, transactional."""
