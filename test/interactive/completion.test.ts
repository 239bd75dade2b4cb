import { describe, expect, it } from 'vitest';
import { completeLine } from '../../src/interactive/completion.js';
import { ExtensionSet } from '../../src/protocol/extensions.js';

const OFFERED = new ExtensionSet([
  { keyword: 'STARTTLS', params: [] },
  { keyword: 'AUTH', params: ['PLAIN', 'LOGIN'] },
  { keyword: 'SIZE', params: ['1000'] },
  { keyword: 'DSN', params: [] },
  { keyword: 'CHUNKING', params: [] },
]);
const context = { extensions: OFFERED, ehloName: 'client.probe.test' };

describe('completeLine', () => {
  it('when a verb is begun in any case then it completes in upper case', () => {
    expect(completeLine('eh', context)).toEqual([['EHLO'], 'eh']);
    expect(completeLine('ma', context)).toEqual([['MAIL FROM:<'], 'ma']);
  });

  it('when an extension was advertised then its command completes, else not', () => {
    expect(completeLine('STA', context)[0]).toEqual(['STARTTLS']);
    expect(completeLine('STA', { ...context, extensions: undefined })[0]).toEqual([]);
  });

  it('when AUTH, EHLO or a closed address is followed by a space then arguments complete', () => {
    expect(completeLine('AUTH ', context)).toEqual([['PLAIN', 'LOGIN'], '']);
    expect(completeLine('EHLO ', context)).toEqual([['client.probe.test'], '']);
    expect(completeLine('MAIL FROM:<a@b.test> S', context)).toEqual([['SIZE='], 'S']);
    expect(completeLine('RCPT TO:<a@b.test> N', context)[0]).toContain('NOTIFY=NEVER');
  });

  it('when CHUNKING is offered then BDAT is still not offered: it cannot work here', () => {
    expect(completeLine('B', context)[0]).toEqual([]);
  });

  it('when a line starts with / then the tool commands complete', () => {
    expect(completeLine('/s', context)).toEqual([['/save'], '/s']);
  });
});
