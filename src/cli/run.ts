/** The `psa` command dispatcher (every command but `serve`, which `src/main.ts` routes to the webhook). */
import type { CliIo, CommandRunner } from '../process-io.ts';
import { UsageError } from './args.ts';
import { didYouMean } from '../suggest.ts';
import { MAIN_HELP } from './help.ts';

/** Commands `src/main.ts` routes before the CLI sees them; named here for "did you mean". */
const ROUTED_IN_MAIN = ['serve', 'completion'] as const;

/**
 * Each command's module, loaded only when that command runs: a one-file `psa check` (pre-commit hooks, editors) or
 * `psa --version` pays for its own code, not every command's (see docs/perf/startup.md).
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandRunner>>> = {
  check: async () => (await import('./commands/check.ts')).runCheckCommand,
  'audit-log': async () => (await import('./commands/audit-log.ts')).runAuditLogCommand,
  explain: async () => (await import('./commands/explain.ts')).runExplainCommand,
  fix: async () => (await import('./commands/fix.ts')).runFixCommand,
  namespace: async () => (await import('./commands/namespace.ts')).runNamespaceCommand,
  audit: async () => (await import('./commands/audit.ts')).runAuditCommand,
  config: async () => (await import('./commands/config.ts')).runConfigCommand,
  playground: async () => (await import('./commands/playground.ts')).runPlaygroundCommand,
  version: async () => (await import('./commands/version.ts')).runVersionCommand,
};

/** Runs one CLI invocation; returns the exit code (0 clean, 1 violations, 2 usage/input/config errors). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  ignoreBrokenPipe(io);
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) return runCli([topic, '--help'], io);
    (command === undefined ? io.stderr : io.stdout).write(MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') return (await COMMANDS['version']!())([], io);
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (load === undefined) {
    const known = [...Object.keys(COMMANDS), ...ROUTED_IN_MAIN, 'help'];
    io.stderr.write(
      `psa: unknown command ${JSON.stringify(command)}${didYouMean(command, known)}\nRun 'psa --help' for the commands.\n`,
    );
    return 2;
  }
  const runner = await load();
  try {
    return await runner(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`psa ${command}: ${error.message}\nRun 'psa ${command} --help' for usage.\n`);
      return 2;
    }
    throw error;
  }
}

/** `psa check ... | head`: a closed stdout is not an error worth a stack trace; stop caring about the output. */
function ignoreBrokenPipe(io: CliIo): void {
  for (const stream of [io.stdout, io.stderr]) {
    const emitter = stream as { on?: (event: string, listener: (error: NodeJS.ErrnoException) => void) => unknown };
    if (typeof emitter.on !== 'function') continue;
    emitter.on('error', (error) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
