/**
 * The mail transaction (RFC 5321 §3.3): MAIL FROM, one RCPT TO per
 * recipient, then the message by DATA or BDAT. With PIPELINING (RFC 2920)
 * the envelope goes in one write and its replies are read in order.
 */
import { ReplyError } from '../errors.js';
import { buildCommand, type Command } from '../protocol/command.js';
import type { ExtensionSet } from '../protocol/extensions.js';
import type { Reply } from '../protocol/reply.js';
import { needsEightBitMime } from '../message/data.js';
import { requireCode } from './expect.js';
import type { TransactionOptions } from './options.js';
import { mailParameters, rcptParameters } from './parameters.js';
import { askForData, sendMessage, usesBdat, type Delivery } from './message.js';
import type { BatchItem, Session } from './session.js';
import type { Stage } from './stage.js';

/** How the envelope went: who was accepted, and the message's fate. */
export interface TransactionResult {
  readonly accepted: readonly string[];
  readonly refused: readonly { readonly address: string; readonly reply: Reply }[];
  readonly delivery: Delivery | undefined;
  /** After --quit-after data: the server said 354 and waits for message text. */
  readonly inData: boolean;
}

/** Runs the transaction; stops after quitAfter ('mail', 'rcpt' or 'data') when given. */
export async function transact(
  session: Session,
  options: TransactionOptions,
  extensions: ExtensionSet,
  quitAfter: Stage | undefined,
  timeoutMs: number,
): Promise<TransactionResult> {
  const envelope = envelopeCommands(session, options, extensions, quitAfter);
  const pipelined = options.pipelining && extensions.has('PIPELINING') && envelope.length > 1;
  const replies = pipelined
    ? await session.exchangeBatch(envelope, timeoutMs)
    : await oneByOne(session, envelope, timeoutMs);

  const [mailReply, ...rest] = replies;
  const rcptReplies = rest.slice(0, options.to.length);
  const dataReply = rest[options.to.length];
  const outcome = await judgeEnvelope(options, mailReply!, rcptReplies).catch(async (error) => {
    // The refusal stays the verdict whatever the cleanup meets.
    if (dataReply?.code === 354) {
      await session.endEmptyMessage(timeoutMs).catch((cleanup: unknown) => {
        const problem = cleanup instanceof Error ? cleanup.message : String(cleanup);
        session.emit({ type: 'note', text: `ending the empty message failed: ${problem}` });
      });
    }
    throw error;
  });

  if (outcome.refused.length > 0) {
    const refused = `${outcome.refused.length} of ${options.to.length} recipients refused`;
    const message = `${refused}; going on with the rest`;
    session.emit({ type: 'warning', warning: { code: 'recipients-refused', message } });
  }

  if (quitAfter === 'mail' || quitAfter === 'rcpt')
    return { ...outcome, delivery: undefined, inData: false };

  // DATA's reply came with a pipelined envelope, or DATA is said now; BDAT needs none.
  if (dataReply !== undefined) requireCode('data', dataReply, 354, 'DATA');
  const dataAnswer = dataReply ?? (await askForData(session, options, extensions, timeoutMs));
  if (quitAfter === 'data')
    return { ...outcome, delivery: undefined, inData: dataAnswer !== undefined };

  const delivery = await sendMessage(session, options, dataAnswer, timeoutMs);
  return { ...outcome, delivery, inData: false };
}

function envelopeCommands(
  session: Session,
  options: TransactionOptions,
  extensions: ExtensionSet,
  quitAfter: Stage | undefined,
): BatchItem[] {
  const traits = {
    size: options.message.length,
    eightBit: needsEightBitMime(options.message),
    smtpUtf8: [options.from, ...options.to].some((mailbox) => mailbox.needsSmtpUtf8),
    secure: session.connection.secure,
  };
  const mailParams = mailParameters(options, extensions, traits, session.emit);
  const rcptParams = rcptParameters(options, extensions, session.emit);

  const items: BatchItem[] = [
    {
      stage: 'mail',
      command: withParameters('MAIL', `FROM:<${options.from.address}>`, mailParams),
    },
  ];
  if (quitAfter === 'mail') return items;

  for (const mailbox of options.to) {
    const command = withParameters('RCPT', `TO:<${mailbox.address}>`, rcptParams);
    items.push({ stage: 'rcpt', command });
  }
  // DATA may close a pipelined group (RFC 2920 §3.1); BDAT goes after the replies.
  const bdat = usesBdat(options, extensions);
  if (quitAfter === 'rcpt' || bdat || !extensions.has('PIPELINING') || !options.pipelining) {
    return items;
  }
  return [...items, { stage: 'data', command: buildCommand('DATA') }];
}

function withParameters(verb: string, path: string, parameters: string[]): Command {
  return buildCommand(verb, [path, ...parameters].join(' '));
}

async function oneByOne(session: Session, items: BatchItem[], timeoutMs: number): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const { stage, command } of items) {
    const reply = await session.exchange(stage, command, timeoutMs);
    replies.push(reply);
    // Without pipelining there is no point going on once MAIL is refused.
    if (stage === 'mail' && reply.code >= 400) break;
  }
  return replies;
}

async function judgeEnvelope(
  options: TransactionOptions,
  mailReply: Reply,
  rcptReplies: readonly Reply[],
): Promise<Omit<TransactionResult, 'delivery' | 'inData'>> {
  requireCode('mail', mailReply, 250, `MAIL FROM:<${options.from.address}>`);

  const accepted: string[] = [];
  const refused: { address: string; reply: Reply }[] = [];
  rcptReplies.forEach((reply, index) => {
    const address = options.to[index]!.address;
    // 251: not local, but the server will forward (RFC 5321 §4.2.2).
    if (reply.code === 250 || reply.code === 251) accepted.push(address);
    else if (reply.code >= 400) refused.push({ address, reply });
    else requireCode('rcpt', reply, 250, `RCPT TO:<${address}>`);
  });

  if (rcptReplies.length > 0 && accepted.length === 0) throw everyRecipientRefused(refused);
  return { accepted, refused };
}

// When every recipient is refused, a permanent refusal decides the exit
// status over a temporary one: retrying will not help the permanent ones.
function everyRecipientRefused(refused: readonly { address: string; reply: Reply }[]): ReplyError {
  const decisive = refused.find(({ reply }) => reply.code >= 500) ?? refused[refused.length - 1]!;
  const hint = `every recipient was refused (${refused.length})`;
  return new ReplyError('rcpt', decisive.reply, `RCPT TO:<${decisive.address}>`, hint);
}
