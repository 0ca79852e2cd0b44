"""Events, rooms, tracks and programme sessions."""
