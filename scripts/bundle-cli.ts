/**
 * The bundled build of the `psa` binary (`npm run build` runs it after `tsc`; the package's `bin`): src/main.ts and
 * everything it imports in one CommonJS file, dist/psa.cjs. `psa check` then reads one file instead of ~160 modules
 * and skips Node's ES module loader, which `node -e 0` never starts either (docs/perf/startup.md). Modules reached
 * by dynamic import (each command) are still only evaluated when used. `psa serve` runs the tsc build of the server
 * (dist/server/, with its libraries in node_modules), so the bundle holds only what the CLI commands need.
 *
 *   node --import tsx scripts/bundle-cli.ts [OUTFILE]     # default dist/psa.cjs
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `psa serve` is left out of the bundle: main.ts's `import('./server/command.ts')` loads the tsc build beside it
 * (dist/server/command.js, an ES module) when, and only when, the webhook runs.
 */
const serverFromTscBuild: Plugin = {
  name: 'server-from-tsc-build',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/server\/command\.ts$/ }, (args) =>
      args.importer.endsWith(join('src', 'main.ts')) ? { path: './server/command.js', external: true } : undefined,
    );
  },
};

/** Bundles the CLI into `outfile`; returns its path. */
export async function bundleCli(outfile = join(ROOT, 'dist', 'psa.cjs')): Promise<string> {
  await build({
    entryPoints: [join(ROOT, 'src', 'main.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    external: ['@kubernetes/client-node', 'pino', 'prom-client'],
    plugins: [serverFromTscBuild],
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
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = await bundleCli(process.argv[2]);
  process.stdout.write(`bundled the psa binary: ${file}\n`);
}
