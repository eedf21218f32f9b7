/**
 * `npm run bench [-- [filter...] [--flag ...]]`: prints the machine once, then runs every `bench/*.bench.ts` (or those
 * whose name contains a filter) in sequence as a child process, with its output passed through. The first argument
 * starting with `--` and everything after it go to every benchmark. The Go oracle is built once and passed on as `PSA_ORACLE`; the machine description
 * is also written to `bench/.out/machine.json` for the benchmarks' own result files. Exits 1 if any benchmark fails.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOracle } from '../conformance/lib/oracle.ts';
import { benchOutDir, formatMachine, machineInfo } from './lib/machine.ts';

const here = dirname(fileURLToPath(import.meta.url));

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: 'inherit', env });
    child.on('error', (error) => {
      process.stderr.write(`bench: cannot start ${file}: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(signal === null ? (code ?? 1) : 1));
  });
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  // Filters come first; from the first `--flag` on, everything (flags and their values) goes to the benchmarks.
  const firstFlag = argv.findIndex((a) => a.startsWith('--'));
  const filters = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
  const passThrough = firstFlag === -1 ? [] : argv.slice(firstFlag);
  const files = readdirSync(here)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`bench: no benchmark matches ${filters.join(', ')}\n`);
    return 2;
  }
  const machine = machineInfo();
  process.stdout.write(`${formatMachine(machine)}\n`);
  const out = benchOutDir();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'machine.json'), `${JSON.stringify(machine, null, 2)}\n`);

  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_OUT: out };
  try {
    env['PSA_ORACLE'] = buildOracle({ log: (line) => process.stdout.write(`${line}\n`) });
  } catch (error) {
    process.stderr.write(
      `bench: the Go oracle is unavailable (${(error as Error).message}); upstream columns will fail\n`,
    );
  }
  const failed: string[] = [];
  for (const name of files) {
    process.stdout.write(`\n== ${name}\n`);
    const code = await run(join(here, name), passThrough, env);
    if (code !== 0) {
      failed.push(name);
      process.stdout.write(`== ${name}: FAILED (exit ${String(code)})\n`);
    }
  }
  if (failed.length > 0) process.stdout.write(`\nbench: failed: ${failed.join(', ')}\n`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
