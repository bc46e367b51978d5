from . import helpdesk_ticket_call_wizard
