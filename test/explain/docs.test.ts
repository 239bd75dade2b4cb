/**
 * docs/explanations.md lists the table of known causes: every entry, once,
 * with the source the code cites, so that the page cannot drift from it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNOWN_CAUSES } from '../../src/explain/causes/index.js';

const PAGE = readFileSync(new URL('../../docs/explanations.md', import.meta.url), 'utf8');

/** The page's table rows, by the entry id in their first cell. */
function rows(): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of PAGE.split('\n')) {
    const id = /^\| `([a-z0-9-]+)` +\|/.exec(line)?.[1];
    if (id) found.set(id, line);
  }
  return found;
}

describe('docs/explanations.md', () => {
  it('when read then it lists every known cause, in the order tried, with its source', () => {
    const table = rows();
    expect([...table.keys()]).toEqual(KNOWN_CAUSES.map((entry) => entry.id));
    for (const entry of KNOWN_CAUSES) {
      expect(table.get(entry.id), entry.id).toContain(`| ${entry.source} `);
    }
  });
});
