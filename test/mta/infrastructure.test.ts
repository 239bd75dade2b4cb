/**
 * The test servers themselves, checked without smtp-probe: a tiny scripted
 * SMTP client (Node's net and tls) against the Postfix submission listener
 * and the aiosmtpd server that .ci/mta/run-suite.sh starts on loopback.
 * If these fail, the transaction tests' failures say nothing about the CLI.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForMessage } from '../helpers/maildir.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through .ci/mta/run-suite.sh`);
  return value;
}

const postfix = {
  host: required('POSTFIX_HOST'),
  port: Number(required('POSTFIX_PORT')),
  submissionPort: Number(required('POSTFIX_SUBMISSION_PORT')),
  ca: readFileSync(required('POSTFIX_CERT')),
  servername: 'mx.probe.test',
  user: required('POSTFIX_AUTH_USER'),
  password: required('POSTFIX_AUTH_PASSWORD'),
  maildir: required('POSTFIX_MAILDIR'),
};

const aiosmtpd = {
  host: required('AIOSMTPD_HOST'),
  port: Number(required('AIOSMTPD_PORT')),
  tls: required('AIOSMTPD_TLS'),
  ca: readFileSync(required('AIOSMTPD_CERT')),
  servername: 'aiosmtpd.probe.test',
  user: required('AIOSMTPD_USER'),
  password: required('AIOSMTPD_PASSWORD'),
  token: required('AIOSMTPD_TOKEN'),
  messages: required('AIOSMTPD_MESSAGES'),
};

/** How long one reply may take before the test fails. */
const REPLY_TIMEOUT_MS = 10_000;

/** One SMTP reply: its code and its lines' text (after "250-" or "250 "). */
interface Reply {
  readonly code: number;
  readonly lines: string[];
}

/** A minimal SMTP client: one command, one reply, in lockstep; STARTTLS. */
class ScriptedClient {
  private socket: net.Socket;
  private buffered = '';
  private wake: (() => void) | undefined;
  private closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.listen(socket);
  }

  /** Connects to host:port and reads the greeting. */
  static async connect(host: string, port: number): Promise<[ScriptedClient, Reply]> {
    const socket = net.connect({ host, port });
    open.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new ScriptedClient(socket);
    return [client, await client.reply()];
  }

  /** Sends one line (CRLF added) and reads the reply. */
  async command(line: string): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** Sends raw bytes (a message and its final dot) and reads the reply. */
  async raw(data: string): Promise<Reply> {
    this.socket.write(data, 'latin1');
    return this.reply();
  }

  /** STARTTLS, then a TLS handshake that verifies the server's certificate. */
  async startTls(ca: Buffer, servername: string): Promise<void> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) throw new Error(`STARTTLS refused: ${format(reply)}`);
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: this.socket, ca, servername });
    open.push(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.listen(secure);
  }

  /** QUIT, expecting 221, then closes. */
  async quit(): Promise<void> {
    const reply = await this.command('QUIT');
    expect(reply.code).toBe(221);
    this.socket.end();
  }

  /** Reads one complete reply, multi-line or not. */
  async reply(): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line();
      const parsed = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!parsed) throw new Error(`not an SMTP reply line: ${JSON.stringify(line)}`);
      lines.push(parsed[3]!);
      if (parsed[2] !== '-') return { code: Number(parsed[1]), lines };
    }
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('latin1');
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  private async line(): Promise<string> {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const end = this.buffered.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 2);
        return line;
      }
      if (this.closed)
        throw new Error(`connection closed; unread: ${JSON.stringify(this.buffered)}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no reply within ${REPLY_TIMEOUT_MS} ms; unread: ${JSON.stringify(this.buffered)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

/** Every socket a test opened, destroyed after it whatever happened. */
const open: net.Socket[] = [];
afterEach(() => {
  for (const socket of open.splice(0)) socket.destroy();
});

function format(reply: Reply): string {
  return reply.lines.map((line) => `${reply.code} ${line}`).join(' / ');
}

/** The EHLO keywords (first word of each line after the greeting line). */
function keywords(reply: Reply): string[] {
  return reply.lines.slice(1).map((line) => line.split(' ')[0]!.toUpperCase());
}

/** The mechanisms in the AUTH line of an EHLO reply. */
function mechanisms(reply: Reply): string[] {
  const line = reply.lines.find((text) => /^AUTH /i.test(text));
  return line ? line.split(' ').slice(1).sort() : [];
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function plain(user: string, password: string): string {
  return `AUTH PLAIN ${base64(`\0${user}\0${password}`)}`;
}

function xoauth2(user: string, token: string): string {
  return `AUTH XOAUTH2 ${base64(`user=${user}\x01auth=Bearer ${token}\x01\x01`)}`;
}

/** A fresh message with a unique marker in its Subject, CRLF line ends. */
function message(marker: string, to: string, body: string[]): string {
  return [
    'From: Probe <probe@probe.test>',
    `To: <${to}>`,
    `Subject: infrastructure ${marker}`,
    `Message-ID: <${marker}@probe.test>`,
    '',
    ...body,
    '',
  ].join('\r\n');
}

/** Connected, EHLO'd, STARTTLS'd and EHLO'd again: returns the client and the last EHLO. */
async function secureSession(server: typeof postfix | typeof aiosmtpd, port: number) {
  const [client, greeting] = await ScriptedClient.connect(server.host, port);
  expect(greeting.code).toBe(220);
  expect((await client.command('EHLO client.probe.test')).code).toBe(250);
  await client.startTls(server.ca, server.servername);
  const ehlo = await client.command('EHLO client.probe.test');
  expect(ehlo.code).toBe(250);
  return { client, ehlo };
}

describe('Postfix submission listener', () => {
  it(
    'when EHLO is sent before STARTTLS then STARTTLS ' + 'is offered and AUTH is not, nor accepted',
    async () => {
      const [client, greeting] = await ScriptedClient.connect(postfix.host, postfix.submissionPort);
      expect(greeting.code).toBe(220);
      expect(greeting.lines[0]).toMatch(/^mx\.probe\.test ESMTP Postfix/);

      const ehlo = await client.command('EHLO client.probe.test');
      expect(ehlo.code).toBe(250);
      expect(keywords(ehlo)).toContain('STARTTLS');
      expect(keywords(ehlo)).not.toContain('AUTH');

      const auth = await client.command(plain(postfix.user, postfix.password));
      expect(auth.code).toBe(503);
      await client.quit();
    },
  );

  it(
    'when EHLO is sent after STARTTLS then AUTH PLAIN ' +
      'LOGIN CRAM-MD5 is offered and STARTTLS is not',
    async () => {
      const { client, ehlo } = await secureSession(postfix, postfix.submissionPort);

      expect(keywords(ehlo)).not.toContain('STARTTLS');
      expect(mechanisms(ehlo)).toEqual(['CRAM-MD5', 'LOGIN', 'PLAIN']);
      await client.quit();
    },
  );

  it('when AUTH PLAIN has the right password then 235, and a wrong one then 535', async () => {
    const { client } = await secureSession(postfix, postfix.submissionPort);

    const wrong = await client.command(plain(postfix.user, `${postfix.password}x`));
    expect(wrong.code).toBe(535);
    const right = await client.command(plain(postfix.user, postfix.password));
    expect(right.code).toBe(235);
    await client.quit();
  });

  it('when a client has not authenticated then every recipient is refused', async () => {
    const { client } = await secureSession(postfix, postfix.submissionPort);

    expect((await client.command('MAIL FROM:<probe@probe.test>')).code).toBe(250);
    expect((await client.command('RCPT TO:<user@probe.test>')).code).toBe(554);
    await client.quit();
  });

  it('when the plain listener is asked after STARTTLS then it still offers no AUTH', async () => {
    const { client, ehlo } = await secureSession(postfix, postfix.port);

    expect(keywords(ehlo)).not.toContain('AUTH');
    await client.quit();
  });

  it(
    'when an authenticated client sends to ' +
      'user@probe.test then the message lands in the Maildir',
    async () => {
      const marker = randomBytes(8).toString('hex');
      const { client } = await secureSession(postfix, postfix.submissionPort);
      expect((await client.command(plain(postfix.user, postfix.password))).code).toBe(235);

      expect((await client.command('MAIL FROM:<probe@probe.test>')).code).toBe(250);
      expect((await client.command('RCPT TO:<user@probe.test>')).code).toBe(250);
      // Relaying is allowed once authenticated; such mail goes to discard:.
      expect((await client.command('RCPT TO:<someone@example.invalid>')).code).toBe(250);
      expect((await client.command('DATA')).code).toBe(354);
      const sent = await client.raw(
        `${message(marker, 'user@probe.test', ['Hello from the infrastructure test.'])}.\r\n`,
      );
      expect(sent.code).toBe(250);
      await client.quit();

      const delivered = await waitForMessage(
        postfix.maildir,
        (content) => content.includes(`Subject: infrastructure ${marker}`),
        15_000,
      );
      const text = delivered.toString('latin1');
      expect(text).toMatch(/^Delivered-To: user@probe\.test$/m);
      expect(text).toContain('Hello from the infrastructure test.');
    },
  );
});

describe('aiosmtpd', () => {
  it('when the env is read then the server speaks STARTTLS', () => {
    expect(aiosmtpd.tls).toBe('starttls');
  });

  it(
    'when AUTH is tried before STARTTLS then 538, ' +
      'and after it PLAIN LOGIN XOAUTH2 are offered',
    async () => {
      const [client, greeting] = await ScriptedClient.connect(aiosmtpd.host, aiosmtpd.port);
      expect(greeting.code).toBe(220);
      const ehlo = await client.command('EHLO client.probe.test');
      expect(keywords(ehlo)).toContain('STARTTLS');
      expect(keywords(ehlo)).not.toContain('AUTH');
      expect((await client.command(xoauth2(aiosmtpd.user, aiosmtpd.token))).code).toBe(538);

      await client.startTls(aiosmtpd.ca, aiosmtpd.servername);
      const secureEhlo = await client.command('EHLO client.probe.test');
      expect(mechanisms(secureEhlo)).toEqual(['LOGIN', 'PLAIN', 'XOAUTH2']);
      await client.quit();
    },
  );

  it('when XOAUTH2 carries the token then 235', async () => {
    const { client } = await secureSession(aiosmtpd, aiosmtpd.port);

    const reply = await client.command(xoauth2(aiosmtpd.user, aiosmtpd.token));
    expect(reply).toEqual({ code: 235, lines: ['2.7.0 Authentication successful'] });
    await client.quit();
  });

  it(
    'when XOAUTH2 carries a wrong token then 334 ' +
      'with a JSON error, and 535 after the empty line',
    async () => {
      const { client } = await secureSession(aiosmtpd, aiosmtpd.port);

      const challenge = await client.command(xoauth2(aiosmtpd.user, `${aiosmtpd.token}x`));
      expect(challenge.code).toBe(334);
      const error: unknown = JSON.parse(Buffer.from(challenge.lines[0]!, 'base64').toString());
      expect(error).toMatchObject({ status: '401', schemes: 'Bearer' });

      const refused = await client.command('');
      expect(refused.code).toBe(535);
      expect(refused.lines[0]).toMatch(/^5\.7\.8 /);
      await client.quit();
    },
  );

  it(
    'when AUTH PLAIN has a wrong password then ' + '535 (not silence), and the right one then 235',
    async () => {
      const { client } = await secureSession(aiosmtpd, aiosmtpd.port);

      expect((await client.command(plain(aiosmtpd.user, `${aiosmtpd.password}x`))).code).toBe(535);
      expect((await client.command(plain(aiosmtpd.user, aiosmtpd.password))).code).toBe(235);
      await client.quit();
    },
  );

  it('when a message is sent then its exact bytes land in the messages folder', async () => {
    const marker = randomBytes(8).toString('hex');
    const { client } = await secureSession(aiosmtpd, aiosmtpd.port);

    expect((await client.command('MAIL FROM:<probe@probe.test>')).code).toBe(250);
    expect((await client.command('RCPT TO:<someone@example.invalid>')).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    // A line starting with a dot goes out dot-stuffed and is stored unstuffed.
    const expected = message(marker, 'someone@example.invalid', ['.leading dot', 'end']);
    const sent = await client.raw(`${expected.replace(/^\./gm, '..')}.\r\n`);
    expect(sent.code).toBe(250);
    await client.quit();

    const stored = await waitForMessage(
      aiosmtpd.messages,
      (content) => content.includes(marker),
      10_000,
    );
    expect(stored.toString('latin1')).toBe(expected);
  });
});
