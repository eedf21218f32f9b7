/**
 * Talos machine configs: the legacy `cluster.apiServer.admissionControl[]` entry, the Talos >= 1.14
 * `KubeAdmissionControlConfig` document, and strategic-merge patches applied the way Talos merges them:
 * maps merge key by key, lists append, scalars are replaced unless the patch value is empty, admission plugin
 * entries are matched by `name`, and `$patch: delete` removes an entry, a key or a whole document.
 */
import {
  getEntry,
  getValue,
  type MapEntry,
  type MapNode,
  type Position,
  type SeqNode,
  stringValue,
  type TreeNode,
} from './tree.ts';

export const TALOS_ADMISSION_KIND = 'KubeAdmissionControlConfig';
export const POD_SECURITY_PLUGIN = 'PodSecurity';
/** Talos' own message when both forms configure admission control. */
export const TALOS_CONFLICT_MESSAGE = 'admission control plugin config is already set in v1alpha1 config';
export const TALOS_NAME_REQUIRED_MESSAGE = 'admission control plugin name is required';

/** The seed's Talos default PodSecurityConfiguration. */
export const TALOS_DEFAULT_POD_SECURITY = {
  apiVersion: 'pod-security.admission.config.k8s.io/v1alpha1',
  kind: 'PodSecurityConfiguration',
  defaults: {
    enforce: 'baseline',
    'enforce-version': 'latest',
    audit: 'restricted',
    'audit-version': 'latest',
    warn: 'restricted',
    'warn-version': 'latest',
  },
  exemptions: { usernames: [], runtimeClasses: [], namespaces: ['kube-system'] },
} as const;

/** The built-in default source: a Talos v1alpha1 machine config carrying the default PodSecurity entry. */
export const TALOS_DEFAULT_MACHINE_CONFIG = `version: v1alpha1
machine:
  type: controlplane
cluster:
  apiServer:
    admissionControl:
      - name: PodSecurity
        configuration:
          apiVersion: pod-security.admission.config.k8s.io/v1alpha1
          kind: PodSecurityConfiguration
          defaults:
            enforce: "baseline"
            enforce-version: "latest"
            audit: "restricted"
            audit-version: "latest"
            warn: "restricted"
            warn-version: "latest"
          exemptions:
            usernames: []
            runtimeClasses: []
            namespaces: [kube-system]
`;

export interface TalosProblem {
  readonly message: string;
  readonly pos?: Position;
}

/** True for a Talos v1alpha1 machine config document (`version`, `machine` or `cluster` at the top, no `kind`). */
export function isTalosV1Alpha1Document(node: TreeNode): boolean {
  if (node.kind !== 'map' || getEntry(node, 'kind') !== undefined) return false;
  return (
    getEntry(node, 'machine') !== undefined ||
    getEntry(node, 'cluster') !== undefined ||
    stringValue(getValue(node, 'version')) === 'v1alpha1'
  );
}

/** True for a Talos multi-document config document (`apiVersion: v1alpha1` plus a `kind`). */
export function isTalosKindDocument(node: TreeNode): boolean {
  return (
    node.kind === 'map' &&
    stringValue(getValue(node, 'apiVersion')) === 'v1alpha1' &&
    stringValue(getValue(node, 'kind')) !== undefined
  );
}

export function isTalosDocument(node: TreeNode): boolean {
  return isTalosV1Alpha1Document(node) || isTalosKindDocument(node);
}

/** A Talos machine config: its documents, in order. */
export interface TalosConfig {
  readonly documents: readonly TreeNode[];
}

function isDeleteDirective(node: TreeNode | undefined): boolean {
  return stringValue(getValue(node, '$patch')) === 'delete';
}

function withoutDirectives(node: TreeNode): TreeNode {
  if (node.kind === 'map')
    return {
      ...node,
      entries: node.entries.filter((e) => e.key !== '$patch').map((e) => ({ ...e, value: withoutDirectives(e.value) })),
    };
  if (node.kind === 'seq') return { ...node, items: node.items.map(withoutDirectives) };
  return node;
}

function isZeroScalar(node: TreeNode): boolean {
  if (node.kind !== 'scalar') return false;
  if (node.type === 'null') return true;
  if (node.type === 'string') return node.value === '';
  if (node.type === 'number') return Number(node.value.replaceAll('_', '')) === 0;
  return false;
}

function sameShape(a: TreeNode, b: TreeNode): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'scalar' || b.kind !== 'scalar' || a.type === b.type;
}

function shapeName(node: TreeNode): string {
  if (node.kind === 'map') return 'map';
  if (node.kind === 'seq') return 'list';
  return node.type;
}

const ADMISSION_CONTROL_PATH = 'cluster.apiServer.admissionControl';

/**
 * Merges `right` (a patch) into `left` with Talos' rules; `path` names the position for the special cases. Like
 * Talos, `$patch: delete` directives are applied first (see `applyTalosDeletes`); here they are skipped.
 */
export function mergeTalos(left: TreeNode, right: TreeNode, path: string, problems: TalosProblem[]): TreeNode {
  if (right.kind === 'scalar' && right.type === 'null') return left;
  if (left.kind === 'scalar' && left.type === 'null') return withoutDirectives(right);
  if (path === ADMISSION_CONTROL_PATH && left.kind === 'seq' && right.kind === 'seq')
    return mergeByName(left, right, path, problems);
  if (!sameShape(left, right)) {
    problems.push({
      message: `${path === '' ? 'document' : path}: cannot merge a ${shapeName(right)} into a ${shapeName(left)}`,
      pos: right.pos,
    });
    return left;
  }
  if (left.kind === 'seq' && right.kind === 'seq')
    return {
      ...left,
      items: [...left.items, ...right.items.filter((i) => !isDeleteDirective(i)).map(withoutDirectives)],
    };
  if (left.kind === 'map' && right.kind === 'map') return mergeMaps(left, right, path, problems);
  return isZeroScalar(right) && !(right.kind === 'scalar' && right.type === 'bool') ? left : right;
}

function isDeleteEntry(entry: MapEntry): boolean {
  return (
    isDeleteDirective(entry.value) ||
    (entry.value.kind === 'scalar' && entry.value.type === 'string' && entry.value.value === '$delete')
  );
}

function mergeMaps(left: MapNode, right: MapNode, path: string, problems: TalosProblem[]): MapNode {
  const entries: MapEntry[] = [...left.entries];
  for (const entry of right.entries) {
    if (entry.key === '$patch' || isDeleteEntry(entry)) continue;
    const childPath = path === '' ? entry.key : `${path}.${entry.key}`;
    const index = entries.findIndex((e) => e.key === entry.key);
    if (index < 0) entries.push({ ...entry, value: withoutDirectives(entry.value) });
    else
      entries[index] = {
        ...entries[index]!,
        value: mergeTalos(entries[index]!.value, entry.value, childPath, problems),
      };
  }
  return { ...left, entries };
}

function mergeByName(left: SeqNode, right: SeqNode, path: string, problems: TalosProblem[]): SeqNode {
  const items = [...left.items];
  for (const item of right.items) {
    if (isDeleteDirective(item)) continue;
    const name = stringValue(getValue(item, 'name'));
    const index = items.findIndex((existing) => stringValue(getValue(existing, 'name')) === name);
    if (index < 0) items.push(withoutDirectives(item));
    else items[index] = mergeTalos(items[index]!, item, `${path}[${name ?? ''}]`, problems);
  }
  return { ...left, items };
}

/** Applies the `$patch: delete` (and `key: $delete`) directives of `right` to `left`. */
export function applyTalosDeletes(left: TreeNode, right: TreeNode, path: string, problems: TalosProblem[]): TreeNode {
  if (left.kind === 'map' && right.kind === 'map') {
    let entries: MapEntry[] = [...left.entries];
    for (const entry of right.entries) {
      if (entry.key === '$patch') continue;
      const childPath = path === '' ? entry.key : `${path}.${entry.key}`;
      const index = entries.findIndex((e) => e.key === entry.key);
      if (isDeleteEntry(entry)) {
        if (index >= 0) entries = entries.filter((_, i) => i !== index);
        else problems.push({ message: `${childPath}: $patch: delete matches nothing`, pos: entry.keyPos });
      } else if (index >= 0) {
        entries[index] = {
          ...entries[index]!,
          value: applyTalosDeletes(entries[index]!.value, entry.value, childPath, problems),
        };
      }
    }
    return { ...left, entries };
  }
  if (path === ADMISSION_CONTROL_PATH && left.kind === 'seq' && right.kind === 'seq') {
    let items = [...left.items];
    for (const item of right.items) {
      if (!isDeleteDirective(item)) continue;
      const name = stringValue(getValue(item, 'name'));
      const index = items.findIndex((existing) => stringValue(getValue(existing, 'name')) === name);
      if (index >= 0) items = items.filter((_, i) => i !== index);
      else
        problems.push({
          message: `${path}: $patch: delete of ${JSON.stringify(name ?? '')} matches no entry`,
          pos: item.pos,
        });
    }
    return { ...left, items };
  }
  return left;
}

function documentIdentity(node: TreeNode): string | undefined {
  if (isTalosV1Alpha1Document(node)) return 'v1alpha1';
  if (!isTalosKindDocument(node)) return undefined;
  const kind = stringValue(getValue(node, 'kind')) ?? '';
  const name = stringValue(getValue(node, 'name'));
  return name === undefined ? kind : `${kind}/${name}`;
}

/** Applies one patch file's documents to a config, in order. */
export function applyTalosPatch(
  config: TalosConfig,
  patch: readonly TreeNode[],
  problems: TalosProblem[],
): TalosConfig {
  const documents = [...config.documents];
  for (const doc of patch) {
    if (doc.kind === 'scalar' && doc.type === 'null') continue;
    if (doc.kind === 'seq') {
      problems.push({
        message: 'JSON (RFC 6902) patches are not supported here; use a strategic merge patch',
        pos: doc.pos,
      });
      continue;
    }
    const identity = documentIdentity(doc);
    if (identity === undefined) {
      problems.push({
        message:
          'patch document is neither a v1alpha1 machine config nor a Talos config document (apiVersion: v1alpha1, kind)',
        pos: doc.pos,
      });
      continue;
    }
    const index = documents.findIndex((d) => documentIdentity(d) === identity);
    if (isDeleteDirective(doc)) {
      if (index >= 0) documents.splice(index, 1);
      else problems.push({ message: `$patch: delete of ${identity} matches no document`, pos: doc.pos });
      continue;
    }
    if (index < 0) documents.push(withoutDirectives(doc));
    else documents[index] = mergeTalos(applyTalosDeletes(documents[index]!, doc, '', problems), doc, '', problems);
  }
  return { documents };
}

/** Where the PodSecurity configuration of a Talos config lives. */
export interface TalosAdmission {
  /** Legacy entries named PodSecurity under `cluster.apiServer.admissionControl`. */
  readonly legacy: readonly TreeNode[];
  /** All legacy admission plugin entries (any name). */
  readonly legacyEntries: readonly TreeNode[];
  /** `KubeAdmissionControlConfig` documents named PodSecurity. */
  readonly documents: readonly TreeNode[];
  /** All `KubeAdmissionControlConfig` documents. */
  readonly allDocuments: readonly TreeNode[];
  /** The `admissionControl` list node, when present. */
  readonly legacyList?: TreeNode;
}

export function findTalosAdmission(config: TalosConfig): TalosAdmission {
  const legacyEntries: TreeNode[] = [];
  let legacyList: TreeNode | undefined;
  const allDocuments: TreeNode[] = [];
  for (const doc of config.documents) {
    if (isTalosV1Alpha1Document(doc)) {
      const list = getValue(getValue(getValue(doc, 'cluster'), 'apiServer'), 'admissionControl');
      if (list?.kind === 'seq') {
        legacyList = list;
        legacyEntries.push(...list.items);
      }
    } else if (isTalosKindDocument(doc) && stringValue(getValue(doc, 'kind')) === TALOS_ADMISSION_KIND) {
      allDocuments.push(doc);
    }
  }
  const named = (node: TreeNode): boolean => stringValue(getValue(node, 'name')) === POD_SECURITY_PLUGIN;
  return {
    legacy: legacyEntries.filter(named),
    legacyEntries,
    documents: allDocuments.filter(named),
    allDocuments,
    ...(legacyList === undefined ? {} : { legacyList }),
  };
}
