/**
 * SMTP commands as smtp-probe sends them. A command has two forms: the wire
 * form, sent to the server, and the display form, shown in every output, so
 * that a secret can be sent without ever being printed.
 */
import { UsageError } from '../errors.js';

/** A command line without its CRLF, in its wire and display forms. */
export interface Command {
  readonly verb: string;
  readonly wire: string;
  readonly display: string;
  /** The exact bytes of the line, when they are not UTF-8 text (a line piped to -i). */
  readonly raw?: Buffer;
}

// CR or LF inside an argument would end the command early and smuggle a
// second one; NUL is refused by most servers and never legitimate.
const LINE_BREAKING = /[\r\n\0]/;

/** Builds a command from a verb and an argument, refusing embedded line breaks. */
export function buildCommand(verb: string, argument?: string): Command {
  const wire = argument === undefined || argument === '' ? verb : `${verb} ${argument}`;
  if (LINE_BREAKING.test(wire)) {
    throw new UsageError(`refusing to send ${verb}: its argument contains CR, LF or NUL`);
  }
  return { verb, wire, display: wire };
}

/** The bytes that go on the wire for a command. */
export function encodeCommand(command: Command): Buffer {
  if (command.raw) return Buffer.concat([command.raw, CRLF]);
  return Buffer.from(`${command.wire}\r\n`, 'utf8');
}

const CRLF = Buffer.from('\r\n');
