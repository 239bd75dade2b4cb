import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeSignatureAlgorithm } from '../../src/transport/signature-algorithm.js';
import { makeSelfSigned } from '../helpers/certificates.js';
import { tlv } from '../helpers/ocsp.js';

const withAlgorithm = (oidHex: string): Buffer =>
  tlv(
    0x30,
    tlv(0x30),
    tlv(0x30, Buffer.from(oidHex, 'hex'), tlv(0x05)),
    tlv(0x03, Buffer.alloc(1)),
  );

describe('describeSignatureAlgorithm', () => {
  it('when the certificate is signed with ECDSA and SHA-256 then it says so', async () => {
    const { cert } = await makeSelfSigned();
    expect(describeSignatureAlgorithm(new X509Certificate(cert).raw)).toBe('ECDSA with SHA-256');
  });

  it('when the OID is RSA with SHA-1 then it is named', () => {
    expect(describeSignatureAlgorithm(withAlgorithm('06092a864886f70d010105'))).toBe(
      'RSA with SHA-1',
    );
  });

  it('when the OID is not in the table then the OID itself is given', () => {
    expect(describeSignatureAlgorithm(withAlgorithm('06032a0304'))).toBe('OID 1.2.3.4');
  });

  it('when the bytes are no certificate then it says unreadable, without throwing', () => {
    expect(describeSignatureAlgorithm(Buffer.from('3084ffffffff', 'hex'))).toBe('unreadable');
    expect(describeSignatureAlgorithm(Buffer.alloc(0))).toBe('unreadable');
  });
});
