/**
 * The message `smtp-probe send` sends: an RFC 5322 message built from the
 * command line, with CRLF line breaks throughout and not yet dot-stuffed
 * (that is the transport's step, see data.ts).
 */
import { UsageError } from '../errors.js';
import { composeAttachment, type Attachment } from './attachment.js';
import { formatDateTime } from './date-time.js';
import { composeMultipart, renderEntity, type MimeEntity } from './entity.js';
import { parseHeaderOption, refuseLineBreaks, type HeaderField } from './header.js';
import { isSameField } from './header-field.js';
import { composeTextBody, defaultBodyText } from './text-body.js';

/** Everything a composed message is made of. */
export interface ComposeOptions {
  /** The From address (addr-spec), or '' for the null sender. */
  readonly from: string;
  /** To addresses; with none, no To field (RFC 5322 §3.6.3 allows that). */
  readonly to: readonly string[];
  /** Defaults to `smtp-probe test <probeId>`. */
  readonly subject?: string;
  /** Extra `Name: value` lines (--header), checked by parseHeaderOption. */
  readonly headers: readonly string[];
  /** The user's body; by default a note about the probe (see text-body.ts). */
  readonly body?: Buffer;
  readonly attachments: readonly Attachment[];
  readonly probeId: string;
  /** The sending host's name, for the Message-ID and the default body. */
  readonly hostname: string;
  /** Where the message goes (host:port), for the default body. */
  readonly target: string;
  readonly date: Date;
}

/** The header field that carries the probe id, to find the message later. */
export const PROBE_ID_FIELD = 'X-Smtp-Probe-Id';

// RFC 5322 §3.6.2 requires a From mailbox, and the null reverse-path `<>`
// is not one. Bounces conventionally come from MAILER-DAEMON, so a probe
// sent with MAIL FROM:<> looks like what it imitates.
const NULL_SENDER_MAILBOX = 'MAILER-DAEMON';

// These describe the structure smtp-probe builds; a --header cannot change
// them without contradicting the content. --data sends a message as written.
const STRUCTURE_FIELDS = ['MIME-Version', 'Content-Type', 'Content-Transfer-Encoding'];

/**
 * Composes the message: Date, From, To, Subject, Message-ID
 * `<probeId@hostname>` and X-Smtp-Probe-Id, then the --header fields, then
 * the MIME fields and the body. A --header named like a generated field
 * replaces it in place. The null sender ('') is written as
 * `MAILER-DAEMON@<hostname>`. With attachments the message is
 * multipart/mixed, the text part first.
 */
export function composeMessage(options: ComposeOptions): Buffer {
  const userFields = options.headers.map(parseUserField);
  const fields = mergeFields(generatedFields(options), userFields);
  const body = composeBody(options);

  // The body is always labelled with its charset and encoding, so
  // MIME-Version always goes with it (RFC 2045 §4).
  const mimeVersion = { name: 'MIME-Version', value: '1.0' };
  return renderEntity({ fields: [...fields, mimeVersion, ...body.fields], content: body.content });
}

function generatedFields(options: ComposeOptions): HeaderField[] {
  const from = options.from === '' ? `${NULL_SENDER_MAILBOX}@${options.hostname}` : options.from;
  const subject = options.subject ?? `smtp-probe test ${options.probeId}`;
  const fields: [string, string][] = [
    ['Date', formatDateTime(options.date)],
    ['From', from],
    ['To', options.to.join(', ')],
    ['Subject', subject],
    ['Message-ID', `<${options.probeId}@${options.hostname}>`],
    [PROBE_ID_FIELD, options.probeId],
  ];

  for (const [name, value] of fields) refuseLineBreaks(`the ${name} field`, value);
  const present = fields.filter(([name]) => name !== 'To' || options.to.length > 0);
  return present.map(([name, value]) => ({ name, value }));
}

function parseUserField(text: string): HeaderField {
  const field = parseHeaderOption(text);
  if (STRUCTURE_FIELDS.some((name) => isSameField(name, field.name))) {
    throw new UsageError(
      `--header ${field.name} cannot be set: smtp-probe writes the MIME structure itself`,
      'to send a message with your own MIME structure, prepare it in a file and use --data',
    );
  }
  return field;
}

// A user field takes the place of the generated field of the same name; a
// name given twice is kept twice, as a test of the server may want that.
function mergeFields(generated: HeaderField[], user: HeaderField[]): HeaderField[] {
  const named = (name: string) => user.filter((field) => isSameField(field.name, name));
  const merged = generated.flatMap((field) => {
    const replacements = named(field.name);
    return replacements.length > 0 ? replacements : [field];
  });
  const extra = user.filter((field) => !generated.some((own) => isSameField(own.name, field.name)));
  return [...merged, ...extra];
}

function composeBody(options: ComposeOptions): MimeEntity {
  const text = composeTextBody(options.body ?? defaultBodyText(options));
  if (options.attachments.length === 0) return text;

  return composeMultipart([text, ...options.attachments.map(composeAttachment)], options.probeId);
}
