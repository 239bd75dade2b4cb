/**
 * The texts of MTA-STS (RFC 8461): the TXT record at _mta-sts.DOMAIN that
 * says a policy exists, the policy file itself, and the mx patterns an MX
 * host must match.
 */

/** The TXT record's fields (RFC 8461 §3.1). */
export interface MtaStsRecord {
  readonly id: string;
}

/** The policy file's fields (RFC 8461 §3.2). */
export interface MtaStsPolicy {
  readonly version: string | undefined;
  readonly mode: string | undefined;
  readonly mx: readonly string[];
  readonly maxAge: number | undefined;
  /** What is wrong with it, in words; empty when nothing is. */
  readonly problems: readonly string[];
}

/** RFC 8461 §3.2: max_age may be at most 31557600 seconds (about a year). */
const MAX_AGE_LIMIT = 31_557_600;
const MODES = ['enforce', 'testing', 'none'];

/**
 * Picks the STSv1 record among the TXT strings of _mta-sts.DOMAIN; more
 * than one is as good as none (RFC 8461 §3.1). Returns a problem in words
 * when there are records but no usable one.
 */
export function parseMtaStsRecords(texts: readonly string[]): MtaStsRecord | string | undefined {
  const records = texts.filter((text) => /^v=STSv1(;|$)/.test(text.trim()));
  if (records.length === 0) return undefined;
  if (records.length > 1) return 'more than one v=STSv1 record: senders treat that as no policy';

  const fields = new Map(
    records[0]!.split(';').flatMap((field) => {
      const at = field.indexOf('=');
      return at === -1 ? [] : [[field.slice(0, at).trim(), field.slice(at + 1).trim()] as const];
    }),
  );
  const id = fields.get('id');
  if (id === undefined || !/^[A-Za-z0-9]{1,32}$/.test(id)) {
    return `the v=STSv1 record has no valid id (1 to 32 letters and digits): "${records[0]}"`;
  }
  return { id };
}

/** Parses a policy file: "key: value" lines, LF or CRLF; mx may repeat. */
export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  const fields = text
    .split(/\r?\n/)
    .map((line) => /^([A-Za-z0-9_]+):[ \t]*(.*?)[ \t]*$/.exec(line))
    .flatMap((match) => (match ? [[match[1]!, match[2]!] as const] : []));
  const first = (key: string): string | undefined => fields.find(([k]) => k === key)?.[1];
  const maxAgeText = first('max_age');
  const maxAge =
    maxAgeText !== undefined && /^\d{1,10}$/.test(maxAgeText) ? Number(maxAgeText) : undefined;
  const policy = {
    version: first('version'),
    mode: first('mode'),
    mx: fields.filter(([key]) => key === 'mx').map(([, value]) => value.toLowerCase()),
    maxAge,
  };
  return { ...policy, problems: judgePolicy(policy, maxAgeText) };
}

function judgePolicy(
  policy: Omit<MtaStsPolicy, 'problems'>,
  maxAgeText: string | undefined,
): string[] {
  const problems: string[] = [];
  if (policy.version !== 'STSv1')
    problems.push(`version is ${policy.version ?? 'missing'}, not STSv1`);
  if (!MODES.includes(policy.mode ?? '')) {
    problems.push(`mode is ${policy.mode ?? 'missing'}, not enforce, testing or none`);
  }
  if (policy.maxAge === undefined || policy.maxAge > MAX_AGE_LIMIT) {
    problems.push(
      `max_age is ${maxAgeText ?? 'missing'}, not a number of seconds up to ${MAX_AGE_LIMIT}`,
    );
  }
  if (policy.mx.length === 0 && policy.mode !== 'none') problems.push('no mx line');
  return problems;
}

/**
 * Tells whether a host matches an mx pattern: the same name, or for
 * `*.example.test` any name with exactly one more label in front
 * (RFC 8461 §4.1).
 */
export function matchesMxPattern(host: string, pattern: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const wanted = pattern.toLowerCase().replace(/\.$/, '');
  if (!wanted.startsWith('*.')) return name === wanted;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === wanted.slice(2);
}
