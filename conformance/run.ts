/**
 * `npm run test:conformance [-- [--cases N] [--seed S] [filter...]]`: builds the Go oracle once, then runs every
 * `conformance/*.conformance.ts` suite (or those whose name contains a filter) in sequence as a child process with
 * `PSA_ORACLE` set to the binary. Exits 1 if any suite fails, 2 on a bad command line or a failed build.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSuiteArgs, parseSuiteArgs, UsageError } from './lib/args.ts';
import { buildOracle, OracleError } from './lib/oracle.ts';

const here = dirname(fileURLToPath(import.meta.url));

function runSuite(file: string, args: readonly string[], oracle: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      stdio: 'inherit',
      env: { ...process.env, PSA_ORACLE: oracle },
    });
    child.on('error', (error) => {
      process.stderr.write(`conformance: cannot start ${file}: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(signal === null ? (code ?? 1) : 1));
  });
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseSuiteArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(
      `conformance: ${error.message}\nusage: npm run test:conformance -- [--cases N] [--seed S] [filter...]\n`,
    );
    return 2;
  }
  const suites = readdirSync(here)
    .filter((name) => name.endsWith('.conformance.ts'))
    .filter((name) => options.positionals.length === 0 || options.positionals.some((f) => name.includes(f)))
    .sort();
  if (suites.length === 0) {
    process.stderr.write(`conformance: no suite matches ${options.positionals.join(', ')}\n`);
    return 2;
  }
  let oracle: string;
  try {
    oracle = buildOracle({ log: (line) => process.stdout.write(`${line}\n`) });
  } catch (error) {
    if (!(error instanceof OracleError)) throw error;
    process.stderr.write(`conformance: ${error.message}\n`);
    return 2;
  }
  const started = Date.now();
  const failed: string[] = [];
  for (const name of suites) {
    const file = join(here, name);
    process.stdout.write(`\n== ${relative(process.cwd(), file)}\n`);
    const suiteStarted = Date.now();
    const code = await runSuite(file, formatSuiteArgs(options), oracle);
    const took = ((Date.now() - suiteStarted) / 1000).toFixed(1);
    process.stdout.write(`== ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${String(code)})`} in ${took} s\n`);
    if (code !== 0) failed.push(name);
  }
  const took = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `\nconformance: ${String(suites.length - failed.length)}/${String(suites.length)} suites passed in ${took} s` +
      (failed.length > 0 ? `; failed: ${failed.join(', ')}` : '') +
      '\n',
  );
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
