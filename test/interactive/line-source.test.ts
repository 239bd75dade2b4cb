import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  LineSource,
  MAX_LINE_BYTES,
  OverlongLineError,
} from '../../src/interactive/line-source.js';

/** A source fed these chunks, as a pipe may cut the input. */
function sourceOf(...chunks: string[]): LineSource {
  return new LineSource(Readable.from(chunks.map((chunk) => Buffer.from(chunk, 'latin1'))));
}

const LIMIT_LINE = 'x'.repeat(MAX_LINE_BYTES);

describe('LineSource', () => {
  it.each([
    ['in one chunk', [`${LIMIT_LINE}y\nQUIT\n`]],
    ['cut before its LF', [`${LIMIT_LINE}y`, '\nQUIT\n']],
    ['cut in many pieces', [LIMIT_LINE.slice(0, 1000), `${LIMIT_LINE.slice(1000)}y\r`, '\n']],
    ['with no LF before the end', [`${LIMIT_LINE}y`]],
  ])('when a line is one byte over the limit %s then it is refused', async (_, chunks) => {
    await expect(sourceOf(...chunks).next()).rejects.toBeInstanceOf(OverlongLineError);
  });

  it.each([
    ['ending in LF', [`${LIMIT_LINE}\n`]],
    ['ending in CRLF, cut before the LF', [`${LIMIT_LINE}\r`, '\n']],
    ['at the end of input', [LIMIT_LINE]],
  ])('when a line is exactly at the limit %s then it is read whole', async (_, chunks) => {
    const line = await sourceOf(...chunks).next();

    expect(line?.text).toBe(LIMIT_LINE);
  });

  it('when a line is not UTF-8 then its bytes are kept as they came', async () => {
    const line = await sourceOf('caf\xe9\r\n').next();

    expect(line).toEqual({ text: 'caf\xe9', raw: Buffer.from('caf\xe9', 'latin1') });
  });
});
