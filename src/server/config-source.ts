import type { AdmissionSettings } from '../admission/types.ts';
import { watchFiles, type FileWatcher } from './file-watch.ts';
import type { Logger } from './logger.ts';

/** Loads the effective settings from `--config` and `--talos-patch` files (or the built-in default with no files). */
export type SettingsLoader = () => Promise<
  { readonly ok: true; readonly value: AdmissionSettings } | { readonly ok: false; readonly message: string }
>;

/** The configuration could not be loaded at startup. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export interface ConfigSource {
  readonly current: AdmissionSettings;
  /** Re-reads the files now (tests; the watcher calls the same). */
  reload(): Promise<void>;
  close(): void;
}

/**
 * Loads the configuration, then reloads it whenever one of its files changes. A bad edit is logged and the last good
 * configuration stays in force: the webhook must never fall back to an unintended (weaker) policy.
 */
export async function createConfigSource(options: {
  readonly files: readonly string[];
  readonly load: SettingsLoader;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly onChange: (settings: AdmissionSettings) => void;
  readonly onReload?: (ok: boolean) => void;
}): Promise<ConfigSource> {
  const { logger } = options;
  const first = await options.load();
  if (!first.ok) throw new ConfigurationError(first.message);
  let current = first.value;
  let watcher: FileWatcher | undefined;
  let primed = false;

  const reload = async (): Promise<void> => {
    const next = await options.load();
    if (!next.ok) {
      options.onReload?.(false);
      logger.error(
        { files: options.files, err: next.message },
        'configuration rejected, keeping the previous configuration',
      );
      return;
    }
    current = next.value;
    options.onReload?.(true);
    options.onChange(current);
    logger.info({ files: options.files }, 'configuration reloaded');
  };

  if (options.files.length > 0) {
    watcher = watchFiles(
      options.files,
      options.intervalMs,
      async () => {
        // The first poll only records the files' current bytes: they are what was just loaded.
        if (!primed) {
          primed = true;
          return;
        }
        await reload();
      },
      (error) =>
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'cannot read configuration file'),
    );
    await watcher.poll();
    primed = true;
  }
  return {
    get current() {
      return current;
    },
    reload: async () => {
      if (watcher === undefined) await reload();
      else await watcher.poll();
    },
    close() {
      watcher?.close();
    },
  };
}
