/**
 * How the bundled launcher (dist/psa.cjs, scripts/bundle-cli.ts) loads the commands file beside it
 * (dist/psa-commands.cjs): with V8's code cache when the build left one for this very V8, through `require` otherwise.
 *
 * Compiling the 500 KB commands file, and compiling each library function the first time a check calls it, was most
 * of what a one-file `psa check` spent above `node -e 0` (docs/perf/startup.md). `npm run build` runs one check with
 * {@link WRITE_CODE_CACHE_ENV} set, and the launcher then saves V8's code cache of the file (with every function that
 * run compiled) as `psa-commands.cjs.v8-<V8 version>-<arch>.cache`. A later run on the same V8 hands it to the
 * compiler and skips that work. The cache lives beside the code it describes, in the package's own directory, so it
 * is exactly as trusted as the JavaScript itself; nothing is ever read from or written to a shared cache directory.
 *
 * Another V8 (the package installed under another Node) finds no file of its name and loads the file with `require`,
 * where Node >= 22.1 has its own compile cache (src/main.ts). V8 itself refuses a cache made with other flags
 * (`cachedDataRejected`), and then simply compiles.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** The commands file's name, beside the launcher. */
export const COMMANDS_FILE = 'psa-commands.cjs';

/** Set (to any value) by the build's warm-up run: save the code cache when the process exits. */
export const WRITE_CODE_CACHE_ENV = 'PSA_WRITE_CODE_CACHE';

/** The code cache file for the running V8 and CPU architecture. */
export function codeCacheFile(dir: string): string {
  return join(dir, `${COMMANDS_FILE}.v8-${process.versions.v8}-${process.arch}.cache`);
}

/** How the commands file was loaded: with the code cache, with a cache V8 refused, or by `require` (no cache). */
export type CommandsBundleLoad = 'code-cache' | 'code-cache-rejected' | 'require';

let commands: Readonly<Record<string, unknown>> | undefined;
let howLoaded: CommandsBundleLoad | undefined;

/** How {@link loadCommandsBundle} loaded the file (undefined before it has). */
export function commandsBundleLoad(): CommandsBundleLoad | undefined {
  return howLoaded;
}

/** The commands file's exports (each command module under its name), loaded once. */
export function loadCommandsBundle(dir: string): Readonly<Record<string, unknown>> {
  commands ??= compileCommandsBundle(dir);
  return commands;
}

function compileCommandsBundle(dir: string): Readonly<Record<string, unknown>> {
  const file = join(dir, COMMANDS_FILE);
  const cacheFile = codeCacheFile(dir);
  const writeCache = process.env[WRITE_CODE_CACHE_ENV] !== undefined;
  let cachedData: Buffer | undefined;
  if (!writeCache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache for this V8: the usual require, with Node's own compile cache where it has one.
      howLoaded = 'require';
      return createRequire(file)(file) as Record<string, unknown>;
    }
  }
  // The function CommonJS wraps every file in, so the file runs as `require` would run it.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n});`;
  const script = new Script(wrapped, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  howLoaded = script.cachedDataRejected === true ? 'code-cache-rejected' : 'code-cache';
  const load = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const loaded = { exports: {} as Record<string, unknown> };
  load.call(loaded.exports, loaded.exports, createRequire(file), loaded, file, dir);
  if (writeCache) process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  return loaded.exports;
}
