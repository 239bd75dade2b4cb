/**
 * The ESMTP parameters of MAIL FROM and RCPT TO. RFC 5321 §4.1.5 lets a
 * client use a parameter only when the server advertised its extension, so
 * each known keyword is sent only then; --force-parameters overrides that,
 * for testing how a server treats what it did not offer.
 */
import { CannotSendError } from '../errors.js';
import type { ExtensionSet } from '../protocol/extensions.js';
import type { MailParameter, TransactionOptions } from './options.js';
import type { SessionEvent } from './events.js';

/** The extension each known parameter belongs to. */
const EXTENSION_OF: Record<string, string> = {
  SIZE: 'SIZE',
  BODY: '8BITMIME',
  SMTPUTF8: 'SMTPUTF8',
  RET: 'DSN',
  ENVID: 'DSN',
  NOTIFY: 'DSN',
  ORCPT: 'DSN',
  REQUIRETLS: 'REQUIRETLS',
};

/** What the message needs of the server, known before MAIL FROM. */
export interface MessageTraits {
  readonly size: number;
  readonly eightBit: boolean;
  readonly smtpUtf8: boolean;
  readonly secure: boolean;
}

/** The parameters for MAIL FROM, with warnings for what had to be left out. */
export function mailParameters(
  options: TransactionOptions,
  extensions: ExtensionSet,
  traits: MessageTraits,
  warn: (event: SessionEvent) => void,
): string[] {
  const wanted: MailParameter[] = [{ keyword: 'SIZE', value: String(traits.size) }];
  if (traits.eightBit) wanted.push({ keyword: 'BODY', value: '8BITMIME' });
  if (traits.smtpUtf8) wanted.push({ keyword: 'SMTPUTF8', value: undefined });
  if (options.dsn.ret) wanted.push({ keyword: 'RET', value: options.dsn.ret });
  if (options.dsn.envid) wanted.push({ keyword: 'ENVID', value: xtext(options.dsn.envid) });
  if (options.requireTls) wanted.push({ keyword: 'REQUIRETLS', value: undefined });

  requireCarriers(options, extensions, traits);
  warnAboutSize(extensions, traits.size, warn);
  return select(merge(wanted, options.mailParameters, warn), options, extensions, warn);
}

/** The parameters for each RCPT TO. */
export function rcptParameters(
  options: TransactionOptions,
  extensions: ExtensionSet,
  warn: (event: SessionEvent) => void,
): string[] {
  const wanted: MailParameter[] = [];
  if (options.dsn.notify) wanted.push({ keyword: 'NOTIFY', value: options.dsn.notify });
  return select(merge(wanted, options.rcptParameters, warn), options, extensions, warn);
}

// A parameter the user gave replaces the one smtp-probe would have sent:
// RFC 1869 allows each keyword once, and the user's is the one asked for.
function merge(
  generated: readonly MailParameter[],
  given: readonly MailParameter[],
  warn: (event: SessionEvent) => void,
): MailParameter[] {
  const keywords = new Set(given.map(({ keyword }) => keyword));
  for (const { keyword } of generated.filter((parameter) => keywords.has(parameter.keyword))) {
    const message = `${keyword} as given replaces the one smtp-probe would send`;
    warn({ type: 'warning', warning: { code: 'parameter-replaced', message } });
  }
  return [...generated.filter(({ keyword }) => !keywords.has(keyword)), ...given];
}

function select(
  wanted: readonly MailParameter[],
  options: TransactionOptions,
  extensions: ExtensionSet,
  warn: (event: SessionEvent) => void,
): string[] {
  return wanted
    .filter(({ keyword }) => {
      const extension = EXTENSION_OF[keyword.toUpperCase()];
      if (extension === undefined || extensions.has(extension) || options.forceParameters) {
        return true;
      }
      if (keyword !== 'SIZE' && keyword !== 'BODY') {
        const message = `${keyword} left out: the server does not offer ${extension}`;
        warn({ type: 'warning', warning: { code: 'parameter-dropped', message } });
      }
      return false;
    })
    .map(({ keyword, value }) => (value === undefined ? keyword : `${keyword}=${value}`));
}

// Some needs cannot be dropped: a non-ASCII address cannot travel without
// SMTPUTF8 (RFC 6531 §3.4), and REQUIRETLS forbids sending otherwise (RFC 8689).
function requireCarriers(
  options: TransactionOptions,
  extensions: ExtensionSet,
  traits: MessageTraits,
): void {
  if (options.forceParameters) return;
  if (traits.smtpUtf8 && !extensions.has('SMTPUTF8')) {
    throw cannotSend('an address is not ASCII but the server does not offer SMTPUTF8');
  }
  if (options.requireTls && !traits.secure) {
    throw cannotSend('--requiretls: the session is not encrypted, so the message may not go');
  }
  if (options.requireTls && !extensions.has('REQUIRETLS')) {
    throw cannotSend('--requiretls: the server does not offer REQUIRETLS');
  }
}

function warnAboutSize(
  extensions: ExtensionSet,
  size: number,
  warn: (event: SessionEvent) => void,
): void {
  const limit = Number(extensions.params('SIZE')?.[0] ?? 0);
  if (limit > 0 && size > limit) {
    const message = `the message is ${size} bytes, more than the server's limit of ${limit}`;
    warn({ type: 'warning', warning: { code: 'size-limit', message } });
  }
}

function cannotSend(message: string): CannotSendError {
  return new CannotSendError('cannot-send', message, {
    stage: 'mail',
    hint: '--force-parameters sends it anyway, to see what the server does',
  });
}

// RFC 3461 §4: xtext writes '+', '=' and every octet outside ! to ~ as
// +HH, octet by octet of the UTF-8 form.
function xtext(text: string): string {
  let result = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const plain = byte >= 0x21 && byte <= 0x7e && byte !== 0x2b && byte !== 0x3d;
    result += plain
      ? String.fromCharCode(byte)
      : `+${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return result;
}
