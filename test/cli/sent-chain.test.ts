/**
 * The certificates exactly as the server sent them, read from the
 * handshake (TLS 1.2 in plaintext, TLS 1.3 decrypted with the handshake
 * secret), set beside the chain as Node.js links it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  makeCertificateAuthority,
  makeSelfSigned,
  type CertificateAuthority,
  type CertificatePair,
} from '../helpers/certificates.js';
import type { TlsStepOptions } from '../helpers/fake-server.js';
import { parseReport } from '../helpers/schema.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';
import { chainOf, TlsTargets } from '../helpers/tls-target.js';

const EHLO = '--ehlo=probe.test';
const targets = new TlsTargets();
let root: CertificateAuthority;
let intermediate: CertificateAuthority;
let leaf: CertificatePair;
let caFile: string;

beforeAll(async () => {
  root = await makeCertificateAuthority('probe root');
  intermediate = await root.intermediate('probe intermediate');
  leaf = await intermediate.issue({ names: ['mx.probe.test'], ips: ['127.0.0.1'] });
  caFile = writeTempFile('root.pem', root.cert);
});

afterEach(() => targets.closeAll());
afterAll(removeTempFiles);

interface Sent {
  unreadable: string | null;
  total: number;
  certificates: { subject: string; chainIndex: number | null }[];
}

async function sentBy(cert: string, options: TlsStepOptions = {}, ca = caFile) {
  const target = await targets.serve(cert, leaf.key, options);
  const run = await runCli([target, EHLO, '--ca', ca, '--json']);
  const { tls } = parseReport(run.stdout);
  const sent = tls.sent as Sent;
  const order = sent.certificates.map((each) => [each.subject, each.chainIndex]);
  return { tls, sent, order, notes: tls.chainNotes as string[] };
}

const OUT_OF_ORDER: [string, number][] = [
  ['CN=mx.probe.test', 0],
  ['CN=probe root', 2],
  ['CN=probe intermediate', 1],
];

describe('the certificates as sent', () => {
  const handshakes: [string, TlsStepOptions][] = [
    ['TLS 1.3 with AES-256-GCM', { ciphers: 'TLS_AES_256_GCM_SHA384' }],
    ['TLS 1.3 with AES-128-GCM', { ciphers: 'TLS_AES_128_GCM_SHA256' }],
    ['TLS 1.3 with ChaCha20-Poly1305', { ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }],
    ['TLS 1.3 after a HelloRetryRequest', { ecdhCurve: 'P-384' }],
    ['TLS 1.2, in plaintext', { maxVersion: 'TLSv1.2' }],
  ];

  for (const [handshake, options] of handshakes) {
    it(
      `when they are sent out of order over ${handshake} ` + `then the order sent is shown`,
      async () => {
        const { tls, sent, order, notes } = await sentBy(
          chainOf(leaf, root, intermediate),
          options,
        );

        expect(sent.unreadable).toBeNull();
        expect(sent.total).toBe(3);
        expect(order).toEqual(OUT_OF_ORDER);
        expect(notes).toEqual([
          'sent out of issuing order ("CN=mx.probe.test", "CN=probe root", ' +
            '"CN=probe intermediate"): each should certify the one before it',
        ]);
        expect(tls.verification.trusted).toBe(true);
      },
    );
  }

  it(
    'when they are sent in order then nothing is ' + 'noted and the root is from the trust store',
    async () => {
      const target = await targets.serve(chainOf(leaf, intermediate), leaf.key);
      const run = await runCli([target, EHLO, '--ca', caFile]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('== issuer 1: CN=probe intermediate (CA)\n');
      expect(run.stdout).toContain(
        '== issuer 2: CN=probe root (CA, self-signed, from the trust store)\n',
      );
      expect(run.stdout).not.toContain('!! chain:');
    },
  );

  it('when a certificate sent belongs to no path then it is named as a stray', async () => {
    const unrelated = await makeSelfSigned({ names: ['unrelated.test'] });
    const { sent, notes } = await sentBy(chainOf(leaf, intermediate, unrelated));

    expect(sent.certificates.at(-1)).toEqual({
      subject: 'CN=unrelated.test',
      fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      chainIndex: null,
    });
    expect(notes).toEqual([
      '"CN=unrelated.test" was sent but is not in the chain of the server\'s certificate',
    ]);
  });

  it(
    'when the intermediate is not sent but the trust store holds it then the run ' +
      'verifies and the note says other clients cannot',
    async () => {
      const bundle = writeTempFile('bundle.pem', chainOf(root, intermediate));
      const target = await targets.serve(leaf.cert, leaf.key);
      const run = await runCli([target, EHLO, '--ca', bundle, '--tls-verify']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain(
        '!! chain: "CN=probe intermediate" was not sent: it came from the trust store here, ' +
          'and clients without it cannot complete the chain\n',
      );
    },
  );

  it(
    'when a server sends more than 20 certificates ' + 'then 20 are listed and the count is given',
    async () => {
      const extras = await Promise.all(
        Array.from({ length: 22 }, (_, n) => makeSelfSigned({ names: [`extra${n}.test`] })),
      );
      const { sent, notes } = await sentBy(chainOf(leaf, ...extras, intermediate));

      expect(sent.total).toBe(24);
      expect(sent.certificates).toHaveLength(20);
      // The intermediate, sent 24th, is still placed: the notes see every certificate.
      expect(notes.some((note) => note.includes('"CN=probe intermediate" was not sent'))).toBe(
        false,
      );
      expect(
        notes.filter((note) => note.includes('was sent but is not in the chain')),
      ).toHaveLength(5);
      expect(notes).toContain('17 more certificates sent are not in that chain either');
    },
  );

  it('when a certificate is sent twice then that is said', async () => {
    const { notes } = await sentBy(chainOf(leaf, leaf, intermediate));
    expect(notes).toEqual(['"CN=mx.probe.test" was sent 2 times']);
  });

  it(
    'when the chain is 13 certificates deep then it ' +
      'is shown whole, with nothing called a stray',
    async () => {
      let issuer = root;
      const sent: { cert: string }[] = [];
      for (let depth = 1; depth <= 11; depth += 1) {
        issuer = await issuer.intermediate(`deep ${depth}`);
        sent.unshift(issuer);
      }
      const deepLeaf = await issuer.issue({ names: ['mx.probe.test'], ips: ['127.0.0.1'] });
      const target = await targets.serve(chainOf(deepLeaf, ...sent), deepLeaf.key);
      const { tls } = parseReport((await runCli([target, EHLO, '--ca', caFile, '--json'])).stdout);

      expect(tls.chain).toHaveLength(13);
      expect(tls.chainNotes).toEqual([]);
      expect(tls.verification.trusted).toBe(true);
    },
  );
});
