#!/usr/bin/env node
// The `psa` binary. The only place that exits the process: commands return exit codes.
import process from 'node:process';
import type { CliIo } from './process-io.ts';

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
};
const [command, ...rest] = process.argv.slice(2);

try {
  // Loaded on demand: `psa check` never pays for the server's modules, nor a `--workers` primary for the CLI's;
  // `completion` describes both, so it is routed here too.
  const code =
    command === 'serve'
      ? await (await import('./server/command.ts')).runServeCommand(rest, io)
      : command === 'completion'
        ? await (await import('./completion/command.ts')).runCompletionCommand(rest, io)
        : await (await import('./cli/run.ts')).runCli(process.argv.slice(2), io);
  process.exitCode = code;
} catch (error) {
  // A bug, not bad input: say so briefly, keep the stack for PSA_DEBUG.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`psa: internal error: ${message}\n`);
  if (process.env['PSA_DEBUG']) process.stderr.write(`${error instanceof Error ? (error.stack ?? '') : ''}\n`);
  process.exitCode = 70;
}
