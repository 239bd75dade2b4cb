/**
 * Variables in a scenario: `${NAME}` is replaced by the environment
 * variable NAME, `$$` by one `$`; any other `$` stands for itself, so that
 * a pattern like /ok$/ needs no escaping.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What went wrong expanding a line; the parser adds the file and line. */
export class VariableProblem extends Error {}

/** Replaces every `${NAME}` and `$$` in the text; an undefined variable is a problem. */
export function expandVariables(text: string, env: NodeJS.ProcessEnv): string {
  let result = '';
  let at = 0;

  for (let dollar = text.indexOf('$'); dollar !== -1; dollar = text.indexOf('$', at)) {
    result += text.slice(at, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      result += '$';
      at = dollar + 2;
    } else if (next === '{') {
      const end = text.indexOf('}', dollar + 2);
      result += lookUp(end === -1 ? undefined : text.slice(dollar + 2, end), env);
      at = end + 1;
    } else {
      result += '$';
      at = dollar + 1;
    }
  }
  return result + text.slice(at);
}

function lookUp(name: string | undefined, env: NodeJS.ProcessEnv): string {
  if (name === undefined) throw new VariableProblem('"${" without its closing "}"');
  if (!NAME.test(name)) {
    throw new VariableProblem(`"\${${name}}" is not a variable name (letters, digits, _)`);
  }
  const value = env[name];
  if (value === undefined) throw new VariableProblem(`the variable ${name} is not set`);
  return value;
}
