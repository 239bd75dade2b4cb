/**
 * The probe id: one per message sent, carried in its Message-ID, Subject,
 * body and `X-Smtp-Probe-Id` header, so that the message can be found in a
 * mailbox or a server's log and matched to the run that sent it.
 */
import { randomBytes } from 'node:crypto';

// 32 random bits: two probes in the same second collide once in ~4 billion.
const RANDOM_BYTES = 4;

/**
 * Makes a new probe id such as `20261204T171500Z-3f9a1c2b`: the UTC time to
 * the second, then random hex. Ids sort by time (to the second) as plain
 * strings, and use only letters, digits and '-', which are valid in a
 * Message-ID's dot-atom (RFC 5322 §3.6.4), a MIME boundary and a Subject.
 */
export function newProbeId(date: Date): string {
  const stamp = `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
  return `${stamp}-${randomBytes(RANDOM_BYTES).toString('hex')}`;
}
