import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimizeJson, oneStepSmaller } from './minimize.ts';

describe('oneStepSmaller', () => {
  it('removes each key and element once, at every depth', () => {
    assert.deepEqual(oneStepSmaller({ a: 1, b: [2, 3] }), [
      { b: [2, 3] },
      { a: 1 },
      { a: 1, b: [3] },
      { a: 1, b: [2] },
    ]);
  });
  it('has nothing to remove from scalars and empty containers', () => {
    for (const value of [null, 1, 'x', true, [], {}]) assert.deepEqual(oneStepSmaller(value), []);
  });
  it('never mutates its input', () => {
    const input = { spec: { containers: [{ name: 'a' }] } };
    const copy = structuredClone(input);
    oneStepSmaller(input);
    assert.deepEqual(input, copy);
  });
});

describe('minimizeJson', () => {
  it('keeps only what the failure needs', async () => {
    const pod = {
      metadata: { name: 'p', labels: { a: 'b' } },
      spec: { hostNetwork: true, containers: [{ name: 'a' }, { name: 'b', securityContext: { privileged: true } }] },
    };
    const privileged = (v: unknown): boolean => JSON.stringify(v).includes('"privileged":true');
    let batches = 0;
    const smallest = await minimizeJson(pod, (candidates) => {
      batches++;
      return Promise.resolve(candidates.map(privileged));
    });
    assert.deepEqual(smallest, { spec: { containers: [{ securityContext: { privileged: true } }] } });
    assert.ok(batches < 20, `one batch per round, got ${String(batches)}`);
  });
  it('returns the input when no smaller candidate fails', async () => {
    assert.deepEqual(await minimizeJson({ a: 1 }, (c) => Promise.resolve(c.map(() => false))), { a: 1 });
  });
});
