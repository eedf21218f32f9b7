/**
 * Lint beyond upstream: everything that stops kube-apiserver from starting (as errors, located), plus the traps an
 * operator walks into without an error: misplaced keys, wildcard usernames, exemptions that cover every
 * controller-created pod, a Talos patch that repeats `kube-system`, versions pinned in the past or future.
 */
import { type GovernanceOptions, readExemptionGovernance } from './exemption-metadata.ts';
import { LATEST_POLICY_MINOR } from './lint-facts.ts';
import { type Finding, type LoadOptions, type Resolution, resolveConfiguration } from './load.ts';
import {
  DEFAULT_FIELDS,
  decodePodSecurityConfigurationNode,
  toAdmissionSettings,
  EXEMPTION_FIELDS,
  type PodSecurityConfigurationDocument,
  PSA_CONFIG_GROUP,
} from './pod-security-configuration.ts';
import { getValue, type Position, type TreeNode } from './tree.ts';

const TOP_FIELDS = ['apiVersion', 'kind', 'defaults', 'exemptions'];

/** Users whose exemption exempts every pod their controller creates, in every namespace. */
const CONTROLLER_USERS = new Set([
  'system:kube-controller-manager',
  'system:serviceaccount:kube-system:replicaset-controller',
  'system:serviceaccount:kube-system:replication-controller',
  'system:serviceaccount:kube-system:daemon-set-controller',
  'system:serviceaccount:kube-system:statefulset-controller',
  'system:serviceaccount:kube-system:job-controller',
  'system:serviceaccount:kube-system:cronjob-controller',
  'system:serviceaccount:kube-system:deployment-controller',
]);

export interface LintResult {
  readonly findings: readonly Finding[];
  /** The effective document, when the configuration loaded. */
  readonly document?: PodSecurityConfigurationDocument;
  readonly resolution: Resolution;
}

function codeForError(error: { readonly message: string }): string {
  if (error.message.includes(': Duplicate value: ')) return 'duplicate-exemption';
  if (error.message.startsWith('defaults.')) return 'invalid-default';
  if (error.message.startsWith('exemptions.')) return 'invalid-exemption';
  if (error.message.startsWith('admission control plugin config is already set')) return 'talos-conflict';
  if (error.message.startsWith('strict decoding error')) return 'unknown-field';
  if (error.message.startsWith('unknown field '))
    return error.message.includes('belongs under') ? 'misplaced-field' : 'unknown-field';
  return 'load-error';
}

function suggestion(value: string, candidates: readonly string[]): string | undefined {
  const lower = value.toLowerCase().trim();
  return candidates.find((c) => c.toLowerCase() === lower);
}

function versionSuggestion(value: string): string | undefined {
  const m = /^v?1\.(0|[1-9][0-9]*)(\.[0-9]+)?$/.exec(value.trim());
  if (m !== null) return `v1.${m[1]!}`;
  if (value.trim().toLowerCase() === 'latest') return 'latest';
  return undefined;
}

/** Upstream's message plus what to do about it. */
function describeError(text: string, patched: boolean): { code: string; message: string } {
  const code = codeForError({ message: text });
  let message = text;
  if (code === 'duplicate-exemption') {
    message += ': kube-apiserver refuses to start with a duplicate exemption';
    if (patched)
      message +=
        '; Talos patches append to lists, so a patch must not repeat an entry the base config already has (e.g. kube-system)';
  }
  const m = /^(defaults\.[a-z-]+|exemptions\.[a-zA-Z]+\[\d+\]): Invalid value: "(.*)": /.exec(text);
  if (m !== null) {
    const field = m[1]!;
    const raw = m[2]!;
    let hint: string | undefined;
    if (field.endsWith('-version')) hint = versionSuggestion(raw);
    else if (field.startsWith('defaults.')) hint = suggestion(raw, ['privileged', 'baseline', 'restricted']);
    else if (!field.startsWith('exemptions.usernames')) {
      const lowered = raw.trim().toLowerCase().replaceAll('_', '-');
      if (lowered !== raw && lowered !== '' && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(lowered)) hint = lowered;
    }
    if (hint !== undefined && hint !== raw) message += ` (did you mean ${JSON.stringify(hint)}?)`;
  }
  if (code === 'talos-conflict')
    message += ': remove cluster.apiServer.admissionControl or the KubeAdmissionControlConfig document';
  return { code, message };
}

/**
 * Lints a configuration; never throws on bad input. With `governance`, also the exemptions' metadata (comments or a
 * sidecar file): expired, badly dated, and (with `requireOwner`) ownerless exemptions.
 */
export async function lintConfiguration(options: LoadOptions, governance?: GovernanceOptions): Promise<LintResult> {
  const resolution = await resolveConfiguration(options);
  const findings: Finding[] = [];
  const add = (severity: Finding['severity'], code: string, message: string, pos: Position | undefined): void => {
    findings.push(pos === undefined ? { severity, code, message } : { severity, code, message, pos });
  };

  const structural = resolution.configNode === undefined ? [] : lintStructure(resolution.configNode);
  const hasStrict = resolution.errors.some((e) => e.message.startsWith('strict decoding error'));
  for (const error of resolution.errors) {
    if (
      hasStrict &&
      error.message.startsWith('strict decoding error') &&
      structural.some((f) => f.severity === 'error')
    ) {
      add('info', 'upstream-message', `kube-apiserver reports: ${error.message}`, error.pos);
      continue;
    }
    const { code, message } = describeError(error.message, (resolution.source?.talosPatches.length ?? 0) > 0);
    add('error', code, message, error.pos);
  }
  // Key by key, located; a type error can hide them from upstream's first report, but they are rejected all the same.
  findings.push(...structural);

  for (const f of resolution.findings) findings.push(f);
  let document = resolution.document;
  if (
    document === undefined &&
    resolution.configNode !== undefined &&
    resolution.errors.every((e) => e.path === undefined)
  ) {
    // Upstream stops at the first decoding error; keep going on the fields it understands to report the rest now.
    const lenient = decodePodSecurityConfigurationNode(sanitize(resolution.configNode));
    if (lenient.ok) {
      const settings = toAdmissionSettings(lenient.document, lenient.positions);
      if (!settings.ok) {
        for (const p of settings.problems) {
          const { code, message } = describeError(p.message, false);
          add('error', code, message, p.pos);
        }
      }
      document = lenient.document;
      lintDocument(lenient.document, { ...resolution, document: lenient.document, positions: lenient.positions }, add);
    }
  } else if (document !== undefined) {
    lintDocument(document, resolution, add);
  }
  if (resolution.document === undefined) document = undefined;
  if (governance !== undefined && resolution.document !== undefined)
    findings.push(...(await readExemptionGovernance(resolution, options.readFile, governance)).findings);
  return { findings: dedupe(findings), ...(document === undefined ? {} : { document }), resolution };
}

/** Distinct findings, ordered by file position (findings without one first); ties keep their order. */
function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const rank = (f: Finding): [string, number, number] =>
    f.pos === undefined ? ['', 0, 0] : [f.pos.file, f.pos.line, f.pos.col];
  const sorted = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => {
      const [fa, la, ca] = rank(a.f);
      const [fb, lb, cb] = rank(b.f);
      return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb || a.i - b.i;
    })
    .map((x) => x.f);
  return sorted.filter((f) => {
    const key = `${f.severity}|${f.code}|${f.message}|${f.pos === undefined ? '' : `${f.pos.file}:${String(f.pos.line)}:${String(f.pos.col)}`}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Keeps only the keys and value types upstream's decoder accepts. */
function sanitize(root: TreeNode): TreeNode {
  if (root.kind !== 'map') return root;
  const keep = (node: TreeNode | undefined, allowed: readonly string[], list: boolean): TreeNode | undefined => {
    if (node?.kind !== 'map') return undefined;
    const entries = node.entries
      .filter((e) => allowed.includes(e.key))
      .map((e) => {
        if (!list) return e.value.kind === 'scalar' && e.value.type === 'string' ? e : undefined;
        if (e.value.kind !== 'seq') return undefined;
        return {
          ...e,
          value: {
            ...e.value,
            items: e.value.items.filter((i) => i.kind === 'scalar' && (i.type === 'string' || i.type === 'null')),
          },
        };
      })
      .filter((e) => e !== undefined);
    return { ...node, entries };
  };
  const entries = root.entries.flatMap((e) => {
    if (e.key === 'apiVersion' || e.key === 'kind') return [e];
    if (e.key === 'defaults') {
      const v = keep(e.value, DEFAULT_FIELDS, false);
      return v === undefined ? [] : [{ ...e, value: v }];
    }
    if (e.key === 'exemptions') {
      const v = keep(e.value, EXEMPTION_FIELDS, true);
      return v === undefined ? [] : [{ ...e, value: v }];
    }
    return [];
  });
  return { ...root, entries };
}

/** Keys upstream rejects, with where they belong. */
function lintStructure(root: TreeNode): Finding[] {
  const out: Finding[] = [];
  if (root.kind !== 'map') return out;
  const belongs = (key: string): string | undefined => {
    if ((EXEMPTION_FIELDS as readonly string[]).includes(key)) return 'exemptions';
    if ((DEFAULT_FIELDS as readonly string[]).includes(key)) return 'defaults';
    return undefined;
  };
  const check = (node: TreeNode | undefined, prefix: string, allowed: readonly string[]): void => {
    if (node?.kind !== 'map') return;
    for (const entry of node.entries) {
      if (allowed.includes(entry.key)) continue;
      const path = prefix === '' ? entry.key : `${prefix}.${entry.key}`;
      const home = belongs(entry.key);
      const near = allowed.find((a) => a.toLowerCase() === entry.key.toLowerCase());
      let message = `unknown field ${JSON.stringify(path)}: kube-apiserver rejects the configuration (strict decoding)`;
      if (home !== undefined && home !== prefix)
        message = `misplaced field ${JSON.stringify(path)}: it belongs under ${JSON.stringify(home)} (${home}.${entry.key}); kube-apiserver rejects it here`;
      else if (near !== undefined) message += `; field names are case-sensitive: did you mean ${JSON.stringify(near)}?`;
      else if (prefix === '' && entry.key === 'metadata')
        message = `unknown field "metadata": PodSecurityConfiguration has no metadata; remove it`;
      out.push({
        severity: 'error',
        code: home !== undefined && home !== prefix ? 'misplaced-field' : 'unknown-field',
        message,
        pos: entry.keyPos,
      });
    }
  };
  check(root, '', TOP_FIELDS);
  check(getValue(root, 'defaults'), 'defaults', DEFAULT_FIELDS);
  check(getValue(root, 'exemptions'), 'exemptions', EXEMPTION_FIELDS);
  return out;
}

function lintDocument(
  document: PodSecurityConfigurationDocument,
  resolution: Resolution,
  add: (severity: Finding['severity'], code: string, message: string, pos: Position | undefined) => void,
): void {
  const positions = resolution.positions ?? new Map<string, Position>();
  const at = (path: string): Position | undefined => positions.get(path) ?? resolution.configNode?.pos;
  const { defaults, exemptions } = document;

  if (
    resolution.source?.kind !== 'talos-default' &&
    document.apiVersion !== `${PSA_CONFIG_GROUP}/v1` &&
    document.apiVersion.startsWith(`${PSA_CONFIG_GROUP}/`) &&
    !document.apiVersion.endsWith('/__internal')
  ) {
    add(
      'info',
      'old-api-version',
      `apiVersion ${document.apiVersion} still works, but ${PSA_CONFIG_GROUP}/v1 is current (Kubernetes >= 1.25)`,
      getValue(resolution.configNode, 'apiVersion')?.pos,
    );
  }
  const node = resolution.configNode;
  for (const field of DEFAULT_FIELDS) {
    const v = getValue(getValue(node, 'defaults'), field);
    if (v?.kind === 'scalar' && v.type === 'string' && v.value === '') {
      add(
        'warning',
        'empty-default',
        `defaults.${field} is empty, which upstream defaults to ${field.endsWith('-version') ? '"latest"' : '"privileged"'}; write it out`,
        v.pos,
      );
    }
  }
  if (defaults.enforce === 'privileged') {
    add(
      'warning',
      'nothing-enforced',
      'defaults.enforce is privileged: pods in namespaces without an enforce label are not checked at all',
      at('defaults.enforce'),
    );
  }
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const version = defaults[`${mode}-version`];
    const m = /^v1\.(0|[1-9][0-9]*)$/.exec(version);
    if (m === null) continue;
    const minor = Number(m[1]);
    if (minor > LATEST_POLICY_MINOR) {
      add(
        'info',
        'future-version',
        `defaults.${mode}-version ${version} is newer than the newest policy version v1.${String(LATEST_POLICY_MINOR)}; it evaluates as v1.${String(LATEST_POLICY_MINOR)} (and as "future" in metrics)`,
        at(`defaults.${mode}-version`),
      );
    } else if (LATEST_POLICY_MINOR - minor >= 6) {
      add(
        'info',
        'old-version',
        `defaults.${mode}-version is pinned to ${version}: checks added since then do not apply`,
        at(`defaults.${mode}-version`),
      );
    }
  }
  const strict = { privileged: 0, baseline: 1, restricted: 2 } as Record<string, number | undefined>;
  const e = strict[defaults.enforce];
  const w = strict[defaults.warn];
  if (e !== undefined && w !== undefined && w < e) {
    add(
      'info',
      'warn-looser-than-enforce',
      `defaults.warn (${defaults.warn}) is looser than defaults.enforce (${defaults.enforce}): clients get no warning before their pods are denied`,
      at('defaults.warn'),
    );
  }

  exemptions.usernames.forEach((user, i) => {
    const pos = at(`exemptions.usernames[${String(i)}]`);
    if (/[*?]/.test(user))
      add(
        'warning',
        'wildcard-username',
        `exemptions.usernames[${String(i)}] ${JSON.stringify(user)}: usernames match exactly; wildcards are not supported, so this exempts nobody`,
        pos,
      );
    if (CONTROLLER_USERS.has(user)) {
      add(
        'warning',
        'exempts-controllers',
        `exemptions.usernames[${String(i)}] ${JSON.stringify(user)} creates pods for workloads in every namespace: exempting it exempts nearly every pod`,
        pos,
      );
    }
    if (user.startsWith('system:serviceaccounts') || user === 'system:authenticated' || user === 'system:masters') {
      add(
        'warning',
        'group-as-username',
        `exemptions.usernames[${String(i)}] ${JSON.stringify(user)} is a group, not a username: group exemptions are not supported`,
        pos,
      );
    }
    if (user !== user.trim())
      add(
        'warning',
        'whitespace',
        `exemptions.usernames[${String(i)}] has leading or trailing whitespace and matches no real user`,
        pos,
      );
  });
  exemptions.namespaces.forEach((ns, i) => {
    if (ns === 'default')
      add(
        'warning',
        'exempts-default-namespace',
        'exemptions.namespaces includes "default": every pod created there without a namespace is exempt',
        at(`exemptions.namespaces[${String(i)}]`),
      );
  });
  if (exemptions.runtimeClasses.length > 0) {
    exemptions.runtimeClasses.forEach((rc, i) => {
      if (rc === 'runc' || rc === 'default')
        add(
          'info',
          'common-runtime-class',
          `exemptions.runtimeClasses[${String(i)}] ${JSON.stringify(rc)} looks like a common runtime: any pod may set runtimeClassName to it and be exempt`,
          at(`exemptions.runtimeClasses[${String(i)}]`),
        );
    });
  }
  const talosSource = resolution.source?.kind.startsWith('talos') === true;
  if (talosSource && defaults.enforce !== 'privileged' && !exemptions.namespaces.includes('kube-system')) {
    add(
      'warning',
      'kube-system-not-exempt',
      `kube-system is not exempt while enforce is ${defaults.enforce}: Talos exempts it by default, and system pods (CNI, CSI, kube-proxy) may be rejected`,
      at('exemptions.namespaces[0]') ?? at('defaults.enforce'),
    );
  }
}
