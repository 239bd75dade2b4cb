/**
 * Explanations of live 4xx/5xx replies, everywhere they are shown: under
 * the reply in the transcript, in the summary of a failed run, in JSON and
 * NDJSON, in the Nagios line; and nowhere with --no-explain. Also: the
 * explanation code is loaded only by runs that get a refusal.
 */
import { describe, expect, it } from 'vitest';
import { normalise, runCli } from '../helpers/cli.js';
import { close, expectLine, fakeServerPerTest, send, type Step } from '../helpers/fake-server.js';
import { parseStatusLine } from '../helpers/perfdata.js';
import { parseEvents, parseReport, type Parsed } from '../helpers/schema.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { GREETING_220, GREETING_554, REPLY_221_BYE } from '../fixtures/replies.js';

const { serve, server } = fakeServerPerTest();

const EHLO_REPLY = '250-mx.probe.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n';
const REPLY_550_BANNED =
  '550 5.7.606 Access denied, banned sending IP [192.0.2.10]. To request removal visit ' +
  'https://sender.example.test/ (AS16012609)\r\n';
const SEND = [
  'send',
  '--ehlo',
  'probe.test',
  '--from',
  'a@probe.test',
  '--to',
  'b@example.test',
  '--body',
  'hello',
  '--no-pipelining',
];

/** A send whose RCPT TO draws this reply, then QUIT. */
function refusedRcpt(reply: string): Step[] {
  return [
    send(GREETING_220),
    expectLine(/^EHLO /),
    send(EHLO_REPLY),
    expectLine(/^MAIL FROM:/),
    send('250 2.1.0 Ok\r\n'),
    expectLine(/^RCPT TO:/),
    send(reply),
    expectLine(/^QUIT$/),
    send(REPLY_221_BYE),
    close(),
  ];
}

const BANNER: Step[] = [send(GREETING_220), expectLine(/^QUIT$/), send(REPLY_221_BYE), close()];
const REFUSED_GREETING: Step[] = [send(GREETING_554), expectLine(/^QUIT$/), send(REPLY_221_BYE)];

describe('in the transcript', () => {
  it('when RCPT TO draws a known refusal then its meaning, cause and remedy follow', async () => {
    const target = await serve(refusedRcpt(REPLY_550_BANNED));
    const run = await runCli(['send', target, ...SEND.slice(1)]);

    expect(run.exitCode).toBe(75);
    const transcript = normalise(run.stdout, server().port);
    expect(transcript).toContain(
      [
        '<- 550 5.7.606 Access denied, banned sending IP [192.0.2.10]. To request removal ' +
          'visit https://sender.example.test/ (AS16012609)  <t> · permanent failure',
        '== 550: mailbox unavailable (not found, no access), or refused by policy · 5.7.606: ' +
          'permanent failure / security or policy status / detail 606 not in the IANA registry',
        '== cause: Microsoft 365 (Exchange Online Protection) has the sending IP address ' +
          '192.0.2.10 on its own block list: the address is refused, not the recipient',
        '== try: ask Microsoft to remove the address with its delist portal, ' +
          'https://sender.office.com/; first stop whatever sent unwanted mail from it',
        '** RCPT TO refused (permanent failure): 550 5.7.606',
      ].join('\n'),
    );
    // The one line on stderr stays the server's own words.
    expect(run.stderr).toBe(
      `smtp-probe: RCPT TO refused (permanent failure): ${REPLY_550_BANNED.trimEnd()}\n`,
    );
  });

  it('when the run fails on a refusal then the summary repeats what it means', async () => {
    const target = await serve(refusedRcpt(REPLY_550_BANNED));
    const run = await runCli(['send', target, ...SEND.slice(1)]);

    const summary = run.stdout.slice(run.stdout.indexOf('result: '));
    expect(summary).toMatch(
      /^result: FAILED at RCPT TO \(exit 75\)\nexplained: 550: mailbox unavailable .*\ncause: Microsoft 365 .*192\.0\.2\.10.*\ntry: ask Microsoft .*\nhint: /,
    );
  });

  it('when a reply is not a refusal then nothing is explained', async () => {
    const run = await runCli([await serve(BANNER), '--banner']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toMatch(/^== \d{3}: |^explained: |^cause: /m);
  });

  it('when no cause is known then only the codes are explained', async () => {
    const target = await serve(refusedRcpt('550 5.7.1 Go away\r\n'));
    const run = await runCli(['send', target, ...SEND.slice(1)]);

    expect(run.stdout).toMatch(
      /^<- 550 5\.7\.1 Go away .*\n== 550: .* · 5\.7\.1: permanent failure \/ security or policy status \/ delivery not authorized, message refused\n\*\* /m,
    );
    expect(run.stdout).not.toMatch(/^(?:== )?cause: /m);
  });

  it('when a refusal comes unasked then it is explained too', async () => {
    const target = await serve([
      send(GREETING_220),
      expectLine(/^EHLO /),
      send(`${EHLO_REPLY}451 4.4.2 Timeout waiting for data from client.\r\n`),
      close(),
    ]);
    const run = await runCli(['send', target, ...SEND.slice(1)]);

    expect(run.stdout).toMatch(
      /^<- 451 4\.4\.2 Timeout waiting for data from client\. .*unsolicited.*\n== 451: .*\n== cause: the server stopped waiting for the client/m,
    );
  });

  it('when --no-explain is given then no explanation is shown anywhere', async () => {
    const target = await serve(refusedRcpt(REPLY_550_BANNED));
    const run = await runCli(['send', target, ...SEND.slice(1), '--no-explain']);

    expect(run.exitCode).toBe(75);
    expect(run.stdout).not.toMatch(/^== 550|^explained: |cause: /m);
  });
});

describe('in JSON', () => {
  it('when a reply is refused then it and the verdict carry its explanation', async () => {
    const target = await serve(refusedRcpt(REPLY_550_BANNED));
    const report = parseReport((await runCli(['send', target, ...SEND.slice(1), '--json'])).stdout);

    const rcpt = report.exchanges.find((exchange: Parsed) => exchange.stage === 'rcpt');
    expect(rcpt.reply.explanation).toMatchObject({
      replyCode: { code: 550, source: 'RFC 5321 §4.2.3' },
      enhancedStatus: { code: '5.7.606', detail: null, class: 'Permanent Failure' },
      notes: [],
      cause: { id: 'microsoft-banned-ip', source: expect.stringMatching(/^https:\/\/learn/) },
    });
    expect(report.verdict.explanation).toEqual(rcpt.reply.explanation);
    expect(report.greeting.explanation).toBeNull();
  });

  it('when --no-explain is given then every explanation is null', async () => {
    const target = await serve(refusedRcpt(REPLY_550_BANNED));
    const args = ['send', target, ...SEND.slice(1), '--json', '--no-explain'];
    const report = parseReport((await runCli(args)).stdout);

    expect(report.exchanges.map((exchange: Parsed) => exchange.reply.explanation)).toEqual(
      report.exchanges.map(() => null),
    );
    expect(report.verdict.explanation).toBeNull();
  });

  it('when events are streamed then the refused reply event carries the explanation', async () => {
    const target = await serve(refusedRcpt(REPLY_550_BANNED));
    const events = parseEvents(
      (await runCli(['send', target, ...SEND.slice(1), '--format', 'ndjson'])).stdout,
    );

    const refused = events.find((event) => event.event === 'reply' && event.stage === 'rcpt');
    expect(refused.reply.explanation.cause.id).toBe('microsoft-banned-ip');
    const failed = events.find((event) => event.event === 'failed');
    expect(failed.error.explanation.cause.id).toBe('microsoft-banned-ip');
  });
});

describe('in the Nagios line', () => {
  it('when a stage is refused for a known cause then the line ends with it', async () => {
    const target = await serve(refusedRcpt(REPLY_550_BANNED));
    const run = await runCli(['send', target, ...SEND.slice(1), '--format', 'nagios']);

    expect(run.exitCode).toBe(2);
    expect(parseStatusLine(run.stdout).text).toMatch(
      / \(AS16012609\); likely cause: sending IP on Microsoft 365's block list$/,
    );
  });

  it('when the refusal is long then its text is cut, never the cause', async () => {
    const long = `550 5.7.606 Access denied, banned sending IP [192.0.2.10]. ${'x'.repeat(900)}\r\n`;
    const target = await serve(refusedRcpt(long));
    const run = await runCli(['send', target, ...SEND.slice(1), '--format', 'nagios']);

    const { text } = parseStatusLine(run.stdout);
    expect(text).toMatch(/x…; likely cause: sending IP on Microsoft 365's block list$/);
    expect(text.length).toBeLessThanOrEqual(601);
  });

  it('when --no-explain is given then the line names no cause', async () => {
    const target = await serve(refusedRcpt(REPLY_550_BANNED));
    const args = ['send', target, ...SEND.slice(1), '--format', 'nagios', '--no-explain'];
    expect((await runCli(args)).stdout).not.toMatch(/likely cause/);
  });
});

// NODE_DEBUG=esm makes Node 20 name every module it loads on stderr.
const EXPLAIN_CHUNK = /chunks\/explain-[A-Z0-9]+\.js/;

describe('start-up', () => {
  it('when a banner check gets 220 then the explanation code is never loaded', async () => {
    const run = await spawnCli([await serve(BANNER), '--banner'], { NODE_DEBUG: 'esm' });

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/chunks\/chunk-/);
    expect(run.stderr).not.toMatch(EXPLAIN_CHUNK);
  });

  it('when the greeting is refused then it is loaded to explain the refusal', async () => {
    const run = await spawnCli([await serve(REFUSED_GREETING)], { NODE_DEBUG: 'esm' });

    expect(run.exitCode).toBe(25);
    expect(run.stdout).toMatch(/^== 554: no SMTP service here/m);
    expect(run.stderr).toMatch(EXPLAIN_CHUNK);
  });
});
