import { createSocket } from 'node:dgram';
import { decode, encode, RECURSION_DESIRED } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { lookupAddresses, reverseName, sameAddress } from '../../src/dns/addresses.js';
import { describeStatus, recordText, Resolver } from '../../src/dns/resolver.js';
import { parseDnsServer } from '../../src/dns/server-address.js';
import { ResolveError } from '../../src/errors.js';
import { dnsServerPerTest, type ZoneRecord } from '../helpers/dns-server.js';

const dns = dnsServerPerTest();

const ZONE: ZoneRecord[] = [
  { name: 'example.test', type: 'MX', data: { preference: 10, exchange: 'mx.example.test' } },
  { name: 'mx.example.test', type: 'A', data: '127.0.0.1' },
  { name: 'mx.example.test', type: 'AAAA', data: '::1' },
  { name: 'alias.example.test', type: 'CNAME', data: 'mx.example.test' },
  { name: 'example.test', type: 'TXT', data: 'v=STSv1; id=1' },
];

function resolverFor(address: string, timeoutMs = 300, tries = 3): Resolver {
  return new Resolver([parseDnsServer(address)], { timeoutMs, tries });
}

describe('Resolver', () => {
  it('when the server has MX records then they come back with NOERROR and no AD bit', async () => {
    const server = await dns(ZONE);
    const answer = await resolverFor(server.address).query('example.test', 'MX');
    expect(answer).toMatchObject({ status: 'answer', rcode: 'NOERROR', authenticated: false });
    expect(answer.records.map((record) => record.type === 'MX' && record.data)).toEqual([
      { preference: 10, exchange: 'mx.example.test' },
    ]);
  });

  it('when the server validated the answer then the AD bit is reported', async () => {
    const server = await dns(ZONE, { authenticated: true });
    const answer = await resolverFor(server.address).query('example.test', 'TXT');
    expect(answer.authenticated).toBe(true);
    expect(answer.records.map(recordText)).toEqual(['v=STSv1; id=1']);
  });

  it(
    'when the name is missing, has no such record, or the ' +
      'server fails then each is told apart',
    async () => {
      const server = await dns(ZONE, { rcodes: { 'broken.example.test': 'SERVFAIL' } });
      const resolver = resolverFor(server.address);
      const missing = await resolver.query('nowhere.example.test', 'A');
      const nodata = await resolver.query('example.test', 'A');
      const failed = await resolver.query('broken.example.test', 'A');
      expect([missing.status, nodata.status, failed.status]).toEqual([
        'nxdomain',
        'nodata',
        'servfail',
      ]);
      expect(describeStatus(missing)).toBe('no such domain (NXDOMAIN)');
      expect(describeStatus(nodata)).toBe('the name exists but has no A records (NODATA)');
      expect(describeStatus(failed)).toMatch(/could not answer \(SERVFAIL\)/);
    },
  );

  it(
    'when the server is silent then it is asked three ' + 'times and fails with exit 3 in words',
    async () => {
      const server = await dns(ZONE, { silent: ['*'] });
      const started = Date.now();
      const failure = await resolverFor(server.address, 150)
        .query('example.test', 'MX')
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ResolveError);
      expect((failure as ResolveError).exitCode).toBe(3);
      expect((failure as ResolveError).message).toBe(
        `cannot resolve example.test (MX): no answer from ${server.address} after 3 tries of 150 ms`,
      );
      expect(server.queries).toHaveLength(3);
      expect(Date.now() - started).toBeLessThan(2_000);
    },
  );

  it('when the UDP response is truncated then the question is asked again over TCP', async () => {
    const server = await dns(ZONE, { truncate: true });
    const answer = await resolverFor(server.address).query('example.test', 'MX');
    expect(answer.records).toHaveLength(1);
    expect(server.queries.map((query) => query.transport)).toEqual(['udp', 'tcp']);
  });
});

describe('lookupAddresses', () => {
  it(
    'when a host has AAAA and A records then IPv6 comes ' + 'first, and -4 or -6 keep one family',
    async () => {
      const server = await dns(ZONE);
      const resolver = resolverFor(server.address);
      const both = await lookupAddresses(resolver, 'mx.example.test', undefined);
      const v4 = await lookupAddresses(resolver, 'mx.example.test', 4);
      const v6 = await lookupAddresses(resolver, 'mx.example.test', 6);
      expect([both.addresses, v4.addresses, v6.addresses]).toEqual([
        ['::1', '127.0.0.1'],
        ['127.0.0.1'],
        ['::1'],
      ]);
    },
  );

  it('when the name is an alias then the CNAME is reported with the addresses', async () => {
    const server = await dns(ZONE);
    const found = await lookupAddresses(resolverFor(server.address), 'alias.example.test', 4);
    expect(found).toEqual({
      addresses: ['127.0.0.1'],
      aliases: ['alias.example.test'],
      canonicalName: 'mx.example.test',
      authenticated: false,
    });
  });

  it('when the host does not exist then the error says no such host', async () => {
    const server = await dns(ZONE);
    const lookup = lookupAddresses(resolverFor(server.address), 'gone.example.test', undefined);
    await expect(lookup).rejects.toThrow(
      'cannot resolve gone.example.test: no such host (NXDOMAIN)',
    );
  });
});

describe('reverse names and addresses', () => {
  it('when an address is reversed then IPv4 uses in-addr.arpa and IPv6 nibbles', () => {
    expect(reverseName('192.0.2.25')).toBe('25.2.0.192.in-addr.arpa');
    expect(reverseName('::ffff:127.0.0.1')).toBe('1.0.0.127.in-addr.arpa');
    expect(reverseName('2001:db8::1')).toBe(
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
  });

  it('when two spellings name one address then they compare equal', () => {
    expect(sameAddress('::1', '0:0:0:0:0:0:0:1')).toBe(true);
    expect(sameAddress('::ffff:127.0.0.1', '127.0.0.1')).toBe(true);
    expect(sameAddress('127.0.0.1', '127.0.0.2')).toBe(false);
  });
});

describe('parseDnsServer', () => {
  it('when a server is given with or without a port then both forms parse', () => {
    expect(parseDnsServer('127.0.0.1')).toEqual({ address: '127.0.0.1', port: 53 });
    expect(parseDnsServer('127.0.0.1:5353')).toEqual({ address: '127.0.0.1', port: 5353 });
    expect(parseDnsServer('[::1]:5353')).toEqual({ address: '::1', port: 5353 });
    expect(parseDnsServer('::1')).toEqual({ address: '::1', port: 53 });
    expect(() => parseDnsServer('ns.example.test')).toThrow(/invalid --dns-server/);
    expect(() => parseDnsServer('127.0.0.1:0')).toThrow(/invalid --dns-server/);
  });
});

describe('responses to another question', () => {
  it(
    'when the server answers about another name then it ' + 'is no answer, and the tries run out',
    async () => {
      // A server that answers every query with an A record for another name.
      const socket = createSocket('udp4');
      socket.on('message', (message, from) => {
        const query = decode(message);
        const response = encode({
          type: 'response',
          id: query.id,
          flags: RECURSION_DESIRED,
          questions: [{ type: 'A', name: 'unrelated.invalid', class: 'IN' }],
          answers: [{ type: 'A', name: 'unrelated.invalid', data: '127.0.0.9' }],
        });
        socket.send(response, from.port, from.address);
      });
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      try {
        const { port } = socket.address();
        const resolver = new Resolver([parseDnsServer(`127.0.0.1:${port}`)], {
          timeoutMs: 200,
          tries: 2,
        });

        await expect(resolver.query('asked.test', 'A')).rejects.toThrow(
          /cannot resolve asked\.test \(A\): .*answers another question/,
        );
      } finally {
        socket.close();
      }
    },
  );
});

/** A server on 127.0.0.1 that answers every question with these records; closed after fn. */
async function withAnswers(
  answers: Parameters<typeof encode>[0]['answers'],
  fn: (resolver: Resolver) => Promise<void>,
): Promise<void> {
  const socket = createSocket('udp4');
  socket.on('message', (message, from) => {
    const query = decode(message);
    const flags = RECURSION_DESIRED;
    const response = encode({
      type: 'response',
      id: query.id,
      flags,
      questions: query.questions,
      answers,
    });
    socket.send(response, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const { port } = socket.address();
    await fn(new Resolver([parseDnsServer(`127.0.0.1:${port}`)], { timeoutMs: 300, tries: 1 }));
  } finally {
    socket.close();
  }
}

describe('records in the answer section', () => {
  it(
    'when a record is owned by a name outside ' + 'the alias chain then it does not answer',
    async () => {
      const foreign = [
        {
          type: 'TLSA' as const,
          name: '_25._tcp.elsewhere.test',
          data: {
            usage: 3,
            selector: 1,
            matchingType: 1,
            certificate: Buffer.alloc(32, 1),
          },
        },
      ];
      await withAnswers(foreign, async (resolver) => {
        const answer = await resolver.query('_25._tcp.mx.probe.test', 'TLSA');
        expect(answer).toMatchObject({ status: 'nodata', records: [] });
      });
    },
  );

  it('when the CNAME chain leads to the records then they answer, with the chain', async () => {
    const chain = [
      { type: 'CNAME' as const, name: 'a.test', data: 'b.test' },
      { type: 'CNAME' as const, name: 'b.test', data: 'c.test' },
      { type: 'A' as const, name: 'c.test', data: '127.0.0.1' },
      { type: 'A' as const, name: 'other.test', data: '127.0.0.2' },
    ];
    await withAnswers(chain, async (resolver) => {
      const answer = await resolver.query('a.test', 'A');
      expect(answer.aliases).toEqual(['a.test', 'b.test']);
      expect(answer.records.map(recordText)).toEqual(['127.0.0.1']);
    });
  });

  it('when the CNAME chain loops then the answer says so', async () => {
    const loop = [
      { type: 'CNAME' as const, name: 'a.test', data: 'b.test' },
      { type: 'CNAME' as const, name: 'b.test', data: 'a.test' },
    ];
    await withAnswers(loop, async (resolver) => {
      const answer = await resolver.query('a.test', 'A');
      expect(answer.status).toBe('bad-alias');
      expect(describeStatus(answer)).toBe('the alias chain loops: a.test → b.test → a.test');
      await expect(lookupAddresses(resolver, 'a.test', 4)).rejects.toThrow(
        'cannot resolve a.test: the alias chain loops: a.test → b.test → a.test',
      );
    });
  });
});
