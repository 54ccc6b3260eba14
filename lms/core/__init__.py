"""The core: people, units, accounts, the training record and the plumbing every plugin uses.

The core imports no plugin. Plugins import from here only.
"""
