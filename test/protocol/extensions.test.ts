import { describe, expect, it } from 'vitest';
import { parseExtensions } from '../../src/protocol/extensions.js';
import { ReplyReader } from '../../src/protocol/reply-reader.js';

function ehloReply(text: string) {
  return new ReplyReader().push(Buffer.from(text), 0).replies[0]!;
}

describe('parseExtensions', () => {
  it('when Postfix answers EHLO then every keyword and its parameters are known', () => {
    const extensions = parseExtensions(
      ehloReply(
        '250-mx.probe.test\r\n250-PIPELINING\r\n250-SIZE ' +
          '10240000\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n',
      ),
    );

    expect(extensions.keywords).toEqual(['PIPELINING', 'SIZE', 'STARTTLS', 'AUTH']);
    expect(extensions.params('size')).toEqual(['10240000']);
    expect(extensions.params('AUTH')).toEqual(['PLAIN', 'LOGIN']);
    expect(extensions.has('starttls')).toBe(true);
    expect(extensions.has('CHUNKING')).toBe(false);
  });

  it('when keywords are lowercase then they are still recognised', () => {
    const extensions = parseExtensions(ehloReply('250-mx\r\n250-starttls\r\n250 auth plain\r\n'));
    expect(extensions.keywords).toEqual(['STARTTLS', 'AUTH']);
    expect(extensions.params('AUTH')).toEqual(['plain']);
  });

  it('when the old AUTH= form is sent too then its mechanisms merge into AUTH', () => {
    const extensions = parseExtensions(
      ehloReply('250-mx\r\n250-AUTH LOGIN PLAIN\r\n250-AUTH=LOGIN PLAIN\r\n250 AUTH=NTLM\r\n'),
    );
    expect(extensions.keywords).toEqual(['AUTH']);
    expect(extensions.params('AUTH')).toEqual(['LOGIN', 'PLAIN', 'NTLM']);
  });

  it('when the reply is one line then there are no extensions', () => {
    expect(parseExtensions(ehloReply('250 mx.probe.test\r\n')).keywords).toEqual([]);
  });

  it('when a line is blank or code-only then it is skipped', () => {
    expect(parseExtensions(ehloReply('250-mx\r\n250-\r\n250 8BITMIME\r\n')).keywords).toEqual([
      '8BITMIME',
    ]);
  });
});
