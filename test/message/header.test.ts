import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseHeaderOption } from '../../src/message/header.js';

describe('parseHeaderOption', () => {
  it('when the text is "Name: value" then name and value are split at the first colon', () => {
    expect(parseHeaderOption('X-Test: hello world')).toEqual({
      name: 'X-Test',
      value: 'hello world',
    });
    expect(parseHeaderOption('X-Url:\thttps://example.test:8080/')).toEqual({
      name: 'X-Url',
      value: 'https://example.test:8080/',
    });
  });

  it('when the value is empty or has no space after the colon then it is still accepted', () => {
    expect(parseHeaderOption('X-Empty:')).toEqual({ name: 'X-Empty', value: '' });
    expect(parseHeaderOption('X-Tight:1')).toEqual({ name: 'X-Tight', value: '1' });
  });

  it('when the value holds CRLF then it is refused, naming the carriage return', () => {
    const injection = 'X-Test: a\r\nBcc: victim@example.test';
    expect(() => parseHeaderOption(injection)).toThrow(UsageError);
    expect(() => parseHeaderOption(injection)).toThrow(
      '--header "X-Test: a\r\nBcc: victim@example.test" contains a carriage return (CR) ' +
        'at character 10',
    );
  });

  it('when the value holds a bare LF, a bare CR or NUL then each is refused by name', () => {
    expect(() => parseHeaderOption('X-Test: a\nRCPT TO:<x@example.test>')).toThrow(
      'a line feed (LF) at character 10',
    );
    expect(() => parseHeaderOption('X-Test: a\rb')).toThrow('a carriage return (CR)');
    expect(() => parseHeaderOption('X-Test: a\0b')).toThrow('a NUL byte at character 10');
    expect(() => parseHeaderOption('X-\nTest: a')).toThrow('a line feed (LF) at character 3');
  });

  it('when there is no colon then it is refused with the expected form as hint', () => {
    try {
      parseHeaderOption('X-Test hello');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toBe('--header "X-Test hello" has no colon');
      expect((error as UsageError).hint).toContain('"Name: value"');
    }
  });

  it('when the name is empty then it is refused', () => {
    expect(() => parseHeaderOption(': value')).toThrow('--header has an empty name');
  });

  it('when the name holds a space, a control or a non-ASCII character then it is refused', () => {
    for (const text of [
      'Bad Name: x',
      'Subject : x',
      'X-T\test: x',
      'Prüfung: x',
      'X-\x1b[2J: x',
    ]) {
      expect(() => parseHeaderOption(text), text).toThrow(/--header name ".*" is not valid/);
    }
  });

  it('when the value holds a control character other than TAB then it is refused', () => {
    expect(() => parseHeaderOption('X-Test: a\x1b[31mb')).toThrow(
      'has a control character in its value',
    );
    expect(parseHeaderOption('X-Test: a\tb').value).toBe('a\tb');
  });

  it('when the name holds a control character then the error quotes it as typed', () => {
    // The CLI escapes the whole message on its way out; escaping here too would double it.
    expect(() => parseHeaderOption('X-\x1b[31m: x')).toThrow('--header name "X-\x1b[31m"');
  });

  it('when the name uses every printable ASCII character but colon then it is accepted', () => {
    const name = '!"#$%&\'()*+,-./0123456789;<=>?@AZ[\\]^_`az{|}~';
    expect(parseHeaderOption(`${name}: v`).name).toBe(name);
  });
});
