import { describe, expect, it } from 'vitest';
import { renderDump } from '../../src/message/dump.js';

describe('renderDump', () => {
  it('when the message has CRLF lines then each is one terminal line', () => {
    expect(renderDump(Buffer.from('Subject: hi\r\n\r\nGrüße\r\n'))).toBe('Subject: hi\n\nGrüße\n');
  });

  it('when the message holds terminal escapes then they are shown escaped', () => {
    expect(renderDump(Buffer.from('X-A: \x1b]0;owned\x07\r\n'))).toBe('X-A: \\x1b]0;owned\\x07\n');
  });

  it('when a line breaks with bare LF or CR then the break is shown, not obeyed', () => {
    expect(renderDump(Buffer.from('a\nb\rc\r\n'))).toBe('a\\nb\\rc\n');
  });

  it('when one line is not UTF-8 then only that line is shown byte by byte', () => {
    const message = Buffer.concat([Buffer.from('é\r\n'), Buffer.from([0x63, 0xe9, 0x0d, 0x0a])]);
    expect(renderDump(message)).toBe('é\nc\\xe9\n');
  });
});
