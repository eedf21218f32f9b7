// The webhook's copies of upstream's counters: counted in plain numbers on the request path and handed to prom-client
// when scraped, so every scrape shows the running total, whatever happened between scrapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LATEST } from '../../src/api/index.ts';
import { createServerMetrics } from '../../src/server/metrics.ts';

const create = { operation: 'create', resource: 'pod', subresource: '' } as const;
const update = { operation: 'update', resource: 'controller', subresource: '' } as const;

function line(text: string, prefix: string): string | undefined {
  return text.split('\n').find((l) => l.startsWith(prefix));
}

describe('server metrics: upstream counters', () => {
  it('scrapes show running totals across scrapes, per label set, in upstream label order', async () => {
    const metrics = createServerMetrics({ processMetrics: false });
    const baseline = { level: 'baseline', version: LATEST } as const;
    metrics.recorder.recordEvaluation('deny', baseline, 'enforce', create);
    metrics.recorder.recordEvaluation('deny', baseline, 'enforce', create);
    metrics.recorder.recordEvaluation('allow', baseline, 'warn', update);
    const deny =
      'pod_security_evaluations_total{decision="deny",mode="enforce",policy_level="baseline",policy_version="latest",request_operation="create",resource="pod",subresource=""}';
    const first = await metrics.exposition();
    assert.equal(line(first, deny), `${deny} 2`);
    assert.match(
      first,
      /pod_security_evaluations_total\{decision="allow",mode="warn",[^}]*resource="controller"[^}]*\} 1/,
    );

    metrics.recorder.recordEvaluation('deny', baseline, 'enforce', create);
    const second = await metrics.exposition();
    assert.equal(line(second, deny), `${deny} 3`);
    // Nothing new: the total stays.
    assert.equal(line(await metrics.exposition(), deny), `${deny} 3`);
  });

  it('exemptions and errors count the same way, and the zero series upstream pre-creates are there', async () => {
    const metrics = createServerMetrics({ processMetrics: false });
    const exempt = 'pod_security_exemptions_total{request_operation="create",resource="pod",subresource=""}';
    assert.equal(line(await metrics.exposition(), exempt), `${exempt} 0`);
    metrics.recorder.recordExemption(create);
    metrics.recorder.recordError(true, create);
    metrics.recorder.recordError(true, create);
    const text = await metrics.exposition();
    assert.equal(line(text, exempt), `${exempt} 1`);
    const error = 'pod_security_errors_total{fatal="true",request_operation="create",resource="pod",subresource=""}';
    assert.equal(line(text, error), `${error} 2`);
  });
});
