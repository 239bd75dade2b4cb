/** The scenario parser on plain strings: steps, expects, variables, and every syntax error. */
import { describe, expect, it } from 'vitest';
import { MAX_STEPS, parseScenario } from '../../src/scenario/parse.js';
import { expandVariables } from '../../src/scenario/variables.js';
import { UsageError } from '../../src/errors.js';

const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseScenario(text, 'x.smtp', env);

/** The message of the usage error a scenario draws. */
function problem(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('the scenario parsed');
}

describe('steps', () => {
  it(
    'when the script has no connect then an implicit one ' +
      'comes first and takes leading expects',
    () => {
      const scenario = parse('# a comment\n\nexpect 220\nsend EHLO a.test\nexpect 250 within 2s\n');

      expect(scenario.steps.map((step) => step.kind)).toEqual(['connect', 'send']);
      expect(scenario.connect.line).toBe(0);
      expect(scenario.connect.expects.map((clause) => clause.line)).toEqual([3]);
      const send = scenario.steps[1]!;
      expect(send).toMatchObject({ kind: 'send', stage: 'ehlo', line: 4, number: 2 });
      expect(send.kind === 'send' && send.expects[0]!.withinMs).toBe(2000);
    },
  );

  it('when a send names a verb then its stage follows; unknown verbs are the command stage', () => {
    const verbs = [
      'EHLO a',
      'helo a',
      'MAIL FROM:<>',
      'RCPT TO:<a@b>',
      'DATA',
      'QUIT',
      'NOOP',
      'XCLIENT A=b',
    ];
    const scenario = parse(verbs.map((verb) => `send ${verb}`).join('\n'));
    const stages = scenario.steps.slice(1).map((step) => (step.kind === 'send' ? step.stage : ''));

    expect(stages).toEqual(['ehlo', 'ehlo', 'mail', 'rcpt', 'data', 'quit', 'command', 'command']);
  });

  it('when an expect holds several matchers and a pattern with spaces then each is kept', () => {
    const scenario = parse('expect 220 2xx 2.0.0 /ready for mail/i within 500ms');
    const clause = scenario.connect.expects[0]!;

    expect(clause.matchers.map((matcher) => matcher.kind)).toEqual([
      'code',
      'class',
      'enhanced',
      'pattern',
    ]);
    expect(clause.withinMs).toBe(500);
  });

  it('when a pattern ends in "within 5s/" then it stays a pattern', () => {
    const clause = parse('expect /done within 5s/').connect.expects[0]!;

    expect(clause.withinMs).toBeUndefined();
    expect(clause.matchers[0]).toMatchObject({ kind: 'pattern' });
  });

  it('when data has a here-document then its lines are the message, variables expanded', () => {
    const scenario = parse('data <<END\nSubject: ${S}\n\n.dot\nEND\nquit', { S: 'hi' });
    const data = scenario.steps[1]!;

    expect(data.kind === 'data' && data.message?.toString()).toBe('Subject: hi\r\n\r\n.dot\r\n');
    expect(scenario.steps[2]).toMatchObject({ kind: 'quit', line: 6 });
  });

  it(
    'when auth names password-env then the secret is read ' +
      'from it, and the text keeps the name',
    () => {
      const scenario = parse('auth plain bob password-env=PW', { PW: 's3cret' });

      expect(scenario.steps[1]).toMatchObject({
        kind: 'auth',
        mechanism: 'PLAIN',
        user: 'bob',
        secret: 's3cret',
      });
      expect(scenario.steps[1]!.text).not.toContain('s3cret');
    },
  );
});

describe('syntax errors name the file and line', () => {
  it.each([
    ['send EHLO a\nfrobnicate\n', 'x.smtp:2: unknown step "frobnicate"'],
    ['send EHLO a\nwait 1s\nexpect 250', 'x.smtp:3: expect must follow a step that draws a reply'],
    ['send EHLO a\nconnect 127.0.0.1', 'x.smtp:2: connect must be the first step'],
    ['quit\nsend NOOP', 'x.smtp:2: nothing but expect may follow quit (line 1)'],
    ['close\nexpect 221', 'x.smtp:2: nothing but expect may follow close'],
    ['send NOOP\nexpect 25', 'x.smtp:2: expected a reply code (250)'],
    ['expect /unclosed', 'x.smtp:1: expected a reply code (250), a class (2xx), an enhanced'],
    ['expect /(/', 'x.smtp:1: invalid pattern /(/'],
    ['expect', 'x.smtp:1: expect needs a reply code'],
    ['expect 250 within 5x', 'x.smtp:1: invalid within "5x"'],
    ['wait forever', 'x.smtp:1: invalid wait "forever"'],
    ['send', 'x.smtp:1: send needs a command'],
    ['starttls now', 'x.smtp:1: starttls takes nothing after it'],
    ['auth plain', 'x.smtp:1: expected auth MECHANISM USER [password-env=NAME]'],
    ['auth rot13 bob', 'x.smtp:1: unknown AUTH mechanism "rot13"'],
    [
      'auth plain bob hunter2',
      'x.smtp:1: expected auth MECHANISM USER [password-env=NAME], not "hunter2"',
    ],
    [
      'auth plain bob password-env=NOPE',
      'x.smtp:1: password-env=NOPE: the variable is not set or empty',
    ],
    ['data', 'x.smtp:1: expected data <<END (lines up to END) or data < FILE'],
    [
      'send NOOP\ndata <<END\nSubject: x\n',
      'x.smtp:2: the here-document never ends: expected a line "END"',
    ],
    ['data <<END\nok\n${MISSING}\nEND', 'x.smtp:3: the variable MISSING is not set'],
  ])('when the script is %j then the error says %j', (text, message) => {
    expect(problem(text)).toContain(message);
  });

  it('when a variable holds a line break then the send is refused before connecting', () => {
    expect(problem('send MAIL FROM:<${A}>', { A: 'a@b>\r\nRCPT TO:<c@d' })).toBe(
      'x.smtp:1: the command holds CR, LF or NUL (from a variable?)',
    );
  });

  it('when the script has no steps then it says so', () => {
    expect(problem('# only a comment\n')).toBe('x.smtp: the scenario has no steps');
  });

  it(`when the script has more than ${MAX_STEPS} steps then it is refused`, () => {
    expect(problem('send NOOP\n'.repeat(MAX_STEPS + 1))).toBe(
      `x.smtp:${MAX_STEPS + 1}: more than ${MAX_STEPS} steps`,
    );
  });
});

describe('variables', () => {
  it('when ${NAME} is set then it is replaced; $$ is one $; a lone $ stays', () => {
    expect(expandVariables('a ${X} $$5 /ok$/ ${Y}', { X: 'x', Y: '' })).toBe('a x $5 /ok$/ ');
  });

  it.each([
    ['${NOPE}', 'the variable NOPE is not set'],
    ['${1X}', '"${1X}" is not a variable name'],
    ['${OPEN', '"${" without its closing "}"'],
  ])('when the text is %j then the problem is %j', (text, message) => {
    expect(() => expandVariables(text, {})).toThrow(message);
  });

  it('when a comment names an unset variable then nothing is expanded there', () => {
    expect(() => parse('# ${NOT_SET}\nsend NOOP')).not.toThrow();
  });
});
