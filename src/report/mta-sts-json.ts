/**
 * The `mtaSts` object of the JSON report (docs/json.md, $defs/mtaSts in
 * docs/schema/report.schema.json): the domain's MTA-STS record and policy,
 * and each MX host against it.
 */
import type { MtaStsCheck } from '../session/mta-sts.js';
import type { JsonObject } from './json.js';

/** The MTA-STS check as the report gives it. */
export function mtaStsJson(check: MtaStsCheck): JsonObject {
  const { policy } = check;
  return {
    domain: check.domain,
    status: check.status,
    id: check.id ?? null,
    policyUrl: check.policyUrl,
    mode: policy?.mode ?? null,
    mx: policy ? [...policy.mx] : [],
    maxAge: policy?.maxAge ?? null,
    hosts: check.hosts.map((host) => ({
      host: host.host,
      matches: host.matches,
      tls: host.tls,
      addresses: host.addresses.map(({ address, tls }) => ({ address, tls })),
      otherAddressesUntried: host.mayHaveUntried,
    })),
    problem: check.problem ?? null,
    summary: check.summary,
  };
}
