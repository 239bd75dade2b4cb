/** The parts of --help that commander does not write: examples and exit statuses. */

export const EXAMPLES = `
Examples:
  smtp-probe mx.example.test                 greeting, EHLO, STARTTLS, EHLO, QUIT
  smtp-probe 127.0.0.1:2525 --banner         read the greeting only, then QUIT
  smtp-probe smtps://mail.example.test       implicit TLS on port 465
  smtp-probe [2001:db8::25]:25 --starttls require
  smtp-probe mail.example.test:587 --tls-verify --ca ./private-ca.pem
  smtp-probe mx.example.test -q && echo healthy

Durations are seconds (30, 1.5) or carry a unit (1500ms, 30s, 2m); at most 1 hour.
`;

export const EXIT_STATUSES = `
Exit status (docs/exit-codes.md):
  0   the server answered every stage
  1   internal error in smtp-probe (a bug)
  2   usage error
  3   the host name did not resolve
  4   no TCP connection (refused, unreachable)
  5   a wait ran out (connect, greeting, reply, TLS handshake)
  6   TLS failed (handshake, TLS record error; --tls-verify, --starttls require)
  7   protocol error (not SMTP replies, replies out of step, limits exceeded)
  8   the server closed or reset the connection while a reply was due
  24/25  greeting refused, 4xx (temporary) / 5xx (permanent)
  34/35  EHLO (and HELO) refused
  44/45  STARTTLS refused
  130 interrupted (Ctrl-C, SIGINT); 143 terminated (SIGTERM)
`;
