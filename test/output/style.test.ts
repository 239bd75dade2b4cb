import { describe, expect, it } from 'vitest';
import { colorLevel, createStyle } from '../../src/output/style.js';

describe('colorLevel', () => {
  const tty = { colorFlag: true, isTty: true };

  it('when stdout is a terminal then there is colour', () => {
    expect(colorLevel({ ...tty, env: {} })).toBe(1);
    expect(colorLevel({ ...tty, env: { TERM: 'xterm-256color' } })).toBe(2);
    expect(colorLevel({ ...tty, env: { COLORTERM: 'truecolor' } })).toBe(3);
  });

  it(
    'when stdout is not a terminal, or NO_COLOR or ' +
      '--no-color or TERM=dumb, then there is none',
    () => {
      expect(colorLevel({ ...tty, isTty: false, env: {} })).toBe(0);
      expect(colorLevel({ ...tty, env: { NO_COLOR: '1' } })).toBe(0);
      expect(colorLevel({ ...tty, colorFlag: false, env: { FORCE_COLOR: '1' } })).toBe(0);
      expect(colorLevel({ ...tty, env: { TERM: 'dumb' } })).toBe(0);
    },
  );

  it('when NO_COLOR is empty then it does not count', () => {
    expect(colorLevel({ ...tty, env: { NO_COLOR: '' } })).toBe(1);
  });

  it('when FORCE_COLOR is set then it wins over a pipe and NO_COLOR', () => {
    expect(colorLevel({ ...tty, isTty: false, env: { FORCE_COLOR: '1' } })).toBe(1);
    expect(colorLevel({ ...tty, isTty: false, env: { FORCE_COLOR: '3', NO_COLOR: '1' } })).toBe(3);
    expect(colorLevel({ ...tty, env: { FORCE_COLOR: '0' } })).toBe(0);
  });
});

describe('createStyle', () => {
  it('when replies are coloured then each class has its colour', () => {
    const style = createStyle(1);
    expect(style.reply(250, 'ok')).toBe('\x1b[32mok\x1b[39m');
    expect(style.reply(354, 'go')).toBe('\x1b[36mgo\x1b[39m');
    expect(style.reply(451, 'later')).toBe('\x1b[33mlater\x1b[39m');
    expect(style.reply(550, 'no')).toBe('\x1b[31mno\x1b[39m');
  });

  it('when the level is 0 then nothing is coloured', () => {
    expect(createStyle(0).reply(550, 'no')).toBe('no');
  });
});
