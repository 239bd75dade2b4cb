/**
 * The last line of defence for credentials: every string smtp-probe prints
 * passes through here. Hiding our own AUTH lines is not enough, because a
 * server can echo them back, in a 334 challenge (which the transcript
 * decodes), a 535, or any later reply. So the mask knows the secret in
 * every form that reveals it, and every AUTH line sent, and replaces each
 * wherever it appears.
 */
import { escapeText } from './escape.js';

const HIDDEN = '<hidden>';
const MARK = '\u{e000}';

/** Strings to hide in all output; empty until a secret is added. */
export class SecretMask {
  private readonly forms = new Set<string>();
  /** The forms, longest first; rebuilt after a form is added. */
  private sorted: string[] | undefined;

  /** Adds a secret: the text itself, escaped, in hex, and in base64 at every alignment. */
  addSecret(secret: string): void {
    const bytes = Buffer.from(secret, 'utf8');
    this.sorted = undefined;
    // The secret itself is hidden however short it is.
    if (secret !== '') this.forms.add(secret);
    // In a line that is not UTF-8 it is shown byte by byte, \xNN escaped.
    this.addForm(
      [...bytes]
        .map((byte) =>
          byte < 0x80 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`,
        )
        .join(''),
    );
    this.addForm(secret);
    this.addForm(bytes.toString('latin1'));
    this.addForm(bytes.toString('hex'));
    this.addForm(bytes.toString('hex').toUpperCase());
    for (const form of base64Forms(bytes)) this.addForm(form);
  }

  /** Adds a line exactly as it went on the wire during AUTH (a base64 blob). */
  addWireLine(line: string): void {
    for (const word of line.split(' ')) if (word.length >= 8) this.addForm(word);
  }

  /**
   * Replaces every known form of a secret in the text. The longest forms
   * go first: a short one (a piece of the password's base64) replaced
   * inside a longer one (the whole AUTH line's base64) would break the
   * longer apart, and what is left of it around the mark would be readable.
   */
  apply(text: string): string {
    if (this.forms.size === 0) return text;
    // A mark holds letters a short secret may match ("e" in <hidden>): each
    // stands in as one private-use character until every form is replaced.
    const mark = text.includes(MARK) ? HIDDEN : MARK;
    let result = text;
    for (const form of this.longestFirst()) result = result.split(form).join(mark);
    return mark === MARK ? result.split(MARK).join(HIDDEN) : result;
  }

  private longestFirst(): string[] {
    this.sorted ??= [...this.forms].sort((left, right) => right.length - left.length);
    return this.sorted;
  }

  /**
   * Masks a value before it is written as JSON: every string in it, and
   * the exact bytes of reply lines (`linesBase64`). Masking the JSON text
   * instead would miss a secret that JSON escapes (a `"`, a C1 character).
   */
  applyDeep(value: unknown, key?: string): unknown {
    if (typeof value === 'string') return this.apply(value);
    if (Array.isArray(value)) {
      const strings = key === 'linesBase64' ? (value as string[]).map(this.applyBase64) : value;
      return strings.map((item) => this.applyDeep(item));
    }
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, this.applyDeep(item, name)]),
    );
  }

  // Bytes are read as Latin-1, one character each, so that masking them
  // changes only the bytes of a secret; the forms include its UTF-8 bytes
  // read that way.
  private readonly applyBase64 = (encoded: string): string => {
    const bytes = Buffer.from(encoded, 'base64').toString('latin1');
    const masked = this.apply(bytes);
    return masked === bytes ? encoded : Buffer.from(masked, 'latin1').toString('base64');
  };

  private addForm(form: string): void {
    this.sorted = undefined;
    // Too short a form would hide innocent text and give away little.
    if (form.length < 4) return;
    this.forms.add(form);
    this.forms.add(escapeText(form).text);
    // A Nagios status line writes `|` as `/` (it would start the performance data).
    if (form.includes('|')) this.addForm(form.replaceAll('|', '/'));
  }
}

// Base64 of the secret after 0, 1 or 2 other bytes: the characters that
// depend on the secret alone are the ones an echo of a longer blob holds.
function base64Forms(bytes: Buffer): string[] {
  const forms = [bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, '')];
  for (const shift of [1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const whole = Math.floor((bytes.length + shift) / 3) * 4;
    forms.push(encoded.slice(4, whole));
  }
  if (bytes.length >= 3)
    forms.push(bytes.toString('base64').slice(0, Math.floor(bytes.length / 3) * 4));
  return forms;
}
