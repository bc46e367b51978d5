from . import helpdesk_ticket_call_wizard
from . import helpdesk_ticket_duplicate_wizard
