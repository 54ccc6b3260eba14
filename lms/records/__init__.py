"""The training record plugin. The entry point `lms.plugins: records` names `plugin`."""
from lms.records.plugin import RecordsPlugin

plugin = RecordsPlugin()
