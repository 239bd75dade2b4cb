/**
 * The stages of an SMTP session as smtp-probe names them: the words used in
 * the transcript, in timings, in errors and (later) in JSON and --quit-after.
 */
export type Stage =
  | 'resolve'
  | 'connect'
  | 'tls'
  | 'greeting'
  | 'ehlo'
  | 'starttls'
  | 'auth'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'message'
  | 'quit'
  /** Any other command a scenario sends: NOOP, RSET, VRFY, HELP, XCLIENT… */
  | 'command';

/** How a stage is named in a sentence ("no reply to EHLO"). */
export function describeStage(stage: Stage): string {
  switch (stage) {
    case 'resolve':
      return 'name resolution';
    case 'connect':
      return 'connect';
    case 'tls':
      return 'TLS';
    case 'greeting':
      return 'greeting';
    case 'ehlo':
      return 'EHLO';
    case 'starttls':
      return 'STARTTLS';
    case 'auth':
      return 'AUTH';
    case 'mail':
      return 'MAIL FROM';
    case 'rcpt':
      return 'RCPT TO';
    case 'data':
      return 'DATA';
    case 'message':
      return 'the message';
    case 'quit':
      return 'QUIT';
    case 'command':
      return 'the command';
  }
}
