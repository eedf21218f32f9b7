// The full fuzz run: node --import tsx test/server/fuzz-run.ts [--count 100000] [--seed N] [--concurrency 16]
// Starts the real webhook in-process, fires the mutated bodies over HTTPS and prints the tally as JSON.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createTestPki } from './certs.ts';
import { runFuzz } from './fuzz.ts';
import { startTestWebhook } from './webhook-fixture.ts';

const { values } = parseArgs({
  options: { count: { type: 'string' }, seed: { type: 'string' }, concurrency: { type: 'string' } },
});
const pki = createTestPki();
const server = await startTestWebhook({
  pki,
  config: readFileSync('testdata/server/config.yaml', 'utf8'),
  namespaces: readFileSync('testdata/server/namespaces.yaml', 'utf8'),
});
const rssBefore = process.memoryUsage().rss;
const result = await runFuzz({
  port: server.port,
  ca: pki.caCert,
  count: Number(values.count ?? '100000'),
  seed: Number(values.seed ?? '1'),
  concurrency: Number(values.concurrency ?? '16'),
});
const rssAfter = process.memoryUsage().rss;
await server.stop();
pki.cleanup();
process.stdout.write(
  `${JSON.stringify({ ...result, rssBeforeMiB: Math.round(rssBefore / 2 ** 20), rssAfterMiB: Math.round(rssAfter / 2 ** 20) }, null, 2)}\n`,
);
process.exitCode = result.failures === 0 && result.malformed === 0 && result.healthyAfter ? 0 : 1;
