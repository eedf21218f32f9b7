// A short fuzz run on every `npm test` (PSA_FUZZ_COUNT overrides the count; `fuzz-run.ts` is the full run).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { createTestPki, type TestPki } from './certs.ts';
import { runFuzz } from './fuzz.ts';
import { startTestWebhook, type TestWebhook } from './webhook-fixture.ts';

let pki: TestPki;
let server: TestWebhook;
before(async () => {
  pki = createTestPki();
  server = await startTestWebhook({
    pki,
    config: readFileSync(join('testdata/server', 'config.yaml'), 'utf8'),
    namespaces: readFileSync(join('testdata/server', 'namespaces.yaml'), 'utf8'),
  });
});
after(async () => {
  await server.stop();
  pki.cleanup();
});

it('mutated and garbage AdmissionReviews never crash or hang the webhook', async () => {
  const count = Number(process.env['PSA_FUZZ_COUNT'] ?? '1500');
  const seed = Number(process.env['PSA_FUZZ_SEED'] ?? String(Date.now() % 1_000_000));
  const result = await runFuzz({ port: server.port, ca: pki.caCert, count, seed, concurrency: 8 });
  const context = `seed ${seed}: ${JSON.stringify(result)}`;
  assert.equal(result.failures, 0, context);
  assert.equal(result.malformed, 0, context);
  assert.ok(result.healthyAfter, context);
  // 500 is upstream's answer where its handler would crash (no request, a controller without an object).
  for (const status of Object.keys(result.byStatus))
    assert.ok(['200', '400', '413', '500'].includes(status), `unexpected HTTP ${status}; ${context}`);
  assert.ok((result.byStatus['200'] ?? 0) > count / 20, `too few reviews decoded; ${context}`);
});
