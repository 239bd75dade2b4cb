/**
 * `smtp-probe explain`: a reply given as arguments or pasted on stdin is
 * explained without any connection; bounces are searched for their replies;
 * input with no refusal, or too much of it, is a usage error.
 */
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { parseExplain } from '../helpers/schema.js';

const REPLY_DMARC =
  "550 5.7.26 Unauthenticated email from example.test is not accepted due to domain's " +
  'DMARC policy';

const BOUNCE = [
  'This is the mail system at host mail.example.test.',
  '',
  '<b@example.test>: host mx.example.test[192.0.2.20] said: 550 5.1.1',
  '    <b@example.test>: Recipient address rejected: User unknown in virtual mailbox',
  '    table (in reply to RCPT TO command)',
  '',
  '<c@example.test>: host mx.example.test[192.0.2.20] said: 450 4.2.0',
  '    <c@example.test>: Recipient address rejected: Greylisted (in reply to RCPT TO',
  '    command)',
  '',
  'Diagnostic-Code: smtp; 550 5.1.1 <b@example.test>: Recipient address rejected:',
  '    User unknown in virtual mailbox table',
].join('\n');

/** Runs smtp-probe with this text on stdin. */
async function runWithStdin(args: string[], input: string | Buffer): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    stdin: () => Readable.from([Buffer.from(input)]),
  };
  const exitCode = await main(args, io);
  return { stdout, stderr, exitCode };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('smtp-probe explain', () => {
  it('when a reply is given as arguments then it is explained with a source, exit 0', async () => {
    const run = await runCli(['explain', REPLY_DMARC]);

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatchInlineSnapshot(`
      "<- 550 5.7.26 Unauthenticated email from example.test is not accepted due to domain's DMARC policy
      == 550: mailbox unavailable (not found, no access), or refused by policy · 5.7.26: permanent failure / security or policy status / multiple authentication checks failed
      == cause: the From domain's DMARC policy asks receivers to refuse mail that passes neither SPF nor DKIM for that domain, and this mail passed neither: the sending domain's setup is at fault
      == try: put the sending IP in the From domain's SPF record and sign with DKIM as that domain (or one of its subdomains); a forwarder on the way can break SPF, so DKIM matters most
      == source: https://www.rfc-editor.org/rfc/rfc7489
      "
    `);
  });

  it('when a bounce is pasted on stdin then each refusal in it is explained once', async () => {
    const run = await runWithStdin(['explain'], BOUNCE);

    expect(run.exitCode).toBe(0);
    const blocks = run.stdout.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(
      /^<- 550 5\.1\.1 <b@example\.test>: .* table\n== the reply to RCPT TO\n== 550: .*\n== cause: the receiving server has no mailbox for this address\n/,
    );
    expect(blocks[1]).toMatch(
      /^<- 450 4\.2\.0 .*\n== the reply to RCPT TO\n.*\n== cause: greylisting/,
    );
  });

  it('when --json is given then the document follows explain.schema.json', async () => {
    const run = await runWithStdin(['explain', '--json'], BOUNCE);
    const document = parseExplain(run.stdout);

    expect(document.kind).toBe('explain');
    expect(document.enhancedStatus).toBeNull();
    expect(document.replies.map((reply: { stage: string }) => reply.stage)).toEqual([
      'rcpt',
      'rcpt',
    ]);
    expect(document.replies[0].explanation.cause.id).toBe('unknown-recipient');
    expect(document.replies[1].explanation.cause.id).toBe('greylisting');
  });

  it('when an enhanced code is given alone then the registry says what it means', async () => {
    const run = await runCli(['explain', '5.7.26']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      '== 5.7.26: permanent failure / security or policy status / ' +
        'multiple authentication checks failed (RFC 7372)\n',
    );
    expect(parseExplain((await runCli(['explain', '5.7.26', '--json'])).stdout)).toMatchObject({
      replies: [],
      enhancedStatus: { code: '5.7.26', detail: 'Multiple authentication checks failed' },
    });
  });

  it('when the text holds no 4xx or 5xx reply then it is a usage error (exit 2)', async () => {
    for (const text of ['hello there', '250 2.0.0 Ok', '5.7.26 and more words']) {
      const run = await runCli(['explain', text]);

      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^smtp-probe: no 4xx or 5xx reply found in the input\ngive a/);
    }
  });

  it('when stdin holds more than 64 KiB then it is a usage error (exit 2)', async () => {
    const run = await runWithStdin(['explain'], `550 5.7.1 ${'x'.repeat(64 * 1024)}`);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^smtp-probe: the input is longer than 64 KiB\n/);
  });

  it('when server text holds control characters then they are shown escaped', async () => {
    const run = await runCli(['explain', '550 5.7.1 \x1b[2Jbad\u202e text']);

    expect(run.stdout).toContain('<- 550 5.7.1 \\x1b[2Jbad\\u202e text');
    expect(run.stdout).not.toMatch(/\x1b|\u202e/);
    expect(run.stdout).toMatch(/^!! server text contains control characters/m);
  });

  it('when it runs then it opens no connection at all', async () => {
    const connect = vi.spyOn(Socket.prototype, 'connect');
    await runWithStdin(['explain'], BOUNCE);
    expect(connect).not.toHaveBeenCalled();
  });

  it('when help is asked for then it shows examples and the exit statuses', async () => {
    const run = await runCli(['explain', '--help']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^Usage: smtp-probe explain \[options\] \[text\.\.\.\]/);
    expect(run.stdout).toMatch(/smtp-probe explain < bounce\.txt/);
    expect(run.stdout).toMatch(/0 when\s+something was explained, 2 when/);
  });
});
