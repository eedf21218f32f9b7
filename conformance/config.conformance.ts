/**
 * Configuration differential: our PodSecurityConfiguration loader, defaults-to-policy step and validation against
 * upstream's (the Go oracle's `config` mode) on generated files: valid and invalid levels and versions, bad DNS
 * names, duplicates, empty usernames, unknown and duplicate fields, wrong value types, missing or unknown
 * apiVersion/kind, all three API versions, written as JSON or as YAML in several styles. Any difference in the load
 * error, the policy error, the validation errors or the effective configuration fails the run.
 *
 * Usage: node --import tsx conformance/config.conformance.ts [--cases N] [--seed S]
 */
import fc from 'fast-check';
import { normalizeLikeYamlToJson, parseDocuments } from '../src/config/tree.ts';
import {
  decodePodSecurityConfigurationNode,
  decodePodSecurityConfigurationText,
  defaultsToPolicy,
  formatFieldError,
  validatePodSecurityConfiguration,
} from '../src/config/index.ts';
import { parseSuiteArgs, randomSeed, UsageError } from './lib/args.ts';
import { buildOracle, startOracle } from './lib/oracle.ts';

const DEFAULT_CASES = 5_000;

interface ConfigRequest {
  readonly id: number;
  readonly content: string;
  /** Decode as a plugin configuration embedded in an AdmissionConfiguration (YAML converted to JSON first). */
  readonly embedded: boolean;
}

interface ConfigResponse {
  readonly id: number;
  readonly loadError: string | null;
  readonly policyError: string | null;
  readonly validation: readonly string[];
  readonly effective: {
    readonly defaults: Record<string, string>;
    readonly exemptions: Record<string, readonly string[]>;
  } | null;
}

/** A generated value; entries are ordered pairs so duplicate keys can be written. */
type Value =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'raw'; readonly v: string } // a plain YAML scalar written as is (numbers, YAML 1.1 booleans, nulls)
  | { readonly t: 'list'; readonly items: readonly Value[] }
  | { readonly t: 'map'; readonly entries: readonly (readonly [string, Value])[] };

const str = (v: string): Value => ({ t: 'str', v });

const GROUP = 'pod-security.admission.config.k8s.io';
const levels = fc.constantFrom(
  'privileged',
  'baseline',
  'restricted',
  'privileged',
  'baseline',
  'restricted',
  'Baseline',
  'baslein',
  '',
  'restricted ',
  'PRIVILEGED',
);
const versions = fc.constantFrom(
  'latest',
  'v1.0',
  'v1.25',
  'v1.37',
  'v1.99',
  'v1.10000',
  'latest',
  'v1.01',
  'v2.0',
  '1.25',
  'v1',
  'Latest',
  '',
  'v1.9223372036854775807',
  'v1.9223372036854775808',
);
const rawScalars = fc.constantFrom('5', '1.25', 'yes', 'on', 'y', 'true', 'false', 'null', '~', '0x1f', '-3');
const namespaces = fc.constantFrom(
  'kube-system',
  'kube-system',
  'monitoring',
  'default',
  'a',
  'Foo',
  'a.b',
  'my_ns',
  '',
  '-x',
  'x-',
  'a'.repeat(63),
  'a'.repeat(64),
  'a.b'.repeat(30),
  'ns\u00a0',
  'é',
  '123',
);
const runtimeClasses = fc.constantFrom(
  'kata',
  'gvisor',
  'a.b',
  'a.b',
  'A_b',
  '',
  'x'.repeat(254),
  'a..b',
  'runc',
  '.a',
  'kata',
);
const usernames = fc.constantFrom(
  '',
  'alice',
  'alice',
  'system:serviceaccount:kube-system:replicaset-controller',
  'x\ty',
  'é',
  'bob',
);
const unknownKeys = fc.constantFrom(
  'deflaults',
  'namespaces',
  'Enforce',
  'metadata',
  'foo',
  'usernames',
  'enforce',
  'Kind',
);

function maybeOdd(gen: fc.Arbitrary<string>): fc.Arbitrary<Value> {
  return fc.oneof(
    { weight: 60, arbitrary: gen.map(str) },
    { weight: 1, arbitrary: rawScalars.map((v): Value => ({ t: 'raw', v })) },
    { weight: 1, arbitrary: fc.constant<Value>({ t: 'list', items: [str('x')] }) },
  );
}

function listOf(gen: fc.Arbitrary<string>): fc.Arbitrary<Value> {
  return fc.oneof(
    {
      weight: 40,
      arbitrary: fc
        .array(
          maybeOdd(gen).filter((v) => v.t !== 'list'),
          { maxLength: 5 },
        )
        .map((items): Value => ({ t: 'list', items })),
    },
    { weight: 1, arbitrary: fc.constant<Value>({ t: 'raw', v: 'null' }) },
    { weight: 1, arbitrary: gen.map(str) },
  );
}

/** Mostly undefined: one case in 16 gets a value. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

function mapOf(
  fields: readonly (readonly [string, fc.Arbitrary<Value>])[],
  extraKeys: fc.Arbitrary<string>,
): fc.Arbitrary<Value> {
  const present = fc.tuple(
    ...fields.map(([key, gen]) =>
      fc.option(
        gen.map((v) => [key, v] as const),
        { nil: undefined, freq: 3 },
      ),
    ),
  );
  const extras = rarely(fc.tuple(extraKeys, fc.constant(str('x')))).map((x) => (x === undefined ? [] : [x]));
  const dup = rarely(
    fc.integer({ min: 0, max: fields.length - 1 }).chain((i) => fields[i]![1].map((v) => [fields[i]![0], v] as const)),
  );
  return fc.tuple(present, extras, dup).chain(([p, e, d]) => {
    const entries: (readonly [string, Value])[] = p.filter((x) => x !== undefined);
    for (const x of e) entries.push(x);
    if (d !== undefined) entries.push(d);
    return fc
      .shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })
      .map((entries): Value => ({ t: 'map', entries }));
  });
}

const defaultsValue = mapOf(
  [
    ['enforce', maybeOdd(levels)],
    ['enforce-version', maybeOdd(versions)],
    ['audit', maybeOdd(levels)],
    ['audit-version', maybeOdd(versions)],
    ['warn', maybeOdd(levels)],
    ['warn-version', maybeOdd(versions)],
  ],
  unknownKeys,
);
const exemptionsValue = mapOf(
  [
    ['namespaces', listOf(namespaces)],
    ['runtimeClasses', listOf(runtimeClasses)],
    ['usernames', listOf(usernames)],
  ],
  unknownKeys,
);
const apiVersions = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(`${GROUP}/v1`, `${GROUP}/v1beta1`, `${GROUP}/v1alpha1`).map(str) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(`${GROUP}/v99`, 'v1', `${GROUP}/`, 'a/b/c', '', 'apiserver.config.k8s.io/v1').map(str),
  },
  { weight: 1, arbitrary: rawScalars.map((v): Value => ({ t: 'raw', v })) },
);
const kinds = fc.oneof(
  { weight: 20, arbitrary: fc.constant(str('PodSecurityConfiguration')) },
  { weight: 1, arbitrary: fc.constantFrom('Foo', 'podsecurityconfiguration', '').map(str) },
);

const documentValue: fc.Arbitrary<Value> = fc
  .tuple(
    fc.option(apiVersions, { nil: undefined, freq: 25 }),
    fc.option(kinds, { nil: undefined, freq: 25 }),
    fc.option(
      fc.oneof(
        { weight: 15, arbitrary: defaultsValue },
        { weight: 1, arbitrary: fc.constantFrom<Value>({ t: 'raw', v: 'null' }, str('x')) },
      ),
      { nil: undefined, freq: 6 },
    ),
    fc.option(
      fc.oneof(
        { weight: 15, arbitrary: exemptionsValue },
        { weight: 1, arbitrary: fc.constantFrom<Value>({ t: 'raw', v: 'null' }, { t: 'list', items: [] }) },
      ),
      { nil: undefined, freq: 6 },
    ),
    rarely(unknownKeys.map((k) => [k, str('x')] as const)),
  )
  .chain(([apiVersion, kind, defaults, exemptions, extra]) => {
    const entries: (readonly [string, Value])[] = [];
    if (apiVersion !== undefined) entries.push(['apiVersion', apiVersion]);
    if (kind !== undefined) entries.push(['kind', kind]);
    if (defaults !== undefined) entries.push(['defaults', defaults]);
    if (exemptions !== undefined) entries.push(['exemptions', exemptions]);
    if (extra !== undefined) entries.push(extra);
    return fc
      .shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })
      .map((entries): Value => ({ t: 'map', entries }));
  });

// ---- writers ----

function jsonText(v: Value): string {
  switch (v.t) {
    case 'str':
      return JSON.stringify(v.v);
    case 'raw':
      return /^(true|false|null|-?[0-9]+(\.[0-9]+)?)$/.test(v.v) ? v.v : JSON.stringify(v.v);
    case 'list':
      return `[${v.items.map(jsonText).join(', ')}]`;
    default:
      return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}: ${jsonText(x)}`).join(', ')}}`;
  }
}

interface YamlStyle {
  readonly indent: number;
  readonly quote: 'double' | 'single' | 'plain';
  readonly flowLists: boolean;
}

const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const YAML11_SPECIAL =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;

function yamlScalar(s: string, style: YamlStyle): string {
  if (style.quote === 'plain' && PLAIN_SAFE.test(s) && !YAML11_SPECIAL.test(s)) return s;
  if (style.quote === 'single' && !/[\p{Cc}\u00a0]/u.test(s)) return `'${s.replaceAll("'", "''")}'`;
  return JSON.stringify(s);
}

function yamlInline(v: Value, style: YamlStyle): string | undefined {
  if (v.t === 'str') return yamlScalar(v.v, style);
  if (v.t === 'raw') return v.v;
  if (v.t === 'list' && (v.items.length === 0 || style.flowLists))
    return `[${v.items.map((i) => yamlInline(i, style) ?? '{}').join(', ')}]`;
  if (v.t === 'map' && v.entries.length === 0) return '{}';
  return undefined;
}

function yamlBlock(v: Value, style: YamlStyle, col: number, out: string[]): void {
  const pad = ' '.repeat(col);
  if (v.t === 'map') {
    for (const [k, x] of v.entries) {
      const inline = yamlInline(x, style);
      if (inline !== undefined) out.push(`${pad}${k}: ${inline}`);
      else {
        out.push(`${pad}${k}:`);
        yamlBlock(x, style, col + style.indent, out);
      }
    }
  } else if (v.t === 'list') {
    for (const item of v.items) out.push(`${pad}- ${yamlInline(item, style) ?? '{}'}`);
  }
}

const writers = fc.oneof(
  { weight: 1, arbitrary: fc.constant((v: Value) => jsonText(v)) },
  {
    weight: 4,
    arbitrary: fc
      .record({
        indent: fc.constantFrom(2, 4),
        quote: fc.constantFrom('double', 'single', 'plain'),
        flowLists: fc.boolean(),
        docStart: fc.boolean(),
        comment: fc.boolean(),
      })
      .map((s) => (v: Value) => {
        const lines: string[] = [];
        if (s.comment) lines.push('# generated');
        if (s.docStart) lines.push('---');
        const inline = v.t === 'map' && v.entries.length > 0 ? undefined : yamlInline(v, s);
        if (inline !== undefined) lines.push(inline);
        else yamlBlock(v, s, 0, lines);
        return `${lines.join('\n')}\n`;
      }),
  },
);

const configText = fc.oneof(
  { weight: 60, arbitrary: fc.tuple(documentValue, writers).map(([v, write]) => write(v)) },
  { weight: 1, arbitrary: fc.constantFrom('', '\n', 'null\n', '{}', '- a\n', 'hello\n') },
);

// ---- ours ----

function ours(request: ConfigRequest): ConfigResponse {
  const decoded = request.embedded
    ? decodeEmbedded(request.content)
    : decodePodSecurityConfigurationText(request.content, 'config.yaml');
  if (!decoded.ok)
    return { id: request.id, loadError: decoded.error.message, policyError: null, validation: [], effective: null };
  const policy = defaultsToPolicy(decoded.document.defaults);
  return {
    id: request.id,
    loadError: null,
    policyError: policy.ok ? null : policy.message,
    validation: validatePodSecurityConfiguration(decoded.document).map(formatFieldError),
    effective: { defaults: { ...decoded.document.defaults }, exemptions: { ...decoded.document.exemptions } },
  };
}

/** Our path for an embedded configuration: parsed with the file around it, then normalized like YAML-to-JSON. */
function decodeEmbedded(content: string): ReturnType<typeof decodePodSecurityConfigurationNode> {
  const root = parseDocuments(content, 'admission.yaml').documents[0]?.root ?? {
    kind: 'scalar',
    type: 'null',
    value: '',
    pos: { file: 'admission.yaml', line: 1, col: 1 },
  };
  return decodePodSecurityConfigurationNode(normalizeLikeYamlToJson(root));
}

function canonical(r: ConfigResponse): string {
  const effective =
    r.effective === null
      ? null
      : {
          defaults: Object.fromEntries(Object.entries(r.effective.defaults).sort(([a], [b]) => (a < b ? -1 : 1))),
          exemptions: Object.fromEntries(Object.entries(r.effective.exemptions).sort(([a], [b]) => (a < b ? -1 : 1))),
        };
  return JSON.stringify({ loadError: r.loadError, policyError: r.policyError, validation: r.validation, effective });
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseSuiteArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`config conformance: ${error.message}\n`);
    return 2;
  }
  const cases = options.cases ?? DEFAULT_CASES;
  const seed = options.seed ?? randomSeed();
  process.stdout.write(`config conformance: ${String(cases)} generated configurations, seed ${String(seed)}\n`);
  const samples = fc.sample(fc.tuple(configText, fc.integer({ min: 0, max: 3 })), { numRuns: cases, seed });
  const requests = samples.map(([content, pick], id): ConfigRequest => ({
    id,
    content,
    embedded: pick === 0 && content !== '',
  }));
  const oracle = startOracle<ConfigRequest, ConfigResponse>('config', {
    binary: buildOracle({ log: (l) => process.stdout.write(`${l}\n`) }),
  });
  let upstream: ConfigResponse[];
  try {
    upstream = await oracle.send(requests);
  } finally {
    await oracle.close();
  }
  let differences = 0;
  const tally = new Map<string, number>();
  requests.forEach((request, i) => {
    const theirs = upstream[i]!;
    const mine = ours(request);
    const kind =
      theirs.loadError !== null
        ? `load:${theirs.loadError
            .replace(/ in '[\s\S]*$/, '')
            .replace(/:[\s\S]*$/, '')
            .slice(0, 40)}`
        : theirs.policyError !== null
          ? 'policy-error'
          : theirs.validation.length > 0
            ? 'invalid'
            : 'valid';
    const key = request.embedded ? `embedded ${kind}` : kind;
    tally.set(key, (tally.get(key) ?? 0) + 1);
    if (canonical(mine) !== canonical(theirs)) {
      differences++;
      if (differences <= 5) {
        process.stdout.write(
          `DIFFERENCE #${String(request.id)}\n--- content ---\n${request.content}\n--- upstream ---\n${canonical(theirs)}\n--- ours ---\n${canonical(mine)}\n`,
        );
      }
    }
  });
  const kinds = [...tally.entries()].sort(([, a], [, b]) => b - a).map(([k, v]) => `${k}=${String(v)}`);
  process.stdout.write(`  outcomes: ${kinds.join(', ')}\n`);
  process.stdout.write(
    `config conformance: ${String(differences)} differences in ${String(cases)} cases (seed ${String(seed)})\n`,
  );
  return differences === 0 ? 0 : 1;
}

process.exitCode = await main();
