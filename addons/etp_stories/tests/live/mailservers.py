# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Private instances of Debian's postfix (SMTP) and dovecot (IMAP, LMTP) on
loopback ports, for the mail round trip of the suite and the load benchmark.

Nothing of the machine's own mail system is used or touched: each instance has
its configuration, queue, mailboxes and logs in one temporary directory, and
listens on free ports of 127.0.0.1. Mail to the helpdesk's domain lands in one
mailbox, ``support@``, which Odoo's incoming mail server reads over IMAP, as in
a deployment where the domain's mail is delivered to one mailbox; the
customers' mailboxes are on other domains of the same instance. Mail to an
address that has no mailbox is accepted by postfix and refused by dovecot, so
postfix returns a real delivery status notification to the sender.
"""

import contextlib
import email
import email.policy
import imaplib
import os
import pathlib
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time

SUPPORT_DOMAIN = "etp-support.test"
SUPPORT_MAILBOX = f"support@{SUPPORT_DOMAIN}"
CUSTOMER_MAILBOX = "buyer@hospital.test"
SUPPLIER_MAILBOX = "seller@postavka.test"
# Domain of the benchmark's senders: postfix discards what is sent there.
DISCARD_DOMAIN = "bench.test"
# Domain of the operators' own addresses: their notifications are discarded
# too (they would otherwise land in the support mailbox via its catch-all).
STAFF_DOMAIN = "staff.test"
PASSWORD = "mail-test-password"
MAILBOXES = (SUPPORT_MAILBOX, CUSTOMER_MAILBOX, SUPPLIER_MAILBOX)

PACKAGES = "postfix dovecot-imapd dovecot-lmtpd"
POSTFIX = "/usr/sbin/postfix"
DOVECOT = "/usr/sbin/dovecot"

MASTER_CF = """\
{smtp_port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       1       1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/postfix-queue
data_directory = {root}/postfix-data
maillog_file = /dev/stdout
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.{support_domain}
mydomain = {support_domain}
myorigin = $myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
smtp_dns_support_level = disabled
disable_dns_lookups = yes
biff = no
append_dot_mydomain = no
message_size_limit = 52428800
virtual_mailbox_domains = {support_domain} hospital.test postavka.test {discard} {staff}
virtual_alias_maps = regexp:{root}/postfix/virtual_alias
virtual_transport = lmtp:inet:127.0.0.1:{lmtp_port}
transport_maps = inline:{{ {discard}=discard:, {staff}=discard: }}
# Nothing leaves the machine: any other domain bounces at once, without a
# single lookup.
default_transport = error:5.1.2 no delivery outside the test domains
relay_transport = error:5.1.2 no delivery outside the test domains
# Deliver at once and in parallel, like a mail server under load.
queue_run_delay = 10s
minimal_backoff_time = 10s
maximal_backoff_time = 20s
bounce_queue_lifetime = 0
lmtp_destination_concurrency_limit = 20
"""

DOVECOT_CONF = """\
base_dir = {root}/dovecot-run
state_dir = {root}/dovecot-state
instance_name = etp-test-{imap_port}
protocols = imap lmtp
listen = 127.0.0.1
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = {uid}
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:{root}/mail/%d/%n
lmtp_save_to_detail_mailbox = no
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/dovecot-users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/dovecot-users
  default_fields = uid={uid} gid={gid} home={root}/mail/%d/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  process_min_avail = 1
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
  unix_listener lmtp {{
    mode = 0600
  }}
}}
service auth {{
  unix_listener auth-userdb {{
    mode = 0600
  }}
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""


def free_port():
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, timeout=30, process=None, name="server"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{name} does not listen on 127.0.0.1:{port}")


def missing_packages():
    """Debian packages to install before the mail servers can run."""
    if os.path.exists(POSTFIX) and os.path.exists(DOVECOT):
        lmtp = pathlib.Path("/usr/lib/dovecot/lmtp").exists()
        imap = pathlib.Path("/usr/lib/dovecot/imap").exists()
        if lmtp and imap:
            return None
    return PACKAGES


class MailServers:
    """postfix and dovecot for one test session; ``with MailServers() as m``."""

    def __init__(self):
        self.root = None
        self.smtp_port = self.imap_port = self.lmtp_port = None
        self._postfix = self._postfix_log = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- life cycle ---------------------------------------------------------

    def start(self):
        missing = missing_packages()
        if missing:
            raise RuntimeError(
                "The mail round trip needs Debian's postfix and dovecot: "
                f"apt-get install {missing} (scripts/common.sh installs them)."
            )
        if os.geteuid() != 0:
            raise RuntimeError("The private postfix and dovecot need root.")
        # Short path: dovecot's Unix sockets live under it (108 bytes at most).
        self.root = pathlib.Path(tempfile.mkdtemp(prefix="etp-mail-"))
        self.root.chmod(0o755)
        self.smtp_port, self.imap_port, self.lmtp_port = (
            free_port(),
            free_port(),
            free_port(),
        )
        try:
            self._start_dovecot()
            self._start_postfix()
        except Exception:
            self.stop()
            raise

    def _start_dovecot(self):
        uid, gid = _mail_ids()
        mail = self.root / "mail"
        mail.mkdir()
        os.chown(mail, uid, gid)
        users = self.root / "dovecot-users"
        users.write_text(
            "".join(f"{box}:{{PLAIN}}{PASSWORD}::::::\n" for box in MAILBOXES)
        )
        users.chmod(0o644)
        conf = self.root / "dovecot.conf"
        conf.write_text(
            DOVECOT_CONF.format(
                root=self.root,
                uid=uid,
                gid=gid,
                imap_port=self.imap_port,
                lmtp_port=self.lmtp_port,
            )
        )
        self._daemon([DOVECOT, "-c", str(conf)], "dovecot")
        wait_port(self.imap_port, name="dovecot (IMAP)")
        wait_port(self.lmtp_port, name="dovecot (LMTP)")

    def _start_postfix(self):
        conf_dir = self.root / "postfix"
        conf_dir.mkdir()
        for sub in ("postfix-queue", "postfix-data"):
            (self.root / sub).mkdir()
        os.chown(self.root / "postfix-data", *_ids("postfix"))
        (conf_dir / "main.cf").write_text(
            MAIN_CF.format(
                root=self.root,
                support_domain=SUPPORT_DOMAIN,
                lmtp_port=self.lmtp_port,
                discard=DISCARD_DOMAIN,
                staff=STAFF_DOMAIN,
            )
        )
        (conf_dir / "master.cf").write_text(
            MASTER_CF.format(smtp_port=f"127.0.0.1:{self.smtp_port}")
        )
        # Every address of the helpdesk's domain (team aliases, catchall,
        # bounce) goes to the one mailbox that Odoo fetches.
        (conf_dir / "virtual_alias").write_text(
            f"/@{SUPPORT_DOMAIN.replace('.', '[.]')}$/ {SUPPORT_MAILBOX}\n"
        )
        # start-fg: postfix's master stays our child (as in a container), and
        # its postlogd writes the mail log to its standard output.
        self._postfix_log = open(self.root / "postfix.log", "wb")
        self._postfix = subprocess.Popen(
            [POSTFIX, "-c", str(conf_dir), "start-fg"],
            stdin=subprocess.DEVNULL,
            stdout=self._postfix_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=dict(os.environ, MAIL_CONFIG=str(conf_dir)),
        )
        wait_port(self.smtp_port, process=self._postfix, name="postfix (SMTP)")

    def _daemon(self, argv, name):
        """Run a command that starts a daemon. The daemon must not inherit our
        output, or whoever reads it would wait for the daemon to exit."""
        log = self.root / f"{name}-start.log"
        with open(log, "wb") as out:
            result = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=dict(os.environ, MAIL_CONFIG=str(self.root / "postfix")),
                check=False,
            )
        if result.returncode:
            raise RuntimeError(f"{name} does not start: {log.read_text()}")

    def stop(self):
        if not self.root:
            return
        conf_dir = self.root / "postfix"
        if self._postfix is not None:
            with contextlib.suppress(RuntimeError):
                self._daemon([POSTFIX, "-c", str(conf_dir), "stop"], "postfix-stop")
            try:
                self._postfix.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self._postfix.pid, 9)
                self._postfix.wait()
            self._postfix_log.close()
            self._postfix = None
        pid_file = self.root / "dovecot-run" / "master.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                pid = int(pid_file.read_text().strip())
                os.kill(pid, 15)
                for _ in range(100):  # until it is gone (ProcessLookupError)
                    os.kill(pid, 0)
                    time.sleep(0.1)
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def logs(self):
        """The tail of both servers' logs, for a failure message."""
        out = []
        for name in ("postfix.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                lines = path.read_text(errors="replace").splitlines()[-25:]
                out.append(f"--- {name}\n" + "\n".join(lines))
        return "\n".join(out)

    # -- clients ------------------------------------------------------------

    def send(self, message, sender=None, recipients=None):
        """Hand a message to postfix over SMTP, as a mail client does."""
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as smtp:
            smtp.send_message(message, from_addr=sender, to_addrs=recipients)

    @contextlib.contextmanager
    def imap(self, mailbox):
        client = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=30)
        client.login(mailbox, PASSWORD)
        try:
            client.select("INBOX")
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.logout()

    def messages(self, mailbox):
        """Every message in ``mailbox``'s INBOX, parsed, oldest first."""
        with self.imap(mailbox) as client:
            _status, data = client.search(None, "ALL")
            found = []
            for number in data[0].split():
                _status, parts = client.fetch(number, "(BODY.PEEK[])")
                found.append(
                    email.message_from_bytes(parts[0][1], policy=email.policy.default)
                )
            return found

    def wait_for(self, mailbox, predicate, timeout=60, what="a message"):
        """Poll ``mailbox`` until a message satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages(mailbox):
                if predicate(message):
                    return message
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{what} did not reach {mailbox} in {timeout} s\n{self.logs()}"
                )
            time.sleep(0.5)


def _ids(user):
    import pwd

    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def _mail_ids():
    """The Debian ``mail`` user owns the mailboxes (dovecot refuses root)."""
    return _ids("mail")
