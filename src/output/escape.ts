/**
 * Server text is untrusted: a banner can carry ESC sequences that clear the
 * screen, retitle the window, plant links or paint a fake "OK". Everything
 * the server sent is passed through here before it reaches a terminal.
 */
import { isUtf8 } from 'node:buffer';

/** Escaped text, and whether anything had to be escaped. */
export interface Escaped {
  readonly text: string;
  readonly escaped: boolean;
}

// C0 controls, DEL and C1 controls (0x9b is a one-byte CSI on some
// terminals); Unicode format characters (Cf: bidirectional overrides and
// marks, zero-width characters, tags), line and paragraph separators, and
// the other default-ignorable code points (fillers, variation selectors),
// which reorder or hide what is displayed; and the backslash itself, so
// that an escape in the output is never ambiguous.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\\]/gu;

const NAMED: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n', '\\': '\\\\' };

/** Escapes a string: controls become `\xNN` or `\uNNNN`, a backslash `\\`. */
export function escapeText(text: string): Escaped {
  let escaped = false;
  const result = text.replace(UNSAFE, (char) => {
    if (char !== '\\') escaped = true;
    return NAMED[char] ?? codePointEscape(char);
  });
  return { text: result, escaped };
}

/**
 * Escapes raw bytes: valid UTF-8 as text, anything else byte for byte, with
 * every byte outside printable ASCII written as `\xNN`.
 */
export function escapeBytes(raw: Buffer): Escaped {
  if (isUtf8(raw)) return escapeText(raw.toString('utf8'));

  let text = '';
  for (const byte of raw) {
    const char = String.fromCharCode(byte);
    text += byte >= 0x20 && byte < 0x7f ? (NAMED[char] ?? char) : (NAMED[char] ?? hex(byte));
  }
  return { text, escaped: true };
}

function codePointEscape(char: string): string {
  const code = char.codePointAt(0)!;
  if (code <= 0xff) return hex(code);
  // Above U+FFFF the braces keep \u{e0041} from reading as \ue004 then "1".
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
}

function hex(code: number): string {
  return `\\x${code.toString(16).padStart(2, '0')}`;
}
