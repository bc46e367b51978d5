from . import test_incident
from . import test_incident_handoff
from . import test_incident_portal
from . import test_spike
from . import test_external_escalation
from . import test_emergency_case
from . import test_support_site_status
