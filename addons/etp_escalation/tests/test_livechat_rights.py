# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class TestLivechatRights(TransactionCase):
    """Line 1 answers the chats of its desk: its operators (and line 2, who
    are line 1 too) are live chat users; line 3 and supervisors are not made
    chat operators by their line."""

    def test_line_1_and_2_take_chats(self):
        for group, takes_chats in (
            ("group_etp_line1_customer", True),
            ("group_etp_line1_supplier", True),
            ("group_etp_line2_customer", True),
            ("group_etp_line2_supplier", True),
            ("group_etp_line3", False),
        ):
            with self.subTest(group=group):
                user = new_test_user(
                    self.env,
                    login=f"etp-chat-{group}",
                    groups=f"etp_escalation.{group}",
                )
                self.assertEqual(
                    user.has_group("im_livechat.im_livechat_group_user"), takes_chats
                )

    def test_line_1_operator_can_join_and_leave_the_chat(self):
        """What the "Live Chat: User" right gives: joining and leaving a
        channel from the Live Chat app."""
        operator = new_test_user(
            self.env,
            login="etp-chat-l1",
            groups="etp_escalation.group_etp_line1_supplier",
        )
        channel = self.env.ref("etp_helpdesk.im_livechat_channel_supplier")
        channel.user_ids = [Command.clear()]
        channel.with_user(operator).action_join()
        self.assertIn(operator, channel.user_ids)
        channel.with_user(operator).action_quit()
        self.assertNotIn(operator, channel.user_ids)
