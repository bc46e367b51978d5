from . import test_intake
from . import test_res_partner
