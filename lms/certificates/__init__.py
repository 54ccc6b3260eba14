"""The certificates plugin. The entry point `lms.plugins: certificates` names `plugin`."""
from lms.certificates.plugin import CertificatesPlugin

plugin = CertificatesPlugin()
