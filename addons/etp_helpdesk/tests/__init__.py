from . import test_intake
from . import test_res_partner
from . import test_mail_gateway
from . import test_portal
from . import test_support_form
from . import test_livechat
from . import test_playbook
from . import test_call_wizard
