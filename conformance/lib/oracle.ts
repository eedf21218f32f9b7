/**
 * The Go oracle from the TypeScript side: building the binary once, and a streaming client that sends batches of JSON
 * lines to one `oracle <mode>` process and hands back the answers in request order.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Go module's directory. */
export const ORACLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'oracle');
/** Where `buildOracle` puts the binary. */
export const ORACLE_BINARY = join(ORACLE_DIR, 'bin', 'oracle');

/** The oracle could not be built or started, or it broke the line protocol. */
export class OracleError extends Error {
  override readonly name = 'OracleError';
}

function newestSourceTime(): number {
  let newest = 0;
  for (const name of readdirSync(ORACLE_DIR)) {
    if (name.endsWith('.go') || name === 'go.mod' || name === 'go.sum') {
      newest = Math.max(newest, statSync(join(ORACLE_DIR, name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds the oracle unless the binary is newer than every Go source, and returns its path. `PSA_ORACLE`, when set,
 * names a ready binary and skips the build (the conformance runner builds once and passes it to every suite).
 */
export function buildOracle(options: { readonly log?: (line: string) => void } = {}): string {
  const fromEnv = process.env['PSA_ORACLE'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new OracleError(`PSA_ORACLE=${fromEnv}: no such file`);
    return fromEnv;
  }
  if (existsSync(ORACLE_BINARY) && statSync(ORACLE_BINARY).mtimeMs >= newestSourceTime()) return ORACLE_BINARY;
  options.log?.(`building the Go oracle in ${ORACLE_DIR}`);
  try {
    execFileSync('go', ['build', '-o', ORACLE_BINARY, '.'], { cwd: ORACLE_DIR, stdio: ['ignore', 'inherit', 'pipe'] });
  } catch (cause) {
    const stderr = (cause as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new OracleError(`go build failed in ${ORACLE_DIR}${stderr === '' ? '' : `:\n${stderr}`}`, { cause });
  }
  return ORACLE_BINARY;
}

interface Pending<Res> {
  readonly expected: number;
  readonly results: Res[];
  readonly resolve: (results: Res[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One running `oracle <mode>` process. Requests are JSON values written one per line; the oracle answers each with
 * one JSON line, in order. Batches may be sent back to back; each resolves with exactly its own answers.
 */
export interface OracleClient<Req, Res> {
  /** Sends the requests as one stream and resolves with one answer per request, in the same order. */
  send(requests: readonly Req[]): Promise<Res[]>;
  /** Ends stdin and waits for the process to exit. */
  close(): Promise<void>;
}

export interface StartOracleOptions {
  /** The binary; default: `buildOracle()`. */
  readonly binary?: string;
  /** Extra arguments after the mode, e.g. `['-benchtime', '2s']`. */
  readonly args?: readonly string[];
}

/** Starts `oracle <mode> [...args]` and returns a client for it. */
export function startOracle<Req, Res>(mode: string, options: StartOracleOptions = {}): OracleClient<Req, Res> {
  const binary = options.binary ?? buildOracle();
  const child: ChildProcessWithoutNullStreams = spawn(binary, [mode, ...(options.args ?? [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const queue: Pending<Res>[] = [];
  let stderr = '';
  let buffered = '';
  let failure: Error | undefined;
  let exitError: Error | undefined;

  const fail = (error: Error): void => {
    failure ??= error;
    for (const pending of queue.splice(0)) pending.reject(failure);
  };

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let start = 0;
    for (let nl = buffered.indexOf('\n', start); nl >= 0; nl = buffered.indexOf('\n', start)) {
      const line = buffered.slice(start, nl);
      start = nl + 1;
      if (line === '') continue;
      const head = queue[0];
      if (head === undefined) {
        fail(new OracleError(`oracle ${mode}: unexpected output line: ${line.slice(0, 200)}`));
        return;
      }
      let value: Res;
      try {
        value = JSON.parse(line) as Res;
      } catch (cause) {
        fail(new OracleError(`oracle ${mode}: output is not JSON: ${line.slice(0, 200)}`, { cause }));
        return;
      }
      head.results.push(value);
      if (head.results.length === head.expected) {
        queue.shift();
        head.resolve(head.results);
      }
    }
    buffered = buffered.slice(start);
  });
  child.on('error', (error) => fail(new OracleError(`oracle ${mode}: ${error.message}`, { cause: error })));
  const exited = new Promise<void>((resolveExit) => {
    child.on('close', (code, signal) => {
      if (queue.length > 0 || (code !== 0 && code !== null) || signal !== null) {
        const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        exitError = new OracleError(`oracle ${mode} stopped (${how})${stderr === '' ? '' : `: ${stderr.trim()}`}`);
        fail(exitError);
      }
      resolveExit();
    });
  });
  // A write after the process died reports EPIPE here; the close handler explains why.
  child.stdin.on('error', () => undefined);

  return {
    send(requests) {
      if (failure !== undefined) return Promise.reject(failure);
      if (requests.length === 0) return Promise.resolve([]);
      return new Promise<Res[]>((resolveSend, rejectSend) => {
        queue.push({ expected: requests.length, results: [], resolve: resolveSend, reject: rejectSend });
        // Join in slices so one huge batch does not become one huge string.
        const slice = 2000;
        for (let i = 0; i < requests.length; i += slice) {
          let text = '';
          for (const request of requests.slice(i, i + slice)) text += `${JSON.stringify(request)}\n`;
          child.stdin.write(text);
        }
      });
    },
    async close() {
      child.stdin.end();
      await exited;
      if (exitError !== undefined) throw exitError;
    },
  };
}

/** A line for the `eval` and `bench` modes. */
export interface EvalRequest {
  readonly id: number | string;
  readonly level: string;
  readonly version: string;
  readonly pod: unknown;
}

/** The `eval` mode's answer: upstream's aggregate, or why the request could not be evaluated. */
export type EvalResponse =
  | {
      readonly id: number | string;
      readonly allowed: boolean;
      readonly reasons: readonly string[];
      readonly details: readonly string[];
      readonly forbiddenReason: string;
      readonly forbiddenDetail: string;
      readonly error?: undefined;
    }
  | { readonly id: number | string; readonly error: string };

/** The `bench` mode's answer. */
export type BenchResponse =
  | {
      readonly id: number | string;
      readonly iterations: number;
      readonly nsPerOp: number;
      readonly opsPerSec: number;
      /** Process CPU time (all threads, GC included) per op over the same run. */
      readonly cpuNsPerOp: number;
      readonly error?: undefined;
    }
  | { readonly id: number | string; readonly error: string };
