"""Settings: ``base`` holds everything, the others adjust it per environment."""
