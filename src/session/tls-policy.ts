/**
 * The extensions before and after STARTTLS, side by side, and what they say
 * about the server's TLS policy: AUTH kept for TLS is good, a password
 * mechanism offered in plaintext is not, and STARTTLS offered again inside
 * TLS breaks RFC 3207 §4.2.
 */
import type { Extension, ExtensionSet } from '../protocol/extensions.js';
import type { Session } from './session.js';

/**
 * Mechanisms whose exchange an eavesdropper can replay: PLAIN and LOGIN
 * carry the password itself, XOAUTH2 and OAUTHBEARER a bearer token.
 * Challenge-response mechanisms (CRAM-MD5, DIGEST-MD5, SCRAM-*) put no
 * reusable secret on the wire, so offering them before TLS is not warned of.
 */
const CLEARTEXT_MECHANISMS = new Set(['PLAIN', 'LOGIN', 'XOAUTH2', 'OAUTHBEARER']);

/** Extensions whose loss inside TLS changes how mail is sent. */
const NOTABLE_LOSSES = ['PIPELINING', 'SIZE', '8BITMIME', 'SMTPUTF8', 'CHUNKING'];

/** An extension offered on both sides with different parameters. */
export interface ChangedExtension {
  readonly keyword: string;
  readonly beforeTls: readonly string[];
  readonly afterTls: readonly string[];
}

/** The two EHLO replies of a STARTTLS session compared keyword by keyword. */
export interface ExtensionComparison {
  /** Keywords offered on both sides, in the order advertised after TLS. */
  readonly both: readonly string[];
  readonly beforeTlsOnly: readonly Extension[];
  readonly afterTlsOnly: readonly Extension[];
  readonly changed: readonly ChangedExtension[];
  /** The AUTH mechanisms offered before TLS (empty when AUTH was not). */
  readonly authBeforeTls: readonly string[];
  /** Those of them that put a reusable secret on the wire. */
  readonly cleartextAuthBeforeTls: readonly string[];
  readonly authAfterTls: readonly string[];
  /** STARTTLS advertised again inside TLS (RFC 3207 §4.2 forbids it). */
  readonly startTlsAfterTls: boolean;
}

/** Compares the EHLO reply before STARTTLS with the one after it. */
export function compareExtensions(before: ExtensionSet, after: ExtensionSet): ExtensionComparison {
  const authBeforeTls = [...(before.params('AUTH') ?? [])].map((m) => m.toUpperCase());
  return {
    both: after.keywords.filter((keyword) => before.has(keyword)),
    beforeTlsOnly: before.list.filter((extension) => !after.has(extension.keyword)),
    afterTlsOnly: after.list.filter((extension) => !before.has(extension.keyword)),
    changed: after.list.flatMap((extension) => changedParams(before, extension)),
    authBeforeTls,
    cleartextAuthBeforeTls: authBeforeTls.filter((m) => CLEARTEXT_MECHANISMS.has(m)),
    authAfterTls: [...(after.params('AUTH') ?? [])].map((m) => m.toUpperCase()),
    startTlsAfterTls: after.has('STARTTLS'),
  };
}

function changedParams(before: ExtensionSet, extension: Extension): ChangedExtension[] {
  const earlier = before.params(extension.keyword);
  if (earlier === undefined || earlier.join(' ') === extension.params.join(' ')) return [];
  return [{ keyword: extension.keyword, beforeTls: earlier, afterTls: extension.params }];
}

/** Reports the comparison in the transcript: one line of lists, then the judgements. */
export function reportComparison(session: Session, comparison: ExtensionComparison): void {
  session.emit({ type: 'note', text: describeComparison(comparison) });
  for (const text of judgementNotes(comparison)) session.emit({ type: 'note', text });

  const { cleartextAuthBeforeTls: cleartext } = comparison;
  if (cleartext.length > 0) {
    const message =
      `AUTH ${cleartext.join(' ')} offered before TLS: ` +
      'a password or token sent with it can be read on the wire';
    session.emit({ type: 'warning', warning: { code: 'auth-before-tls', message } });
  }
  if (comparison.startTlsAfterTls) {
    const message = 'protocol: STARTTLS is offered again after TLS (RFC 3207 §4.2 forbids it)';
    session.emit({ type: 'warning', warning: { code: 'starttls-after-tls', message } });
  }
}

/**
 * The one line of lists:
 * `extensions: both: … · before TLS only: … · after TLS only: …`.
 */
export function describeComparison(comparison: ExtensionComparison): string {
  const parts = [
    `both: ${listOrNone(comparison.both)}`,
    `before TLS only: ${listOrNone(comparison.beforeTlsOnly.map(formatExtension))}`,
    `after TLS only: ${listOrNone(comparison.afterTlsOnly.map(formatExtension))}`,
  ];
  for (const { keyword, beforeTls, afterTls } of comparison.changed) {
    const side = (params: readonly string[]) => formatExtension({ keyword, params });
    parts.push(`changed: ${side(beforeTls)} → ${side(afterTls)}`);
  }
  return `extensions: ${parts.join(' · ')}`;
}

function judgementNotes(comparison: ExtensionComparison): string[] {
  const notes: string[] = [];
  const { authBeforeTls, authAfterTls, cleartextAuthBeforeTls } = comparison;
  if (authBeforeTls.length === 0 && authAfterTls.length > 0) {
    notes.push('AUTH is offered only after TLS: good, no password is asked for in plaintext');
  }
  const challengeOnly = authBeforeTls.filter((m) => !cleartextAuthBeforeTls.includes(m));
  if (challengeOnly.length > 0 && cleartextAuthBeforeTls.length === 0) {
    notes.push(
      `AUTH ${challengeOnly.join(' ')} offered before TLS: ` +
        'no reusable password or token goes on the wire with these',
    );
  }
  const lost = comparison.beforeTlsOnly
    .map((extension) => extension.keyword)
    .filter((keyword) => NOTABLE_LOSSES.includes(keyword));
  if (lost.length > 0) {
    notes.push(`${lost.join(', ')} offered only before TLS: mail sent over TLS goes without them`);
  }
  return notes;
}

function formatExtension(extension: Extension): string {
  return [extension.keyword, ...extension.params].join(' ');
}

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? '(none)' : items.join(', ');
}
