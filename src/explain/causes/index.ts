/**
 * The table of well-known rejections, in the order entries are tried: the
 * first that matches names the cause. Specific before general: a provider's
 * own wording before a generic phrase, a block list's query error before a
 * listing, a refused session before a refused message. A refused sender
 * address comes last, for what the more precise entries do not name.
 * docs/explanations.md lists every entry with its source.
 */
import type { KnownCause } from '../known-cause.js';
import { BLOCKLIST_CAUSES } from './blocklists.js';
import { MESSAGE_CAUSES } from './message.js';
import { PROVIDER_CAUSES } from './providers.js';
import { SENDER_ADDRESS_CAUSES } from './sender-address.js';
import { SENDER_CAUSES } from './sender-checks.js';
import { SESSION_CAUSES } from './session.js';
import { TRANSIENT_CAUSES } from './transient.js';

export const KNOWN_CAUSES: readonly KnownCause[] = [
  ...PROVIDER_CAUSES,
  ...BLOCKLIST_CAUSES,
  ...SESSION_CAUSES,
  ...SENDER_CAUSES,
  ...MESSAGE_CAUSES,
  ...TRANSIENT_CAUSES,
  ...SENDER_ADDRESS_CAUSES,
];
