from . import helpdesk_ticket_escalate_wizard
