/**
 * `npm run demo`: smtp-probe against a real SMTP server embedded on
 * loopback (the smtp-server package, STARTTLS on a certificate from a
 * private CA made for this run), so the tool can be seen working with no
 * mail server at hand. Nothing leaves 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeCertificateAuthority } from '../helpers/certificates.js';
import { startRealServer } from '../helpers/smtp-server.js';
import { removeTempFiles, writeTempFile } from '../helpers/temp-files.js';

// The demo is bundled in dist/dev/, beside the CLI's dist/.
const CLI = fileURLToPath(new URL('../smtp-probe.js', import.meta.url));

async function demo(): Promise<number> {
  const authority = await makeCertificateAuthority('smtp-probe demo CA');
  const pair = await authority.issue({ names: ['mx.demo.test'], ips: ['127.0.0.1'] });
  const caFile = writeTempFile('demo-ca.pem', authority.cert);
  const server = await startRealServer({
    pair,
    name: 'mx.demo.test',
    banner: 'demo server (smtp-server) ready',
  });
  const target = `127.0.0.1:${server.port}`;

  try {
    say('A full session: greeting, EHLO, STARTTLS, TLS, EHLO again, QUIT.');
    const session = await run([target, '--ehlo', 'demo.probe.test', '--ca', caFile]);

    say('A banner check: connect, read the greeting, QUIT.');
    const banner = await run([target, '--banner']);

    say('Against a port where nothing listens.');
    await run(['127.0.0.1:1']);

    say('Next: smtp-probe --help, or point it at a server of your own.');
    return session === 0 && banner === 0 ? 0 : 1;
  } finally {
    await server.close();
    removeTempFiles();
  }
}

function say(text: string): void {
  process.stdout.write(`\n# ${text}\n`);
}

function run(args: string[]): Promise<number> {
  process.stdout.write(`$ smtp-probe ${args.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

process.exitCode = await demo();
