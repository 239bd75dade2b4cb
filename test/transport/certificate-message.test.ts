import { describe, expect, it } from 'vitest';
import {
  readSentCertificates,
  serverHandshakeSecret,
} from '../../src/transport/certificate-message.js';

// A TLS record: type, version 3.3, 16-bit length, then the fragment.
function record(type: number, fragment: Buffer): Buffer {
  const header = Buffer.from([type, 3, 3, fragment.length >> 8, fragment.length & 0xff]);
  return Buffer.concat([header, fragment]);
}

function uint24(value: number): Buffer {
  return Buffer.from([value >> 16, (value >> 8) & 0xff, value & 0xff]);
}

function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), uint24(body.length), body]);
}

// A TLS 1.2 Certificate message body: a 24-bit list length, then each entry.
function certificateList(...entries: Buffer[]): Buffer {
  const list = Buffer.concat(entries.flatMap((entry) => [uint24(entry.length), entry]));
  return Buffer.concat([uint24(list.length), list]);
}

const SERVER_HELLO = handshake(2, Buffer.alloc(40));
const tls12 = (bytes: Buffer) =>
  readSentCertificates({ bytes, protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });

describe('readSentCertificates', () => {
  it('when a TLS 1.2 Certificate message spans two records then both parts are joined', () => {
    const message = handshake(11, certificateList(Buffer.from('first'), Buffer.from('second')));
    const stream = Buffer.concat([SERVER_HELLO, message]);
    const bytes = Buffer.concat([
      record(22, stream.subarray(0, 50)),
      record(22, stream.subarray(50)),
    ]);

    expect(tls12(bytes).certificates?.map(String)).toEqual(['first', 'second']);
  });

  it('when the capture ends inside the Certificate message then it is called missing', () => {
    const message = handshake(11, certificateList(Buffer.alloc(300)));
    const whole = record(22, Buffer.concat([SERVER_HELLO, message]));

    expect(tls12(whole.subarray(0, 200))).toEqual({
      unreadable: 'no Certificate message in the handshake',
    });
  });

  it('when an entry claims more bytes than the list holds then it is malformed, not thrown', () => {
    const body = Buffer.concat([uint24(6), uint24(200), Buffer.from('abc')]);
    const bytes = record(22, handshake(11, body));

    expect(tls12(bytes)).toEqual({ unreadable: 'the Certificate message is malformed' });
  });

  it('when a warning alert comes before the Certificate message then it is passed over', () => {
    const unrecognisedName = record(21, Buffer.from([1, 112]));
    const message = handshake(11, certificateList(Buffer.from('after the alert')));
    const bytes = Buffer.concat([
      unrecognisedName,
      record(22, Buffer.concat([SERVER_HELLO, message])),
    ]);

    expect(tls12(bytes).certificates?.map(String)).toEqual(['after the alert']);
  });

  it('when the server changed cipher spec before any Certificate then none is read', () => {
    const certificate = handshake(11, certificateList(Buffer.from('late')));
    const bytes = Buffer.concat([record(20, Buffer.from([1])), record(22, certificate)]);

    expect(tls12(bytes).unreadable).toBe('no Certificate message in the handshake');
  });

  it('when TLS 1.3 comes without its handshake secret then that is the reason given', () => {
    const capture = {
      bytes: Buffer.alloc(0),
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_128_GCM_SHA256',
    };
    expect(readSentCertificates(capture)).toEqual({
      unreadable: 'the TLS 1.3 handshake secret was not available',
    });
  });

  it('when the TLS 1.3 secret is wrong then the record does not decrypt, and that is said', () => {
    const bytes = Buffer.concat([record(22, SERVER_HELLO), record(23, Buffer.alloc(64, 7))]);
    const capture = {
      bytes,
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_128_GCM_SHA256',
      serverHandshakeSecret: Buffer.alloc(32, 1),
    };
    expect(readSentCertificates(capture)).toEqual({
      unreadable: 'an encrypted handshake record did not decrypt',
    });
  });

  it('when the TLS 1.3 cipher suite is not one known then it is named', () => {
    const capture = {
      bytes: Buffer.alloc(0),
      protocol: 'TLSv1.3',
      cipher: 'TLS_SM4_GCM_SM3',
      serverHandshakeSecret: Buffer.alloc(32),
    };
    expect(readSentCertificates(capture).unreadable).toBe(
      'cipher suite TLS_SM4_GCM_SM3 is not known',
    );
  });
});

describe('serverHandshakeSecret', () => {
  it('when the key log line is the server handshake secret then its bytes are taken', () => {
    const line = Buffer.from(
      `SERVER_HANDSHAKE_TRAFFIC_SECRET ${'00'.repeat(32)} ${'ab'.repeat(32)}\n`,
    );
    expect(serverHandshakeSecret(line)).toEqual(Buffer.alloc(32, 0xab));
  });

  it('when the line holds another secret then it is ignored', () => {
    const line = Buffer.from(`CLIENT_TRAFFIC_SECRET_0 ${'00'.repeat(32)} ${'cd'.repeat(32)}\n`);
    expect(serverHandshakeSecret(line)).toBeUndefined();
  });
});
