import { resolve } from 'node:path';
import type { CommandRunner } from '../process-io.ts';
import { isClusterWorker, leaveCluster, runPrimary } from './cluster.ts';
import { autoWorkers } from './cpu-budget.ts';
import { createLogger } from './logger.ts';
import { parseServeArgs, SERVE_USAGE, type ServeOptions } from './options.ts';

/**
 * `psa serve`: flags, then either the webhook in this process (`serve.ts`, loaded only here so that a `--workers`
 * primary, which only supervises, stays small) or the primary forking the workers. Exit codes: 0 after a clean
 * stop, 2 for bad flags or a server that cannot start.
 */
export const runServeCommand: CommandRunner = async (argv, io) => {
  const parsed = parseServeArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout.write(SERVE_USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    io.stderr.write(`psa serve: ${parsed.message}\nRun 'psa serve --help' for usage.\n`);
    return 2;
  }
  const options: ServeOptions = {
    ...parsed.options,
    tlsCertFile: resolve(io.cwd, parsed.options.tlsCertFile),
    tlsPrivateKeyFile: resolve(io.cwd, parsed.options.tlsPrivateKeyFile),
    clientCaFile: parsed.options.clientCaFile === undefined ? undefined : resolve(io.cwd, parsed.options.clientCaFile),
  };
  const logger = createLogger(options.logLevel, io.stdout);
  if (!isClusterWorker()) {
    let workers = options.workers;
    if (workers === 'auto') {
      const budget = autoWorkers();
      logger.info({ ...budget }, 'workers: auto');
      workers = budget.workers;
    }
    if (workers > 1) return runPrimary(workers, logger);
  }
  const { serveUntilTerminated } = await import('./serve.ts');
  const code = await serveUntilTerminated(options, logger, io);
  // A cluster worker stays connected to the primary (the IPC channel keeps it alive) until it leaves.
  if (isClusterWorker()) leaveCluster();
  return code;
};
