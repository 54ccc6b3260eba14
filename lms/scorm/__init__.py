"""SCORM 1.2 and 2004 packages as course activities. The entry point `lms.plugins: scorm` names `plugin`."""
from lms.scorm.plugin import ScormPlugin

plugin = ScormPlugin()
