/**
 * Governance metadata for exemptions: who owns each one, until when, and why. It lives beside the configuration, so
 * kube-apiserver never sees it: in YAML comments on (or just above) the exemption's list item
 * (`- monitoring # owner: observability, expires: 2027-06-30, reason: node-exporter needs the host network`), or in a
 * sidecar YAML file keyed by exemption (`namespaces: {monitoring: {owner: ..., expires: ..., reason: ...}}`), which
 * wins over comments. Lint warns on expired exemptions, bad dates, sidecar entries naming no exemption and, when
 * asked, exemptions without an owner.
 */
import type { Finding, ReadFile, Resolution } from './load.ts';
import { parseDocuments, type Position, type TreeNode } from './tree.ts';

export const ExemptionFields = {
  namespaces: 'namespace',
  usernames: 'user',
  runtimeClasses: 'runtimeClass',
} as const;
export type ExemptionListField = keyof typeof ExemptionFields;
export type ExemptionKindName = (typeof ExemptionFields)[ExemptionListField];

export interface ExemptionMetadata {
  readonly owner?: string;
  /** `YYYY-MM-DD`, as written. */
  readonly expires?: string;
  readonly reason?: string;
  /** Where the metadata was written. */
  readonly pos?: Position;
}

export interface GovernedExemption {
  readonly kind: ExemptionKindName;
  readonly field: ExemptionListField;
  readonly index: number;
  readonly value: string;
  readonly pos?: Position;
  readonly metadata?: ExemptionMetadata;
}

export interface GovernanceOptions {
  /** A sidecar file of metadata (`--exemption-metadata`). */
  readonly sidecarPath?: string;
  /** Warn on exemptions without an owner (`--require-owner`). */
  readonly requireOwner?: boolean;
  /** Today, for expiry (default: now). */
  readonly now?: Date;
  /** Expiring within this many days is reported as info (default 30). */
  readonly soonDays?: number;
}

const KEYS = ['owner', 'expires', 'reason'] as const;
type Key = (typeof KEYS)[number];
/** A comment carrying metadata: `key: value` pairs split at the commas that start the next known key. */
const HAS_KEY = /(?:^|[\s,])(owner|expires|reason)\s*:/;
const SPLIT = /,\s*(?=(?:owner|expires|reason)\s*:)/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `owner: team-x, expires: 2027-03-01, reason: a, b` → its fields; undefined when the comment names none. */
export function parseMetadataComment(comment: string): Partial<Record<Key, string>> | undefined {
  if (!HAS_KEY.test(comment)) return undefined;
  const out: Partial<Record<Key, string>> = {};
  for (const part of comment.split(SPLIT)) {
    const m = /^\s*(owner|expires|reason)\s*:\s*(.*?)\s*$/.exec(part);
    if (m !== null) out[m[1] as Key] = m[2]!;
  }
  return out;
}

/** The comment text of a YAML line, if any: what follows a `#` that starts the line or follows whitespace, outside
 * quotes. */
function commentOf(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return line.slice(i + 1).trim();
  }
  return undefined;
}

function fromComments(lines: readonly string[], pos: Position): ExemptionMetadata | undefined {
  const index = pos.line - 1;
  const own = lines[index];
  const trailing = own === undefined ? undefined : commentOf(own);
  const parsedTrailing = trailing === undefined ? undefined : parseMetadataComment(trailing);
  if (parsedTrailing !== undefined) return { ...parsedTrailing, pos: { ...pos, col: own!.indexOf('#') + 1 } };
  // Comment lines directly above the item.
  for (let i = index - 1; i >= 0; i--) {
    const text = lines[i]!.trim();
    if (!text.startsWith('#')) break;
    const parsed = parseMetadataComment(text.slice(1));
    if (parsed !== undefined)
      return { ...parsed, pos: { file: pos.file, line: i + 1, col: lines[i]!.indexOf('#') + 1 } };
  }
  return undefined;
}

function scalarText(node: TreeNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.type !== 'null' ? node.value : undefined;
}

interface Sidecar {
  readonly entries: Map<string, ExemptionMetadata>;
  readonly findings: Finding[];
}

async function readSidecar(path: string, readFile: ReadFile): Promise<Sidecar> {
  const entries = new Map<string, ExemptionMetadata>();
  const findings: Finding[] = [];
  let text: string;
  try {
    text = await readFile(path);
  } catch (error) {
    findings.push({
      severity: 'error',
      code: 'exemption-metadata-unreadable',
      message: `${path}: ${(error as Error).message}`,
    });
    return { entries, findings };
  }
  const parsed = parseDocuments(text, path);
  for (const p of parsed.problems)
    findings.push({ severity: 'error', code: 'exemption-metadata-syntax', message: p.message, pos: p.pos });
  const root = parsed.documents[0]?.root;
  if (root === undefined || root.kind !== 'map') {
    if (parsed.problems.length === 0 && root !== undefined && !(root.kind === 'scalar' && root.type === 'null'))
      findings.push({
        severity: 'error',
        code: 'exemption-metadata-syntax',
        message: 'exemption metadata must be a map of namespaces, usernames and runtimeClasses',
        pos: root.pos,
      });
    return { entries, findings };
  }
  for (const section of root.entries) {
    if (!Object.hasOwn(ExemptionFields, section.key)) {
      findings.push({
        severity: 'warning',
        code: 'exemption-metadata-unknown-field',
        message: `unknown section ${JSON.stringify(section.key)}: want namespaces, usernames or runtimeClasses`,
        pos: section.keyPos,
      });
      continue;
    }
    if (section.value.kind !== 'map') continue;
    for (const entry of section.value.entries) {
      const fields: Partial<Record<Key, string>> = {};
      if (entry.value.kind === 'map') {
        for (const f of entry.value.entries) {
          if ((KEYS as readonly string[]).includes(f.key)) {
            const v = scalarText(f.value);
            if (v !== undefined) fields[f.key as Key] = v;
          } else
            findings.push({
              severity: 'info',
              code: 'exemption-metadata-unknown-field',
              message: `unknown metadata field ${JSON.stringify(f.key)} (known: owner, expires, reason)`,
              pos: f.keyPos,
            });
        }
      }
      entries.set(`${section.key}\u0000${entry.key}`, { ...fields, pos: entry.keyPos });
    }
  }
  return { entries, findings };
}

/** A `YYYY-MM-DD` expiry as epoch ms (UTC midnight); undefined unless it is a real calendar date. */
export function parseExpiryDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (m === null) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(ms);
  return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1 ? ms : undefined;
}

/** Every exemption of the resolved configuration with its metadata, and what lint should say about them. */
export async function readExemptionGovernance(
  resolution: Resolution,
  readFile: ReadFile,
  options: GovernanceOptions = {},
): Promise<{ readonly exemptions: readonly GovernedExemption[]; readonly findings: readonly Finding[] }> {
  const document = resolution.document;
  if (document === undefined) return { exemptions: [], findings: [] };
  const findings: Finding[] = [];
  const sidecar = options.sidecarPath === undefined ? undefined : await readSidecar(options.sidecarPath, readFile);
  if (sidecar !== undefined) findings.push(...sidecar.findings);
  const texts = new Map<string, readonly string[] | undefined>();
  const linesOf = async (file: string): Promise<readonly string[] | undefined> => {
    if (file.startsWith('<')) return undefined; // built-in defaults have no text
    if (!texts.has(file))
      texts.set(
        file,
        await readFile(file).then(
          (t) => t.split(/\r?\n/),
          () => undefined,
        ),
      );
    return texts.get(file);
  };
  const exemptions: GovernedExemption[] = [];
  const used = new Set<string>();
  for (const field of Object.keys(ExemptionFields) as ExemptionListField[]) {
    const values = document.exemptions[field];
    for (let index = 0; index < values.length; index++) {
      const value = values[index]!;
      const pos = resolution.positions?.get(`exemptions.${field}[${String(index)}]`);
      const key = `${field}\u0000${value}`;
      let metadata = sidecar?.entries.get(key);
      if (metadata !== undefined) used.add(key);
      if (metadata === undefined && pos !== undefined) {
        const lines = await linesOf(pos.file);
        if (lines !== undefined) metadata = fromComments(lines, pos);
      }
      exemptions.push({
        kind: ExemptionFields[field],
        field,
        index,
        value,
        ...(pos === undefined ? {} : { pos }),
        ...(metadata === undefined ? {} : { metadata }),
      });
    }
  }
  for (const [key, metadata] of sidecar?.entries ?? []) {
    if (used.has(key)) continue;
    const [field, value] = key.split('\u0000') as [string, string];
    findings.push({
      severity: 'warning',
      code: 'exemption-metadata-unknown',
      message: `metadata for ${field} ${JSON.stringify(value)}, which the configuration does not exempt`,
      ...(metadata.pos === undefined ? {} : { pos: metadata.pos }),
    });
  }
  const today = options.now ?? new Date();
  const todayMs = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const soonMs = todayMs + (options.soonDays ?? 30) * 86_400_000;
  for (const e of exemptions) {
    const name = `exemptions.${e.field}[${String(e.index)}] ${JSON.stringify(e.value)}`;
    const at = e.metadata?.pos ?? e.pos;
    const where = at === undefined ? {} : { pos: at };
    if (e.metadata?.expires !== undefined) {
      const expires = parseExpiryDate(e.metadata.expires);
      if (expires === undefined)
        findings.push({
          severity: 'warning',
          code: 'exemption-bad-expiry',
          message: `${name}: expires ${JSON.stringify(e.metadata.expires)} is not a date (want YYYY-MM-DD)`,
          ...where,
        });
      else if (expires < todayMs)
        findings.push({
          severity: 'warning',
          code: 'exemption-expired',
          message: `${name} expired on ${e.metadata.expires}${e.metadata.owner === undefined ? '' : ` (owner: ${e.metadata.owner})`}: renew it or remove the exemption`,
          ...where,
        });
      else if (expires <= soonMs)
        findings.push({
          severity: 'info',
          code: 'exemption-expires-soon',
          message: `${name} expires on ${e.metadata.expires}`,
          ...where,
        });
    }
    if (options.requireOwner === true && (e.metadata?.owner ?? '') === '')
      findings.push({
        severity: 'warning',
        code: 'exemption-no-owner',
        message: `${name} has no owner: add "# owner: TEAM" to it or an entry in the exemption metadata file`,
        ...where,
      });
  }
  return { exemptions, findings };
}

/** `owner: a, expires: b, reason: c` (only the fields set), for comments and tables. */
export function formatMetadata(metadata: ExemptionMetadata): string {
  return KEYS.filter((k) => metadata[k] !== undefined && metadata[k] !== '')
    .map((k) => `${k}: ${metadata[k]!}`)
    .join(', ');
}
