import { describe, expect, it } from 'vitest';
import { escapeBytes, escapeText } from '../../src/output/escape.js';

describe('escapeText', () => {
  it('when text is plain then it is unchanged', () => {
    expect(escapeText('250 mx.example.test Hello [192.0.2.1] — ok')).toEqual({
      text: '250 mx.example.test Hello [192.0.2.1] — ok',
      escaped: false,
    });
  });

  it('when text holds ESC, BEL, CSI and OSC sequences then none survive raw', () => {
    const { text, escaped } = escapeText('\x1b[2J\x1b]0;owned\x07\x9b31m');
    expect(text).toBe('\\x1b[2J\\x1b]0;owned\\x07\\x9b31m');
    expect(escaped).toBe(true);
  });

  it('when text holds bidirectional overrides then they are escaped', () => {
    expect(escapeText('abc\u202edef\u2066').text).toBe('abc\\u202edef\\u2066');
  });

  it('when text holds invisible format characters or separators then they are escaped', () => {
    const hidden = '\u061c\u200b\u00ad\ufeff\u2028\u2029\u180e\u{e0041}';
    expect(escapeText(`a${hidden}b`)).toEqual({
      text: 'a\\u061c\\u200b\\xad\\ufeff\\u2028\\u2029\\u180e\\u{e0041}b',
      escaped: true,
    });
  });

  it(
    'when text holds default-ignorable fillers or ' + 'variation selectors then they are escaped',
    () => {
      expect(escapeText('a\u034f\u115f\u3164\ufe0fb').text).toBe('a\\u034f\\u115f\\u3164\\ufe0fb');
    },
  );

  it('when text holds a backslash then it is doubled so escapes stay unambiguous', () => {
    expect(escapeText('C:\\x1b').text).toBe('C:\\\\x1b');
    expect(escapeText('C:\\x1b').escaped).toBe(false);
  });

  it('when text holds tab, CR or LF then they are named', () => {
    expect(escapeText('a\tb\rc\nd\0').text).toBe('a\\tb\\rc\\nd\\x00');
  });
});

describe('escapeBytes', () => {
  it('when bytes are valid UTF-8 then they are shown as text', () => {
    expect(escapeBytes(Buffer.from('250 Grüße')).text).toBe('250 Grüße');
  });

  it('when bytes are not UTF-8 then every byte outside printable ASCII is shown as \\xNN', () => {
    const { text, escaped } = escapeBytes(Buffer.from([0x32, 0x32, 0x30, 0x20, 0xe9, 0x1b, 0x5c]));
    expect(text).toBe('220 \\xe9\\x1b\\\\');
    expect(escaped).toBe(true);
  });
});
