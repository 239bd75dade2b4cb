/**
 * The enhanced subjects (RFC 3463 §3) that each kind of cause fits, shared
 * by the table's files. A reply whose enhanced code has another subject is
 * not given the cause: a `5.1.1` names an address, so no block list, DMARC
 * or AUTH cause fits it, whatever else its text mentions. Subject 0 (other
 * or undefined) fits every kind, since it says nothing.
 */

/** Security or policy (X.7.x): block lists, SPF, DKIM, DMARC, reputation. */
export const POLICY = [0, 7] as const;

/** Commands refused as protocol (X.5.x) or as policy (X.7.x): AUTH, STARTTLS, EHLO. */
export const PROTOCOL_OR_POLICY = [0, 5, 7] as const;

/** Relaying: a policy (X.7.x) about routing (X.4.x). */
export const RELAY = [0, 4, 7] as const;

/** The sender's address (X.1.7, X.1.8) or a policy about it (X.7.x). */
export const SENDER_ADDRESS = [0, 1, 7] as const;

/** The recipient's address (X.1.x) or mailbox (X.2.x). */
export const RECIPIENT_ADDRESS = [0, 1, 2] as const;

/** The recipient's mailbox (X.2.x). */
export const MAILBOX = [0, 2] as const;

/** The receiving system (X.3.x). */
export const SYSTEM = [0, 3] as const;

/** A size limit: of the mailbox (X.2.3) or of the system (X.3.4). */
export const SIZE = [0, 2, 3] as const;

/** The message's content (X.6.x) or a policy about it (X.7.x). */
export const CONTENT = [0, 6, 7] as const;

/** How the message was sent on the wire: protocol (X.5.x) or content (X.6.x). */
export const LINE_ENDINGS = [0, 5, 6] as const;

/** Deferrals, which servers file under mailbox, system, network or policy subjects. */
export const DEFERRAL = [0, 2, 3, 4, 7] as const;

/** Too many recipients (X.5.3). */
export const RECIPIENT_COUNT = [0, 5] as const;

/** A connection that timed out (X.4.2). */
export const TIMEOUT = [0, 4] as const;
