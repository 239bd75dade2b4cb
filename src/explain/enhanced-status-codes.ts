/**
 * The IANA "Simple Mail Transfer Protocol (SMTP) Enhanced Status Codes"
 * registry (RFC 5248), kept whole as data: its class sub-codes, subject
 * sub-codes and every enumerated code with its name ("sample text"), the
 * basic reply codes the registry associates with it, and its reference.
 *
 * Source: https://www.iana.org/assignments/smtp-enhanced-status-codes/
 * (CSV: smtp-enhanced-status-codes-1.csv, -2.csv, -3.csv). The registry page
 * seen said "created 2008-05-29, updated 2024-12-06"; the records below were
 * transcribed from a copy of smtp-enhanced-status-codes-3.csv that runs from
 * X.0.0 to X.7.30 (81 records), and checked against the RFCs each cites.
 * docs/explanations.md says what could and could not be verified.
 */

/** One enumerated code of the registry, written `X.subject.detail`. */
export interface RegisteredCode {
  /** `X.7.26`: the registry leaves the class open. */
  readonly code: string;
  /** The registry's "sample text": the code's name. */
  readonly name: string;
  /** The registry's "associated basic status code" column, as written there. */
  readonly replyCodes: string;
  readonly reference: string;
}

/** Class sub-codes (registry smtp-enhanced-status-codes-1). */
export const CLASSES: Readonly<Record<number, string>> = {
  2: 'Success',
  4: 'Persistent Transient Failure',
  5: 'Permanent Failure',
};

/** Subject sub-codes (registry smtp-enhanced-status-codes-2), all RFC 3463. */
export const SUBJECTS: Readonly<Record<number, string>> = {
  0: 'Other or Undefined Status',
  1: 'Addressing Status',
  2: 'Mailbox Status',
  3: 'Mail System Status',
  4: 'Network and Routing Status',
  5: 'Mail Delivery Protocol Status',
  6: 'Message Content or Media Status',
  7: 'Security or Policy Status',
};

const RFC3463 = 'RFC 3463';
const RFC4954 = 'RFC 4954';
const RFC5248 = 'RFC 5248';
const RFC6531 = 'RFC 6531';
const RFC6710 = 'RFC 6710';
const RFC7293 = 'RFC 7293';
const NONE = 'Not given';

// [code, name, associated reply codes, reference], in the registry's order.
const RECORDS: readonly (readonly [string, string, string, string])[] = [
  ['X.0.0', 'Other undefined Status', 'Any', RFC3463],
  ['X.1.0', 'Other address status', NONE, RFC3463],
  ['X.1.1', 'Bad destination mailbox address', '451, 550', RFC3463],
  ['X.1.2', 'Bad destination system address', NONE, RFC3463],
  ['X.1.3', 'Bad destination mailbox address syntax', '501', RFC3463],
  ['X.1.4', 'Destination mailbox address ambiguous', NONE, RFC3463],
  ['X.1.5', 'Destination address valid', '250', RFC3463],
  ['X.1.6', 'Destination mailbox has moved, No forwarding address', NONE, RFC3463],
  ['X.1.7', "Bad sender's mailbox address syntax", NONE, RFC3463],
  ['X.1.8', "Bad sender's system address", '451, 501', RFC3463],
  ['X.1.9', 'Message relayed to non-compliant mailer', NONE, 'RFC 3886'],
  ['X.1.10', 'Recipient address has null MX', '556', 'RFC 7505; RFC 7504'],
  ['X.2.0', 'Other or undefined mailbox status', NONE, RFC3463],
  ['X.2.1', 'Mailbox disabled, not accepting messages', NONE, RFC3463],
  ['X.2.2', 'Mailbox full', '552', RFC3463],
  ['X.2.3', 'Message length exceeds administrative limit', '552', RFC3463],
  ['X.2.4', 'Mailing list expansion problem', '450, 452', RFC3463],
  ['X.3.0', 'Other or undefined mail system status', '221, 250, 421, 451, 550, 554', RFC3463],
  ['X.3.1', 'Mail system full', '452', RFC3463],
  ['X.3.2', 'System not accepting network messages', '453, 521', 'RFC 3463; RFC 7504'],
  ['X.3.3', 'System not capable of selected features', NONE, RFC3463],
  ['X.3.4', 'Message too big for system', '552, 554', RFC3463],
  ['X.3.5', 'System incorrectly configured', NONE, RFC3463],
  ['X.3.6', 'Requested priority was changed', '250 or 251', RFC6710],
  ['X.4.0', 'Other or undefined network or routing status', NONE, RFC3463],
  ['X.4.1', 'No answer from host', '451', RFC3463],
  ['X.4.2', 'Bad connection', '421', RFC3463],
  ['X.4.3', 'Directory server failure', '451, 550', RFC3463],
  ['X.4.4', 'Unable to route', NONE, RFC3463],
  ['X.4.5', 'Mail system congestion', '451', RFC3463],
  ['X.4.6', 'Routing loop detected', NONE, RFC3463],
  ['X.4.7', 'Delivery time expired', NONE, RFC3463],
  [
    'X.5.0',
    'Other or undefined protocol status',
    '220, 250, 251, 252, 253, 451, 452, 454, 458, 459, 501, 502, 503, 554',
    RFC3463,
  ],
  ['X.5.1', 'Invalid command', '430, 500, 501, 503, 530, 550, 554, 555', RFC3463],
  ['X.5.2', 'Syntax error', '500, 501, 502, 550, 555', RFC3463],
  ['X.5.3', 'Too many recipients', '451', RFC3463],
  ['X.5.4', 'Invalid command arguments', '451, 501, 502, 503, 504, 550, 555', RFC3463],
  ['X.5.5', 'Wrong protocol version', NONE, RFC3463],
  ['X.5.6', 'Authentication Exchange line is too long', '500', RFC4954],
  ['X.6.0', 'Other or undefined media error', NONE, RFC3463],
  ['X.6.1', 'Media not supported', NONE, RFC3463],
  ['X.6.2', 'Conversion required and prohibited', NONE, RFC3463],
  ['X.6.3', 'Conversion required but not supported', '554', RFC3463],
  ['X.6.4', 'Conversion with loss performed', '250', RFC3463],
  ['X.6.5', 'Conversion Failed', NONE, RFC3463],
  ['X.6.6', 'Message content not available', '554', 'RFC 4468'],
  ['X.6.7', 'Non-ASCII addresses not permitted for that sender/recipient', '553, 550', RFC6531],
  [
    'X.6.8',
    'UTF-8 string reply is required, but not permitted by the SMTP client',
    '252, 553, 550',
    RFC6531,
  ],
  [
    'X.6.9',
    'UTF-8 header message cannot be transferred to one or more recipients, ' +
      'so the message must be rejected',
    '550',
    RFC6531,
  ],
  ['X.6.10', 'Deprecated: a duplicate of X.6.8', NONE, RFC6531],
  [
    'X.7.0',
    'Other or undefined security status',
    '220, 235, 450, 454, 500, 501, 503, 504, 530, 535, 550',
    RFC3463,
  ],
  [
    'X.7.1',
    'Delivery not authorized, message refused',
    '451, 454, 502, 503, 533, 550, 551',
    RFC3463,
  ],
  ['X.7.2', 'Mailing list expansion prohibited', '550', RFC3463],
  ['X.7.3', 'Security conversion required but not possible', NONE, RFC3463],
  ['X.7.4', 'Security features not supported', '504', RFC3463],
  ['X.7.5', 'Cryptographic failure', NONE, RFC3463],
  ['X.7.6', 'Cryptographic algorithm not supported', NONE, RFC3463],
  ['X.7.7', 'Message integrity failure', NONE, RFC3463],
  ['X.7.8', 'Authentication credentials invalid', '535, 554', RFC4954],
  ['X.7.9', 'Authentication mechanism is too weak', '534', RFC4954],
  ['X.7.10', 'Encryption Needed', '523', RFC5248],
  ['X.7.11', 'Encryption required for requested authentication mechanism', '524, 538', RFC4954],
  ['X.7.12', 'A password transition is needed', '422, 432', RFC4954],
  ['X.7.13', 'User Account Disabled', '525', RFC5248],
  ['X.7.14', 'Trust relationship required', '535, 554', RFC5248],
  ['X.7.15', 'Priority Level is too low', '450, 550 (other 4XX or 5XX codes are allowed)', RFC6710],
  [
    'X.7.16',
    'Message is too big for the specified priority',
    '552 (other 4XX or 5XX codes are allowed)',
    RFC6710,
  ],
  ['X.7.17', 'Mailbox owner has changed', '5XX', RFC7293],
  ['X.7.18', 'Domain owner has changed', '5XX', RFC7293],
  ['X.7.19', 'RRVS test cannot be completed', '5XX', RFC7293],
  ['X.7.20', 'No passing DKIM signature found', '550', 'RFC 7372; RFC 6376'],
  ['X.7.21', 'No acceptable DKIM signature found', '550', 'RFC 7372; RFC 6376'],
  ['X.7.22', 'No valid author-matched DKIM signature found', '550', 'RFC 7372; RFC 6376'],
  ['X.7.23', 'SPF validation failed', '550', 'RFC 7372; RFC 7208'],
  ['X.7.24', 'SPF validation error', '451/550', 'RFC 7372; RFC 7208'],
  ['X.7.25', 'Reverse DNS validation failed', '550', 'RFC 7372 §3.3'],
  ['X.7.26', 'Multiple authentication checks failed', '550', 'RFC 7372'],
  ['X.7.27', 'Sender address has null MX', '550', 'RFC 7505'],
  ['X.7.28', 'Mail flood detected', NONE, 'draft-levine-mailbomb-header'],
  ['X.7.29', 'ARC validation failure', '550', 'RFC 8617'],
  ['X.7.30', 'REQUIRETLS support required', '550', 'RFC 8689'],
];

/** Every enumerated code, by `subject.detail` (`7.26`). */
export const REGISTERED_CODES: ReadonlyMap<string, RegisteredCode> = new Map(
  RECORDS.map(([code, name, replyCodes, reference]) => [
    code.slice(2),
    { code, name, replyCodes, reference },
  ]),
);
