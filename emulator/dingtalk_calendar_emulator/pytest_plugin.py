"""pytest plugin: fixtures that start a local DingTalk emulator (filled in by the emulator issue)."""
