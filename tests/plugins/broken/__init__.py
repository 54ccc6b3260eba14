"""A plugin whose import fails, to prove start-up stops with a clear message."""
raise ImportError("the broken plugin's dependency 'nonexistent_lib' is not installed")
