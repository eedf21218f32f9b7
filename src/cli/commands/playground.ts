/**
 * `psa playground`: serves the built playground (dist/web: static files only) over HTTP on this machine. The page
 * itself needs no server: the same files work from any static host (GitHub Pages) or a file server.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../process-io.ts';
import { booleanOption, parseCommandArgs, stringOption, UsageError } from '../args.ts';
import { PLAYGROUND_HELP } from '../help.ts';

/** The flags of this command (also read by `psa completion`). */
export const PLAYGROUND_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Where the built playground is: beside the bundled binary (dist/web next to dist/psa-commands.cjs), beside the
 * compiled CLI (dist/web next to dist/cli), or the repository's dist/web when psa runs from its sources.
 */
export function playgroundRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'web'), join(here, '..', '..', 'web'), join(here, '..', '..', '..', 'dist', 'web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

export interface PlaygroundServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the files of `root` (GET and HEAD; `/` is index.html); nothing outside it, no directory listings. */
export async function startPlaygroundServer(root: string, port: number, host: string): Promise<PlaygroundServer> {
  const server: Server = createServer((request, response) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const relative = normalize(pathname === '/' ? 'index.html' : pathname.slice(1));
    const file = join(root, relative);
    if (relative.startsWith('..') || !file.startsWith(root + sep) || !Object.hasOwn(CONTENT_TYPES, extname(file))) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'content-type': CONTENT_TYPES[extname(file)]!,
          'content-length': body.length,
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
        });
        response.end(method === 'HEAD' ? undefined : body);
      },
      () => response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 8080;
  if (!/^[0-9]+$/.test(text) || Number(text) > 65535) throw new UsageError(`invalid --port ${JSON.stringify(text)}`);
  return Number(text);
}

/** Serves until SIGINT or SIGTERM, then returns 0. */
export async function runPlaygroundCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, PLAYGROUND_OPTIONS);
  if (booleanOption(parsed, 'help')) {
    io.stdout.write(PLAYGROUND_HELP);
    return 0;
  }
  if (parsed.positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  const port = parsePort(stringOption(parsed, 'port'));
  const host = stringOption(parsed, 'host') ?? '127.0.0.1';
  const root = playgroundRoot();
  if (root === undefined) {
    io.stderr.write("psa playground: the playground is not built: run 'npm run build:web' (it writes dist/web)\n");
    return 2;
  }
  let server: PlaygroundServer;
  try {
    server = await startPlaygroundServer(root, port, host);
  } catch (error) {
    io.stderr.write(
      `psa playground: cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
  io.stdout.write(`psa playground: ${server.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
