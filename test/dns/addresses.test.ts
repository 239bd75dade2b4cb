import { describe, expect, it } from 'vitest';
import { ResolveError } from '../../src/errors.js';
import { lookupAddresses } from '../../src/dns/addresses.js';
import type { DnsAnswer, Resolver } from '../../src/dns/resolver.js';

// A resolver that answers with records as a damaged response decodes them.
function resolverAnswering(records: Record<'A' | 'AAAA', string[]>): Resolver {
  const query = async (name: string, type: 'A' | 'AAAA'): Promise<DnsAnswer> => ({
    name,
    type,
    status: records[type].length > 0 ? 'answer' : 'nodata',
    rcode: 'NOERROR',
    authenticated: false,
    records: records[type].map((data) => ({ name, type, data }) as never),
    aliases: [],
    server: { address: '127.0.0.1', port: 53 },
  });
  return { query } as unknown as Resolver;
}

describe('lookupAddresses', () => {
  it(
    'when damaged records decode as non-addresses or ' + 'unspecified ones then none is used',
    async () => {
      const resolver = resolverAnswering({ A: ['127.0.0.undefined', '0.0.0.0'], AAAA: ['::'] });

      await expect(lookupAddresses(resolver, 'broken.test', undefined)).rejects.toThrow(
        ResolveError,
      );
      await expect(lookupAddresses(resolver, 'broken.test', undefined)).rejects.toThrow(
        'the DNS answer holds no usable address',
      );
    },
  );

  it('when some records are good then only those are kept', async () => {
    const resolver = resolverAnswering({ A: ['127.0.0.undefined', '127.0.0.2'], AAAA: ['::1'] });

    const found = await lookupAddresses(resolver, 'mixed.test', undefined);

    expect(found.addresses).toEqual(['::1', '127.0.0.2']);
  });
});
