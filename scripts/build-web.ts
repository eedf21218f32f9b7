// `npm run build:web`: bundles the playground (web/) into dist/web/ as static files: index.html, playground.css and
// one ES module with the engine, CodeMirror and the page. Prints the gzipped size against the 400 KiB budget.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'web');
/** The budget for engine + UI, gzipped (issue 13). */
const BUDGET_BYTES = 400 * 1024;

export async function buildWeb(): Promise<{
  readonly files: readonly { name: string; bytes: number; gzip: number }[];
}> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'web', 'src', 'main.ts')],
    outfile: join(OUT, 'playground.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    // src/config/load.ts resolves file names with node:path; the page's files are in memory under `/`.
    alias: { 'node:path': join(ROOT, 'web', 'src', 'posix-path.ts') },
    loader: { '.yaml': 'text' },
    logLevel: 'warning',
  });
  for (const name of ['index.html', 'playground.css']) copyFileSync(join(ROOT, 'web', 'public', name), join(OUT, name));
  const files = ['playground.js', 'playground.css', 'index.html'].map((name) => {
    const bytes = readFileSync(join(OUT, name));
    return { name, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  return { files };
}

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files } = await buildWeb();
  for (const f of files) process.stdout.write(`dist/web/${f.name}: ${kib(f.bytes)} (${kib(f.gzip)} gzipped)\n`);
  const total = files.reduce((sum, f) => sum + f.gzip, 0);
  process.stdout.write(`total: ${kib(total)} gzipped (budget ${kib(BUDGET_BYTES)})\n`);
  if (total > BUDGET_BYTES) {
    process.stderr.write('build:web: the playground is over its size budget\n');
    process.exitCode = 1;
  }
}
