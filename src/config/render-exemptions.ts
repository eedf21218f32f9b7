/**
 * Exemptions with their governance metadata, for `psa config show`: as comments on the rendered configuration's list
 * items (still a valid configuration, and the comment form lint reads back), or as a list of their own.
 */
import { parse } from 'yaml';
import { formatMetadata, type GovernedExemption, parseExpiryDate } from './exemption-metadata.ts';

/** Appends `# owner: ..., expires: ..., reason: ...` to each exemption item of a rendered PodSecurityConfiguration. */
export function annotateExemptions(yaml: string, exemptions: readonly GovernedExemption[]): string {
  if (!exemptions.some((e) => e.metadata !== undefined)) return yaml;
  const lines = yaml.split('\n');
  let inExemptions = false;
  let field: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\S/.test(line)) {
      inExemptions = line.startsWith('exemptions:');
      field = undefined;
      continue;
    }
    if (!inExemptions) continue;
    const key = /^ {2}([A-Za-z]+):/.exec(line);
    if (key !== null) {
      field = key[1];
      continue;
    }
    const item = /^ {2,4}- (.*)$/.exec(line);
    if (item === null || field === undefined) continue;
    let value: unknown;
    try {
      value = parse(item[1]!);
    } catch {
      continue;
    }
    const found = exemptions.find((e) => e.field === field && e.value === String(value));
    if (found?.metadata === undefined) continue;
    const comment = formatMetadata(found.metadata);
    if (comment !== '') lines[i] = `${line} # ${comment}`;
  }
  return lines.join('\n');
}

export type ExemptionStatus = 'expired' | 'expires-soon' | 'ok' | 'no-expiry' | 'bad-date';

function statusOf(e: GovernedExemption, now: Date, soonDays: number): ExemptionStatus {
  const expires = e.metadata?.expires;
  if (expires === undefined) return 'no-expiry';
  const ms = parseExpiryDate(expires);
  if (ms === undefined) return 'bad-date';
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (ms < today) return 'expired';
  return ms <= today + soonDays * 86_400_000 ? 'expires-soon' : 'ok';
}

/** The exemptions as a table (`yaml`, the default output) or a JSON list. */
export function renderExemptionList(
  exemptions: readonly GovernedExemption[],
  format: 'yaml' | 'json',
  now: Date = new Date(),
): string {
  const rows = exemptions.map((e) => ({
    kind: e.kind,
    value: e.value,
    ...(e.metadata?.owner === undefined ? {} : { owner: e.metadata.owner }),
    ...(e.metadata?.expires === undefined ? {} : { expires: e.metadata.expires }),
    ...(e.metadata?.reason === undefined ? {} : { reason: e.metadata.reason }),
    status: statusOf(e, now, 30),
  }));
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (rows.length === 0) return 'no exemptions\n';
  const table = [
    ['KIND', 'VALUE', 'OWNER', 'EXPIRES', 'STATUS', 'REASON'],
    ...rows.map((r) => [r.kind, r.value, r.owner ?? '-', r.expires ?? '-', r.status, r.reason ?? '-']),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table
    .map((row) => `${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`)
    .join('');
}
