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

/** The stage a command's reply belongs to, by its verb; other verbs are `command`. */
export function stageOfVerb(verb: string): Stage {
  return STAGE_OF_VERB[verb.toUpperCase()] ?? 'command';
}

const STAGE_OF_VERB: Readonly<Record<string, Stage>> = {
  EHLO: 'ehlo',
  HELO: 'ehlo',
  LHLO: 'ehlo',
  STARTTLS: 'starttls',
  AUTH: 'auth',
  MAIL: 'mail',
  RCPT: 'rcpt',
  DATA: 'data',
  BDAT: 'data',
  QUIT: 'quit',
};

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
