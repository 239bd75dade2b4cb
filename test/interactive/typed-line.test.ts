import { describe, expect, it } from 'vitest';
import { displayOf, isSecretInput, readTypedLine } from '../../src/interactive/typed-line.js';

describe('readTypedLine', () => {
  it('when a line starts with / then it is a tool command, never SMTP', () => {
    expect(readTypedLine('/save out.txt', 'command')).toEqual({
      kind: 'tool',
      name: '/save',
      argument: 'out.txt',
    });
    expect(readTypedLine('/nonsense', 'command')).toEqual({
      kind: 'unknown-tool',
      name: '/nonsense',
    });
  });

  it('when a line starts with // then one slash is dropped and the rest is sent', () => {
    expect(readTypedLine('//x', 'command')).toMatchObject({ kind: 'command', wire: '/x' });
  });

  it('when BDAT is typed, in any case, then it is refused and DATA suggested', () => {
    for (const line of ['BDAT 10 LAST', 'bdat 0']) {
      expect(readTypedLine(line, 'command')).toEqual({
        kind: 'refused',
        reason: expect.stringMatching(/^BDAT cannot work .*: use DATA$/),
      });
    }
  });

  it('when a line holds CR, LF or NUL then it is refused', () => {
    for (const line of ['NOOP\rRSET', 'NOOP\nRSET', 'NOOP\0']) {
      expect(readTypedLine(line, 'command').kind).toBe('refused');
      expect(readTypedLine(line, 'data').kind).toBe('refused');
    }
  });

  it(
    'when AUTH names a known mechanism alone ' + 'then the helper runs; with more it is a secret',
    () => {
      expect(readTypedLine('auth login', 'command')).toEqual({
        kind: 'auth-helper',
        mechanism: 'LOGIN',
      });
      const typed = readTypedLine('AUTH PLAIN AGJvYgBwdw==', 'command');
      expect(typed).toMatchObject({ kind: 'command', verb: 'AUTH', secret: true });
      expect(displayOf(typed as never)).toBe('AUTH PLAIN <initial response hidden>');
      expect(readTypedLine('AUTH GSSAPI', 'command')).toMatchObject({ secret: false });
    },
  );

  it('when in DATA then / lines are text, dotted lines are stuffed and a lone dot ends', () => {
    expect(readTypedLine('/quit', 'data')).toEqual({
      kind: 'message-line',
      wire: '/quit',
      stuffed: false,
    });
    expect(readTypedLine('.x', 'data')).toEqual({
      kind: 'message-line',
      wire: '..x',
      stuffed: true,
    });
    expect(readTypedLine('.', 'data')).toEqual({ kind: 'end-of-message' });
  });

  it('when a SASL response is typed then it is hidden, except the cancelling *', () => {
    expect(readTypedLine('c2VjcmV0', 'auth-response')).toMatchObject({ secret: true });
    expect(readTypedLine('*', 'auth-response')).toMatchObject({ secret: false });
  });
});

describe('isSecretInput', () => {
  it('when AUTH gets its argument then the echo stops, not before', () => {
    expect(isSecretInput('AUTH PLAIN', 'command')).toBe(false);
    expect(isSecretInput('AUTH PLAIN ', 'command')).toBe(false);
    expect(isSecretInput('auth plain A', 'command')).toBe(true);
    expect(isSecretInput('x', 'auth-response')).toBe(true);
    expect(isSecretInput('AUTH PLAIN A', 'data')).toBe(false);
  });
});
