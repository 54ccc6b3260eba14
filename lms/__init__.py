"""An e-learning platform for provincial training schools: the core and its plugins."""
