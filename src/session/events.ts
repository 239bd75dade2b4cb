/**
 * What a session reports as it goes. The transcript renders these as they
 * arrive, so a user watching a slow server sees each step when it happens;
 * the session log (log.ts) pairs them into exchanges for machine formats.
 */
import type { ProbeError } from '../errors.js';
import type { Command } from '../protocol/command.js';
import type { ProtocolWarning, Reply } from '../protocol/reply.js';
import type { TlsSession } from '../transport/tls-session.js';
import type { Stage } from './stage.js';

export type SessionEvent =
  | {
      readonly type: 'resolved';
      readonly host: string;
      readonly addresses: string[];
      readonly ms: number;
    }
  | { readonly type: 'connecting'; readonly address: string; readonly port: number }
  | { readonly type: 'connect-failed'; readonly message: string }
  | {
      readonly type: 'connected';
      readonly address: string;
      readonly port: number;
      readonly localAddress: string;
      readonly ms: number;
    }
  | { readonly type: 'tls'; readonly session: TlsSession }
  | {
      readonly type: 'command';
      readonly stage: Stage;
      readonly command: Command;
      readonly secure: boolean;
    }
  /** Message content was sent: described, never printed. */
  | {
      readonly type: 'content';
      readonly stage: Stage;
      readonly summary: string;
      readonly secure: boolean;
    }
  | { readonly type: 'waiting'; readonly stage: Stage; readonly secure: boolean }
  | {
      readonly type: 'reply';
      readonly stage: Stage;
      readonly reply: Reply;
      /** From the command's last byte (the greeting: from connect) to the final line. */
      readonly latencyMs: number;
      readonly secure: boolean;
      /** A reply that came when no command was waiting for one. */
      readonly unsolicited: boolean;
    }
  | { readonly type: 'warning'; readonly warning: ProtocolWarning }
  /** What had arrived of a reply that never completed (QUIT's, say). */
  | { readonly type: 'received'; readonly received: readonly Buffer[]; readonly secure: boolean }
  /** The error that ends the session, reported when it happens (before any QUIT). */
  | { readonly type: 'failed'; readonly error: ProbeError; readonly secure: boolean }
  | { readonly type: 'note'; readonly text: string };

/** Receives session events; the CLI passes the transcript renderer. */
export type SessionObserver = (event: SessionEvent) => void;
