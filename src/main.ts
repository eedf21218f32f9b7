#!/usr/bin/env node
// The `psa` binary. The only place that exits the process: commands return exit codes.
import module from 'node:module';
import process from 'node:process';
import type { CliIo } from './process-io.ts';

// Node >= 22.1 keeps the compiled code of the modules below on disk between runs (a one-file `psa check` starts
// faster); Node 20 has no compile cache and skips this. Set NODE_DISABLE_COMPILE_CACHE=1 to turn it off.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
};
const [command, ...rest] = process.argv.slice(2);

// Loaded on demand: `psa check` never pays for the server's modules, nor a `--workers` primary for the CLI's. No
// top-level await: the bundled binary (scripts/bundle-cli.ts) is a CommonJS file, which starts faster.
// `completion` describes both the CLI and the server, so it is routed here too.
const run =
  command === 'serve'
    ? import('./server/command.ts').then((m) => m.runServeCommand(rest, io))
    : command === 'completion'
      ? import('./completion/command.ts').then((m) => m.runCompletionCommand(rest, io))
      : import('./cli/run.ts').then((m) => m.runCli(process.argv.slice(2), io));
run.then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug, not bad input: say so briefly, keep the stack for PSA_DEBUG.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`psa: internal error: ${message}\n`);
    if (process.env['PSA_DEBUG']) process.stderr.write(`${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    process.exitCode = 70;
  },
);
