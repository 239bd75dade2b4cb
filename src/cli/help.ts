/** The parts of --help that commander does not write: examples and exit statuses. */

export const EXAMPLES = `
Examples:
  smtp-probe mx.example.test                 greeting, EHLO, STARTTLS, EHLO, QUIT
  smtp-probe 127.0.0.1:2525 --banner         read the greeting only, then QUIT
  smtp-probe smtps://mail.example.test       implicit TLS on port 465
  smtp-probe [2001:db8::25]:25 --starttls require
  smtp-probe mail.example.test:587 --tls-verify --ca ./private-ca.pem
  smtp-probe mail.example.test:587 --check-starttls-enforced
                                             then MAIL FROM:<> without TLS on a second
                                             connection, and QUIT: is STARTTLS required?
  smtp-probe -i mx.example.test              type the session: EHLO, STARTTLS, AUTH PLAIN…
  printf 'EHLO x.example.test\\nQUIT\\n' | smtp-probe -i 127.0.0.1:2525
                                             the same from a script, a line per reply
  smtp-probe mx.example.test -q && echo healthy
  smtp-probe mx.example.test --expect greeting=/Postfix/ --expect ehlo=/STARTTLS/
  smtp-probe mx.example.test --json | jq .timings
  smtp-probe mx.example.test --count 10 --interval 2s      min, median, p95, max per stage
  smtp-probe mx1.example.test mx2.example.test --targets-file more-hosts.txt
  smtp-probe --mx example.test               MX hosts by preference, until one answers well
  smtp-probe --mx example.test --all -4 --dns-server 127.0.0.1:5353
                                             every MX host and IPv4 address, asking that server
  smtp-probe mx.example.test --dns-server [::1]:53 --json | jq .rdns
  smtp-probe --mx example.test --dns-server [::1]:53 --dane-require
                                             exit 6 unless a DNSSEC-validated TLSA record matches
  smtp-probe --mx example.test --json | jq .mtaSts      the MTA-STS policy against the MX hosts
  smtp-probe mx.example.test --format nagios --warning 2s --critical cert-days=7
                                             Nagios/Icinga check (docs/monitoring.md)
  smtp-probe mx.example.test --format prometheus > smtp.prom.tmp; mv smtp.prom.tmp smtp.prom
                                             metrics for node_exporter's textfile collector

Durations are seconds (30, 1.5) or carry a unit (1500ms, 30s, 2m); at most 1 hour.
`;

export const SEND_EXAMPLES = `
Examples:
  smtp-probe send mx.example.test --from me@example.test --to you@example.test
  smtp-probe send mx.example.test --from me@example.test --to you@example.test --quit-after rcpt
  SMTP_PROBE_AUTH_PASSWORD=… smtp-probe send smtp.example.test:587 --auth-user me \\
      --from me@example.test --to you@example.test --attach report.pdf
  smtp-probe send mx.example.test --from '<>' --to postmaster@example.test --dump
  smtp-probe send mx.example.test --from a@example.test --to b@example.test --data mail.eml
  smtp-probe send mx.example.test --from a@other.test --to b@elsewhere.test --expect rcpt=5xx
      (an open-relay check: passes, exit 0, only when relaying is refused)

The password or token comes from --auth-password-file, $SMTP_PROBE_AUTH_PASSWORD, or a
prompt on the terminal; never from the command line, where ps shows it.
`;

export const RUN_EXAMPLES = `
Examples:
  smtp-probe run docs/examples/relay-refused.smtp 127.0.0.1:2525
  smtp-probe run check.smtp                  connect where the scenario's connect says
  SMTP_USER=me SMTP_PASSWORD=… smtp-probe run docs/examples/auth-send.smtp \\
      127.0.0.1:2587 --ca ./test-ca.pem
  smtp-probe run check.smtp 127.0.0.1:2525 --json

A scenario is a script of steps, one a line: connect, send, expect, expect-soft, starttls,
auth, data, wait, quit, close; \${NAME} is the environment variable NAME. docs/scenarios.md
describes every step. An expect not met exits 10; a refusal no expect asserts exits with
its stage's status (104/105 for commands other than the known stages).
`;

export const EXPLAIN_EXAMPLES = `
Examples:
  smtp-probe explain '550 5.7.26 Unauthenticated email from example.test is not accepted'
  smtp-probe explain 5.7.1                   what an enhanced status code means
  smtp-probe explain < bounce.txt            every reply quoted in a bounce (Postfix, Exim,
                                             Microsoft 365 NDRs, DSNs), each explained
  pbpaste | smtp-probe explain --json | jq '.replies[].explanation.cause'

Each 4xx or 5xx reply gets its codes' meanings (RFC 5321 and the IANA enhanced status code
registry) and, when its code and text match a well-known rejection, the likely cause, what
to try and the source (docs/explanations.md). Nothing is sent anywhere. Exit status: 0 when
something was explained, 2 when the input holds no 4xx or 5xx reply or is over 64 KiB.
`;

export const EXIT_STATUSES = `
Exit status (docs/exit-codes.md):
  0   the server answered every stage
  1   internal error in smtp-probe (a bug)
  2   usage error
  3   the host name did not resolve
  4   no TCP connection (refused, unreachable)
  5   a wait ran out (connect, greeting, reply, TLS handshake)
  6   TLS failed or fell short (handshake, record error; --tls-verify, --starttls
      require, AUTH without trusted TLS)
  7   protocol error (not SMTP replies, replies out of step, limits exceeded)
  8   the server closed or reset the connection while a reply was due
  9   the message cannot be sent as asked (no AUTH, SMTPUTF8 or REQUIRETLS offered)
  10  an --expect, or an expect line of a scenario, was not met
  11  --mx: the domain publishes the null MX (RFC 7505): it accepts no mail
  24/25  greeting refused, 4xx (temporary) / 5xx (permanent)
  34/35  EHLO (and HELO) refused
  44/45  STARTTLS refused
  54/55  AUTH refused;  64/65 MAIL FROM;  74/75 every RCPT TO;  84/85 DATA or a BDAT chunk
  94/95  the message refused at the end of data
  104/105  another command of a scenario (NOOP, VRFY, RSET…) refused
  130 interrupted (Ctrl-C, SIGINT); 143 terminated (SIGTERM)
  Several targets or --count: the worst status of all the probes.
`;
