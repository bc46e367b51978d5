from . import test_escalation
from . import test_security
from . import test_sla
from . import test_sla_cron
from . import test_priority
from . import test_duty
from . import test_reports
from . import test_rating
