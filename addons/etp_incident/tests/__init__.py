from . import test_incident
