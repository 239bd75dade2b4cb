/**
 * The table of well-known rejections: every entry recognises the replies it
 * stands for, and replies that look alike are not given the wrong cause.
 */
import { describe, expect, it } from 'vitest';
import { KNOWN_CAUSES } from '../../src/explain/causes/index.js';
import { explainReply } from '../../src/explain/explain.js';
import type { ExplainContext } from '../../src/explain/explanation.js';
import { findEnhancedStatusCode } from '../../src/protocol/reply.js';
import { NEGATIVE, POSITIVE, type Sample } from './samples.js';

/** Explains a reply given as wire lines, as the session would. */
function explain(lines: readonly string[], context: ExplainContext = {}) {
  const code = Number(lines[0]!.slice(0, 3));
  const texts = lines.map((line) => line.slice(4));
  const enhancedStatus = findEnhancedStatusCode(texts);
  return explainReply({ code, enhancedStatus, texts }, context);
}

describe('the table of known causes', () => {
  it('when listed then every entry has a unique kebab-case id and an https source', () => {
    const ids = KNOWN_CAUSES.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of KNOWN_CAUSES) {
      expect(entry.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(entry.source, entry.id).toMatch(/^https:\/\/\S+$/);
      expect(entry.title.length, entry.id).toBeLessThanOrEqual(60);
    }
  });

  it('when patterns are read then each ignores case and keeps no state between replies', () => {
    for (const entry of KNOWN_CAUSES) {
      expect(entry.pattern.flags, entry.id).toContain('i');
      expect(entry.pattern.flags, entry.id).not.toMatch(/[gy]/);
    }
  });

  it('when the samples are read then every entry has at least one', () => {
    const missing = KNOWN_CAUSES.map((entry) => entry.id).filter((id) => !POSITIVE[id]?.length);
    expect(missing).toEqual([]);
    const unknown = Object.keys(POSITIVE).filter((id) => !KNOWN_CAUSES.some((e) => e.id === id));
    expect(unknown).toEqual([]);
  });
});

describe('when a real-shaped reply is explained then its entry names the cause', () => {
  const cases = Object.entries(POSITIVE).flatMap(([id, samples]) =>
    samples.map((sample, index): [string, number, Sample] => [id, index + 1, sample]),
  );
  it.each(cases)('%s (sample %i)', (id, _index, sample) => {
    const { cause } = explain(sample.lines, sample.context);

    expect(cause?.id).toBe(id);
    // Every placeholder was filled from the reply.
    expect(`${cause?.cause} ${cause?.action}`).not.toMatch(/\{\w+\}/);
    if (sample.says) expect(cause?.cause).toMatch(sample.says);
  });
});

describe('when a reply only looks like another then it gets its own cause or none', () => {
  it.each(NEGATIVE.map((sample) => [sample.lines.join(' / '), sample] as const))(
    '%s',
    (_title, sample) => {
      expect(explain(sample.lines, sample.context).cause?.id ?? null).toBe(sample.cause);
    },
  );
});

describe('multi-line replies', () => {
  it('when every line repeats the codes then the text is matched as one sentence', () => {
    // "because of that domain's DMARC policy" spans two lines, each starting 550-5.7.26.
    const lines = [
      '550-5.7.26 Mail from example.test is refused because',
      "550-5.7.26 of that domain's DMARC",
      '550 5.7.26 policy.',
    ];
    expect(explain(lines).cause?.id).toBe('dmarc-policy');
  });

  it('when an enhanced code appears inside the text then it is kept for matching', () => {
    const lines = ['550 5.7.1 Service unavailable; see 5.7.1 at https://example.test/why'];
    expect(explain(lines).summary).toMatch(/^550: /);
    expect(explain(lines).cause).toBeUndefined();
  });
});

describe('when the session knows more than the reply', () => {
  it('then a TLS version refusal says which version the session negotiated', () => {
    const lines = ['421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade.'];
    expect(explain(lines, { tlsProtocol: 'TLSv1.3' }).cause?.cause).toMatch(/TLSv1\.3\)$/);
    expect(explain(lines).cause?.cause).not.toMatch(/session negotiated/);
  });

  it('then a 503 to MAIL FROM is blamed on EHLO only after a HELO fallback', () => {
    const lines = ['503 bad sequence of commands'];
    expect(explain(lines, { stage: 'mail', afterHelo: true }).cause?.id).toBe('ehlo-required');
    expect(explain(lines, { stage: 'mail', afterHelo: false }).cause).toBeUndefined();
    expect(explain(lines, { stage: 'rcpt', afterHelo: true }).cause).toBeUndefined();
  });
});
