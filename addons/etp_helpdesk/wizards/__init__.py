from . import helpdesk_ticket_call_wizard
from . import helpdesk_personal_data_wizard
from . import helpdesk_ticket_duplicate_wizard
