/**
 * Reads a whole stream, up to a limit: the message for `send --data -`, a
 * pasted bounce for `explain`. A stream over the limit is abandoned as
 * soon as it passes it, so a runaway pipe costs no more than the limit.
 */

/** The stream's bytes, or undefined when it holds more than maxBytes. */
export async function readBounded(
  stream: NodeJS.ReadableStream,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk as Buffer);
    size += bytes.length;
    if (size > maxBytes) {
      (stream as { destroy?: () => void }).destroy?.();
      return undefined;
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
