/**
 * The EHLO reply (RFC 5321 §4.1.1.1): the first line names the server, each
 * further line an extension keyword with its parameters.
 */
import type { Reply } from './reply.js';

/** One advertised extension: keyword (uppercase, as on the wire) and parameters. */
export interface Extension {
  readonly keyword: string;
  readonly params: readonly string[];
}

/** The extensions a server advertised in one EHLO reply, looked up by keyword. */
export class ExtensionSet {
  readonly list: readonly Extension[];
  private readonly byKeyword: ReadonlyMap<string, Extension>;

  constructor(list: readonly Extension[]) {
    this.list = list;
    this.byKeyword = new Map(list.map((extension) => [extension.keyword, extension]));
  }

  /** True when the keyword was advertised; keywords compare case-insensitively. */
  has(keyword: string): boolean {
    return this.byKeyword.has(keyword.toUpperCase());
  }

  /** The parameters of an advertised extension, or undefined when absent. */
  params(keyword: string): readonly string[] | undefined {
    return this.byKeyword.get(keyword.toUpperCase())?.params;
  }

  /** The keywords in the order advertised. */
  get keywords(): string[] {
    return this.list.map((extension) => extension.keyword);
  }
}

/**
 * Reads the extensions out of an EHLO reply. Keywords are case-insensitive
 * (RFC 5321 §2.4), so they are kept uppercase. Old Microsoft servers also
 * send `AUTH=LOGIN`, the pre-standard form; its mechanisms are merged into
 * AUTH rather than listed as a keyword of their own.
 */
export function parseExtensions(reply: Reply): ExtensionSet {
  const merged = new Map<string, string[]>();

  for (const line of reply.lines.slice(1)) {
    const [word, ...params] = line.text.trim().split(/\s+/);
    if (word === undefined || word === '') continue;

    const [keyword, legacyParam] = splitLegacyForm(word.toUpperCase());
    const known = merged.get(keyword) ?? [];
    const added = legacyParam === undefined ? params : [legacyParam, ...params];
    merged.set(keyword, [...known, ...added.filter((param) => !known.includes(param))]);
  }

  return new ExtensionSet([...merged].map(([keyword, params]) => ({ keyword, params })));
}

function splitLegacyForm(word: string): [string, string | undefined] {
  const equals = word.indexOf('=');
  if (equals <= 0 || word.slice(0, equals) !== 'AUTH') return [word, undefined];
  return ['AUTH', word.slice(equals + 1) || undefined];
}
