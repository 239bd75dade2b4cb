/**
 * The published JSON Schemas (docs/schema/), compiled once: every test of a
 * JSON-producing mode validates what it got against them, so the schema
 * and the code cannot drift apart unnoticed.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

/**
 * A parsed document, loosely typed on purpose: the schema has checked its
 * shape, and tests read deep fields without a cast at every step.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Parsed = any;

const SCHEMA_DIR = new URL('../../docs/schema/', import.meta.url);

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(new URL(name, SCHEMA_DIR), 'utf8')) as object;
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
ajv.addSchema(loadSchema('report.schema.json'));
ajv.addSchema(loadSchema('event.schema.json'));
ajv.addSchema(loadSchema('repeat.schema.json'));
ajv.addSchema(loadSchema('output.schema.json'));
ajv.addSchema(loadSchema('explain.schema.json'));

function validator(id: string): ValidateFunction {
  const validate = ajv.getSchema(`https://smtp-probe.invalid/schema/${id}`);
  if (!validate) throw new Error(`schema ${id} not found`);
  return validate;
}

/** Fails the test, naming every violation, unless the value is valid against the schema. */
function expectValid(validate: ValidateFunction, value: unknown): void {
  const valid = validate(value);
  expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual([]);
}

/** Parses --json output and checks it against report.schema.json. */
export function parseReport(stdout: string): Parsed {
  const report = JSON.parse(stdout) as Parsed;
  expectValid(validator('report.schema.json'), report);
  return report;
}

/** Parses --format ndjson output, checking each line against event.schema.json. */
export function parseEvents(stdout: string): Parsed[] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  return lines.map((line) => {
    const event = JSON.parse(line) as Parsed;
    expectValid(validator('event.schema.json'), event);
    return event;
  });
}

/** Parses --json output of any shape (report, repeat, array) and checks it. */
export function parseOutput(stdout: string): Parsed {
  const output = JSON.parse(stdout) as Parsed;
  expectValid(validator('output.schema.json'), output);
  return output;
}

/** Parses `smtp-probe explain --json` output and checks it against explain.schema.json. */
export function parseExplain(stdout: string): Parsed {
  const document = JSON.parse(stdout) as Parsed;
  expectValid(validator('explain.schema.json'), document);
  return document;
}
