/**
 * The bundled build of the `psa` binary (`npm run build` runs it after `tsc`; the package's `bin`), made by esbuild as
 * two CommonJS files:
 *
 * - dist/psa.cjs, the launcher: src/main.ts, the command dispatcher (src/cli/run.ts), the help texts and
 *   `psa version`. `psa --version` and `psa --help` read this one small file.
 * - dist/psa-commands.cjs: every other command module (`src/cli/commands/*.ts` that run.ts imports) and all they
 *   share (policy, admission, config, the YAML library). The launcher requires it when such a command runs.
 *
 * So a one-file `psa check` reads two files instead of ~160 modules, and skips Node's ES module loader, which
 * `node -e 0` never starts either (docs/perf/startup.md). `psa serve` and `psa audit` run the tsc build (dist/server/,
 * dist/cli/commands/audit.js, with their libraries in node_modules): the client library must not load with the others.
 *
 *   node --import tsx scripts/bundle-cli.ts [OUTFILE]     # default dist/psa.cjs (commands beside it)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { codeCacheFile, COMMANDS_FILE, WRITE_CODE_CACHE_ENV } from '../src/cli/commands-bundle.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMMANDS_BUNDLE_TS = join(ROOT, 'src', 'cli', 'commands-bundle.ts');
const RUN_TS = join('src', 'cli', 'run.ts');

/** What both files share: CommonJS for Node 20, the server's libraries external, import.meta.url given. */
const COMMON: BuildOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  external: ['@kubernetes/client-node', 'pino', 'prom-client'],
  // Less text for V8 to scan at start-up; names are kept, so messages and stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS has no import.meta: give the bundle's modules the bundle file's URL (version.ts finds package.json
  // from it).
  define: { 'import.meta.url': 'psaBundleUrl' },
  banner: { js: "const psaBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
};

/**
 * In the launcher: `import('./server/command.ts')` from main.ts stays a real import of the tsc build beside the file,
 * and each `import('./commands/NAME.ts')` from run.ts but `version` becomes `require('./psa-commands.cjs').NAME`
 * (collected in `commands` for the second build).
 */
function launcherPlugin(commands: Map<string, string>): Plugin {
  return {
    name: 'psa-launcher',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\.\/server\/command\.ts$/ }, (args) =>
        args.importer.endsWith(join('src', 'main.ts')) ? { path: './server/command.js', external: true } : undefined,
      );
      // `psa completion` (routed by main.ts) describes every command: it goes with them, not into the launcher.
      pluginBuild.onResolve({ filter: /^\.\/completion\/command\.ts$/ }, (args) => {
        if (!args.importer.endsWith(join('src', 'main.ts'))) return undefined;
        commands.set('completion-command', join(dirname(args.importer), args.path));
        return { path: 'completion-command', namespace: 'psa-command' };
      });
      pluginBuild.onResolve({ filter: /^\.\/commands\/[a-z-]+\.ts$/ }, (args) => {
        if (!args.importer.endsWith(RUN_TS) || args.path === './commands/version.ts') return undefined;
        // `psa audit` talks to clusters through @kubernetes/client-node, whose require costs ~300 ms: in the commands
        // file it would run for every command. It loads the tsc build instead, as `psa serve` does.
        if (args.path === './commands/audit.ts') return { path: './cli/commands/audit.js', external: true };
        const name = basename(args.path, '.ts');
        commands.set(name, join(dirname(args.importer), args.path));
        return { path: name, namespace: 'psa-command' };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'psa-command' }, (args) => ({
        // The commands file exports each module under its name with `-` as `_` (`audit-log` is `audit_log`); it is
        // loaded with V8's code cache where the build made one (src/cli/commands-bundle.ts).
        contents:
          `module.exports = require(${JSON.stringify(COMMANDS_BUNDLE_TS)}).loadCommandsBundle(__dirname)` +
          `[${JSON.stringify(args.path.replaceAll('-', '_'))}];`,
        loader: 'js',
        resolveDir: ROOT,
      }));
    },
  };
}

/** Bundles the CLI: the launcher into `outfile`, the commands beside it; returns the launcher's path. */
export async function bundleCli(outfile = join(ROOT, 'dist', 'psa.cjs')): Promise<string> {
  const commands = new Map<string, string>();
  await build({ ...COMMON, entryPoints: [join(ROOT, 'src', 'main.ts')], outfile, plugins: [launcherPlugin(commands)] });
  const entry = [...commands]
    .map(([name, file]) => `export * as ${name.replaceAll('-', '_')} from ${JSON.stringify(file)};`)
    .join('\n');
  await build({
    ...COMMON,
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'psa-commands.ts', loader: 'ts' },
    outfile: join(dirname(outfile), COMMANDS_FILE),
  });
  writeCodeCache(outfile);
  return outfile;
}

/**
 * Runs one check with the new binary so the launcher saves V8's code cache of the commands file, with the functions a
 * check compiles (src/cli/commands-bundle.ts); caches of other V8 versions left by earlier builds are removed.
 */
function writeCodeCache(launcher: string): void {
  const dir = dirname(launcher);
  for (const name of readdirSync(dir))
    if (name.startsWith(`${COMMANDS_FILE}.v8-`) && name.endsWith('.cache')) rmSync(join(dir, name));
  const run = spawnSync(process.execPath, [launcher, 'check', '-o', 'json', join(ROOT, 'examples')], {
    env: { ...process.env, [WRITE_CODE_CACHE_ENV]: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`the warm-up check for the code cache failed (exit ${String(run.status)}): ${run.stderr}`);
  if (!existsSync(codeCacheFile(dir))) throw new Error(`the warm-up check wrote no code cache in ${dir}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = await bundleCli(process.argv[2]);
  process.stdout.write(`bundled the psa binary: ${file} (commands in ${COMMANDS_FILE} beside it)\n`);
}
