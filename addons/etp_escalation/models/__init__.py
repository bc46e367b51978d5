from . import helpdesk_ticket, helpdesk_ticket_escalation, helpdesk_ticket_team
