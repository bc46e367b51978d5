from . import test_intake, test_res_partner
