"""SCORM 1.2 and 2004 packages as course activities (issue 8)."""
