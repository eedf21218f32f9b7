import { parseLevelVersion } from '../../api/level-version.ts';
import { LabelKeys } from '../../api/labels.ts';
import { exemptNamespaceWarning, policyToEvaluate, ViolationTally } from '../../admission/index.ts';
import type { CliIo } from '../../process-io.ts';
import { applyDefaults, evaluate } from '../adapters.ts';
import { booleanOption, parseCommandArgs, stringOption, UsageError } from '../args.ts';
import { NAMESPACE_HELP } from '../help.ts';
import { compareCodePoints } from '../input/sources.ts';
import { displayKind, kindInfo } from '../kinds.ts';
import { paletteFor } from '../output/color.ts';
import { formatProblem } from '../output/text.ts';
import { fieldIssueProblems, readManifests } from '../pipeline.ts';
import { loadSettings, readOptions } from './check.ts';

/** The flags of this command (also read by `psa completion`). */
export const OPTIONS = {
  namespace: { type: 'string', short: 'n' },
  config: { type: 'string' },
  'talos-patch': { type: 'string', multiple: true },
  'max-document-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface OwnerGroup {
  readonly ref: string;
  readonly where: string;
  pods: number;
  readonly reasons: Map<string, number>;
}

/**
 * `psa namespace dry-run NAMESPACE LEVEL[:VERSION] PATH...`: upstream's warnings for labelling a namespace
 * `enforce=LEVEL` over the pods (and workload templates) in PATH, without the 3,000-pod cap or time budget, then the
 * violations grouped by owner. Streams: only one counter per distinct reason set and per owner is kept.
 */
export async function runNamespaceCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, OPTIONS);
  if (booleanOption(parsed, 'help')) {
    io.stdout.write(NAMESPACE_HELP);
    return 0;
  }
  const [sub, namespace, levelText, ...paths] = parsed.positionals;
  if (sub !== 'dry-run')
    throw new UsageError(
      sub === undefined ? 'missing subcommand: dry-run' : `unknown subcommand ${JSON.stringify(sub)}: only dry-run`,
    );
  if (namespace === undefined || levelText === undefined)
    throw new UsageError('usage: psa namespace dry-run NAMESPACE LEVEL[:VERSION] PATH...');
  if (paths.length === 0)
    throw new UsageError("no input: give files or folders with the namespace's pods and workloads (or - for stdin)");
  const lv = parseLevelVersion(levelText);
  if (!lv.ok) throw new UsageError(lv.error);
  const enforce = lv.value;
  const settings = await loadSettings(parsed, io);
  if (settings === undefined) return 2;
  const options = readOptions(parsed, io);
  const defaultNamespace = stringOption(parsed, 'namespace') ?? namespace;
  const palette = paletteFor(io);
  const exemptRuntimeClass = (rc: string | undefined): boolean =>
    rc !== undefined && rc !== '' && settings.exemptions.runtimeClasses.includes(rc);

  if (settings.exemptions.namespaces.includes(namespace)) {
    const labels = {
      [LabelKeys.enforce]: enforce.level,
      ...(enforce.version.latest ? {} : { [LabelKeys.enforceVersion]: enforce.version.text }),
    };
    const policy = policyToEvaluate(labels, settings.defaults).policy;
    const warning = exemptNamespaceWarning(namespace, policy, labels, settings.defaults);
    if (warning !== '') io.stdout.write(`${palette.yellow('Warning:')} ${warning}\n`);
    io.stdout.write(`namespace/${namespace} labeled (server dry run)\n`);
    return 0;
  }

  const tally = new ViolationTally();
  const owners = new Map<string, OwnerGroup>();
  let errors = 0;
  let checked = 0;
  for await (const item of readManifests(paths, options)) {
    if (item.type === 'problem') {
      errors++;
      io.stderr.write(`error: ${formatProblem(item.problem)}\n`);
      continue;
    }
    if (item.type !== 'pod-bearing' || item.template === null) continue;
    if ((item.metadata.namespace ?? defaultNamespace) !== namespace) continue;
    if (item.issues.length > 0) {
      errors++;
      for (const problem of fieldIssueProblems(item.object, item.issues))
        io.stderr.write(`error: ${formatProblem(problem)}\n`);
      continue;
    }
    if (item.kind === 'PodTemplate') continue;
    if (exemptRuntimeClass(item.template.spec.runtimeClassName)) continue;
    checked++;
    const isPod = item.kind === 'Pod';
    const shape = applyDefaults(item.template, true);
    const result = evaluate(enforce, shape.metadata, shape.spec);
    if (result.allowed) continue;
    const name = item.metadata.name ?? '';
    const podName = isPod ? name : (kindInfo(item.kind)?.podName(name) ?? name);
    const key = result.forbiddenReason;
    tally.add(podName, key);
    const controller = isPod ? item.metadata.ownerReferences?.find((o) => o.controller === true) : undefined;
    const ownerRef = isPod
      ? controller === undefined
        ? `pod/${name}`
        : `${(controller.kind ?? 'owner').toLowerCase()}/${controller.name ?? ''}`
      : `${displayKind(item.apiVersion, item.kind)}/${name}`;
    let owner = owners.get(ownerRef);
    if (owner === undefined) {
      owner = { ref: ownerRef, where: `${item.object.file}:${item.object.position.line}`, pods: 0, reasons: new Map() };
      owners.set(ownerRef, owner);
    }
    owner.pods++;
    owner.reasons.set(key, (owner.reasons.get(key) ?? 0) + 1);
  }

  const warnings = tally.warnings(namespace, enforce);
  for (const w of warnings) io.stdout.write(`${palette.yellow('Warning:')} ${w}\n`);
  io.stdout.write(`namespace/${namespace} labeled (server dry run)\n`);
  if (owners.size > 0) {
    io.stdout.write(`\nViolations by owner (${checked} ${checked === 1 ? 'pod' : 'pods'} checked, no cap):\n`);
    for (const o of [...owners.values()].sort((a, b) => compareCodePoints(a.ref, b.ref))) {
      for (const [reasons, n] of o.reasons) {
        io.stdout.write(`  ${o.ref} (${o.where}): ${n} ${n === 1 ? 'pod' : 'pods'}: ${reasons}\n`);
      }
    }
  }
  if (errors > 0) return 2;
  return warnings.length > 0 ? 1 : 0;
}
