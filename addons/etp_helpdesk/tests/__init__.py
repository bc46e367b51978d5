from . import test_intake
from . import test_res_partner
from . import test_mail_gateway
