/**
 * RFC 2047 encoded-words: how text that is not ASCII travels in a header
 * field that must stay 7-bit, e.g. `=?UTF-8?B?Q2Fmw6k=?=` for "Café".
 */

// RFC 2047 §2 caps an encoded-word at 75 characters. 36 octets make 48
// base64 characters and a 60-character word, which leaves room for a field
// name on the first line within the 78 characters RFC 5322 §2.1.1 suggests.
const OCTETS_PER_WORD = 36;

/**
 * Encodes unstructured header text (RFC 5322 §3.2.5) that holds non-ASCII
 * characters as UTF-8 B-encoded words; ASCII text comes back unchanged.
 * Leading words that are plain ASCII stay readable; from the first word with
 * a non-ASCII character on, the rest is encoded, spaces included, since the
 * space between two encoded-words disappears when decoding (RFC 2047 §6.2).
 */
export function encodeUnstructured(text: string): string {
  const firstNonAscii = text.search(/[^\x00-\x7f]/);
  if (firstNonAscii === -1) return text;

  const plainEnd = text.slice(0, firstNonAscii).search(/[ \t][^ \t]*$/) + 1;
  const words = splitOctets(text.slice(plainEnd)).map(
    (octets) => `=?UTF-8?B?${octets.toString('base64')}?=`,
  );
  return text.slice(0, plainEnd) + words.join(' ');
}

// RFC 2047 §5: each encoded-word must hold whole characters, so the UTF-8
// octets are cut between characters, never inside one.
function splitOctets(text: string): Buffer[] {
  const chunks: Buffer[] = [];
  let current = '';

  for (const char of text) {
    if (Buffer.byteLength(current + char) > OCTETS_PER_WORD) {
      chunks.push(Buffer.from(current));
      current = '';
    }
    current += char;
  }
  chunks.push(Buffer.from(current));
  return chunks;
}
