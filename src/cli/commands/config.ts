/**
 * `psa config show|lint|render`: thin wrappers over `src/config`. Results go to stdout, diagnostics to stderr;
 * exit 0 clean, 1 lint errors, 2 usage or configuration errors.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatConfigError, type Finding, type LoadOptions, resolveConfiguration } from '../../config/load.ts';
import { readExemptionGovernance } from '../../config/exemption-metadata.ts';
import { lintConfiguration } from '../../config/lint.ts';
import { annotateExemptions, renderExemptionList } from '../../config/render-exemptions.ts';
import {
  renderAdmissionConfiguration,
  renderDocument,
  renderTalosPatch,
  renderTalosResource,
} from '../../config/render.ts';
import { formatPosition } from '../../config/tree.ts';
import type { CliIo, CommandRunner } from '../../process-io.ts';
import { didYouMean, suggestFlag } from '../../suggest.ts';

export const CONFIG_HELP = `Usage: psa config <show|lint|render> [flags]

Reads the Pod Security Admission configuration from a PodSecurityConfiguration file (YAML or JSON), an
AdmissionConfiguration file (inline configuration or path), or a Talos machine config (legacy
cluster.apiServer.admissionControl or a KubeAdmissionControlConfig document). Without --config, Talos'
default applies (enforce baseline, audit and warn restricted, kube-system exempt).

Commands:
  show     print the effective PodSecurityConfiguration
  lint     report problems with file:line:col; exit 1 when any is an error
  render   print --as admission-configuration | talos-resource | talos-patch

Flags:
  -c, --config FILE        configuration file (kind detected from its content)
  -p, --talos-patch FILE   Talos machine-config patch applied on top (repeatable, in order)
  -o, --output FORMAT      show: yaml (default) or json
      --as FORMAT          render: admission-configuration, talos-resource or talos-patch
      --exemption-metadata FILE
                           owner, expiry and reason of each exemption, by kind and value (YAML: namespaces,
                           usernames, runtimeClasses, each a map of value -> {owner, expires, reason}); without it,
                           comments on the exemption's list item: # owner: team-x, expires: 2027-03-01, reason: ...
      --require-owner      lint: warn on exemptions without an owner
      --exemptions         show: list the exemptions with their metadata instead of the configuration
  -h, --help               this help

Lint warns on exemptions whose expiry date has passed (and notes those expiring within 30 days); show prints the
metadata as comments on the exemptions.
`;

/** The flags of `psa config` (also read by `psa completion`). */
export const CONFIG_OPTIONS = {
  config: { type: 'string', short: 'c' },
  'talos-patch': { type: 'string', short: 'p', multiple: true },
  output: { type: 'string', short: 'o' },
  as: { type: 'string' },
  'exemption-metadata': { type: 'string' },
  'require-owner': { type: 'boolean' },
  exemptions: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const SUBCOMMANDS = ['show', 'lint', 'render'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
export const RENDER_FORMATS = ['admission-configuration', 'talos-resource', 'talos-patch'] as const;

class ConfigUsageError extends Error {
  override readonly name = 'ConfigUsageError';
}

interface ConfigArgs {
  readonly sub: Subcommand;
  readonly config?: string;
  readonly patches: readonly string[];
  readonly output: 'yaml' | 'json';
  readonly as?: (typeof RENDER_FORMATS)[number];
  readonly help: boolean;
  readonly exemptionMetadata?: string;
  readonly requireOwner: boolean;
  readonly listExemptions: boolean;
}

function parseConfigArgs(argv: readonly string[]): ConfigArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: CONFIG_OPTIONS,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    const missing = /^Option '(?:-\w, )?([^' ]+)[^']*' argument missing/.exec(message);
    if (unknown?.[1] !== undefined)
      throw new ConfigUsageError(`unknown flag ${unknown[1]}${suggestFlag(unknown[1], CONFIG_OPTIONS)}`);
    if (missing?.[1] !== undefined) throw new ConfigUsageError(`flag ${missing[1]} needs a value`);
    const dot = message.indexOf('. ');
    throw new ConfigUsageError(dot > 0 ? message.slice(0, dot) : message);
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  const [subText, ...extra] = positionals;
  if (subText === undefined) {
    if (help) return { sub: 'show', patches: [], output: 'yaml', help, requireOwner: false, listExemptions: false };
    throw new ConfigUsageError('missing subcommand: show, lint or render');
  }
  if (!(SUBCOMMANDS as readonly string[]).includes(subText))
    throw new ConfigUsageError(
      `unknown subcommand ${JSON.stringify(subText)}${didYouMean(subText, SUBCOMMANDS)}: want show, lint or render`,
    );
  if (extra.length > 0) throw new ConfigUsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const sub = subText as Subcommand;
  const output = values.output ?? 'yaml';
  if (output !== 'yaml' && output !== 'json')
    throw new ConfigUsageError(`invalid value ${JSON.stringify(output)} for --output: must be one of yaml, json`);
  if (values.output !== undefined && sub !== 'show') throw new ConfigUsageError('--output applies to show only');
  const asText = values.as;
  if (sub === 'render') {
    if (asText === undefined) throw new ConfigUsageError(`render needs --as ${RENDER_FORMATS.join('|')}`);
    if (!(RENDER_FORMATS as readonly string[]).includes(asText))
      throw new ConfigUsageError(
        `invalid value ${JSON.stringify(asText)} for --as: must be one of ${RENDER_FORMATS.join(', ')}`,
      );
  } else if (asText !== undefined) {
    throw new ConfigUsageError('--as applies to render only');
  }
  if (values['require-owner'] === true && sub !== 'lint')
    throw new ConfigUsageError('--require-owner applies to lint only');
  if (values.exemptions === true && sub !== 'show') throw new ConfigUsageError('--exemptions applies to show only');
  const metadataFile = values['exemption-metadata'];
  return {
    sub,
    ...(values.config === undefined ? {} : { config: values.config }),
    patches: values['talos-patch'] ?? [],
    output,
    ...(asText === undefined ? {} : { as: asText as (typeof RENDER_FORMATS)[number] }),
    help,
    ...(metadataFile === undefined ? {} : { exemptionMetadata: metadataFile }),
    requireOwner: values['require-owner'] === true,
    listExemptions: values.exemptions === true,
  };
}

function formatFinding(f: Finding): string {
  const where = f.pos === undefined ? '' : `${formatPosition(f.pos)}: `;
  return `${where}${f.severity}: ${f.message} [${f.code}]\n`;
}

/** `psa config ...` */
export const runConfigCommand: CommandRunner = async (argv, io: CliIo) => {
  let args: ConfigArgs;
  try {
    args = parseConfigArgs(argv);
  } catch (error) {
    if (!(error instanceof ConfigUsageError)) throw error;
    io.stderr.write(`psa config: ${error.message}\nRun 'psa config --help' for usage.\n`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(CONFIG_HELP);
    return 0;
  }
  const options: LoadOptions = {
    ...(args.config === undefined ? {} : { configPath: args.config }),
    talosPatches: args.patches,
    readFile: (path) => readFile(isAbsolute(path) ? path : resolve(io.cwd, path), 'utf8'),
    cwd: io.cwd,
  };

  if (args.sub === 'lint') {
    const result = await lintConfiguration(options, {
      ...(args.exemptionMetadata === undefined ? {} : { sidecarPath: args.exemptionMetadata }),
      requireOwner: args.requireOwner,
    });
    for (const f of result.findings) io.stdout.write(formatFinding(f));
    const errors = result.findings.filter((f) => f.severity === 'error').length;
    const warnings = result.findings.filter((f) => f.severity === 'warning').length;
    io.stderr.write(
      `${String(errors)} ${errors === 1 ? 'error' : 'errors'}, ${String(warnings)} ${warnings === 1 ? 'warning' : 'warnings'}\n`,
    );
    if (result.resolution.unreadable === true) return 2;
    return errors > 0 ? 1 : 0;
  }

  const resolution = await resolveConfiguration(options);
  if (resolution.errors.length > 0 || resolution.document === undefined || resolution.settings === undefined) {
    for (const error of resolution.errors) io.stderr.write(`psa config: ${formatConfigError(error, args.config)}\n`);
    if (resolution.errors.length === 0) io.stderr.write('psa config: configuration could not be resolved\n');
    return 2;
  }
  for (const f of resolution.findings) if (f.severity === 'warning') io.stderr.write(`psa config: ${formatFinding(f)}`);
  const document = resolution.document;
  if (args.sub === 'show') {
    const governance = await readExemptionGovernance(resolution, options.readFile, {
      ...(args.exemptionMetadata === undefined ? {} : { sidecarPath: args.exemptionMetadata }),
    });
    for (const f of governance.findings) if (f.severity !== 'info') io.stderr.write(`psa config: ${formatFinding(f)}`);
    if (args.listExemptions) io.stdout.write(renderExemptionList(governance.exemptions, args.output));
    else if (args.output === 'yaml')
      io.stdout.write(annotateExemptions(renderDocument(document, 'yaml'), governance.exemptions));
    else io.stdout.write(renderDocument(document, args.output));
    return 0;
  }
  switch (args.as) {
    case 'admission-configuration':
      io.stdout.write(renderAdmissionConfiguration(resolution, document));
      break;
    case 'talos-resource':
      io.stdout.write(renderTalosResource(resolution, document));
      break;
    default:
      io.stdout.write(renderTalosPatch(document));
  }
  return 0;
};
