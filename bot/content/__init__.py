"""Content packs: the roadmap, challenges, readings and the rest, loaded from YAML and checked."""
