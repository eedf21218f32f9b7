// The turn batcher: everyone who asks in one event-loop turn resumes together, in order, after that turn's callbacks
// and microtasks; asking later starts a new batch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTurnBatcher } from '../../src/server/turn-batch.ts';

describe('createTurnBatcher', () => {
  it('resumes the callers of one turn together, first come first served, after the turn and its microtasks', async () => {
    const turn = createTurnBatcher();
    const events: string[] = [];
    const waits = ['a', 'b', 'c'].map((name) => turn.next().then(() => events.push(`resume ${name}`)));
    assert.equal(turn.waiting, 3);
    queueMicrotask(() => events.push('microtask'));
    // Queued after the batch's own immediate: runs after the batch, in the same check phase.
    setImmediate(() => events.push('later immediate'));
    await Promise.all(waits);
    assert.deepEqual(events, ['microtask', 'resume a', 'resume b', 'resume c']);
    assert.equal(turn.waiting, 0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events.at(-1), 'later immediate');
  });

  it('starts a new batch for callers that come after a batch was released', async () => {
    const turn = createTurnBatcher();
    const resumed: number[] = [];
    let batch = 0;
    await turn.next().then(() => {
      batch++;
      resumed.push(batch);
    });
    const second = turn.next().then(() => resumed.push(batch + 10));
    assert.equal(turn.waiting, 1);
    await second;
    assert.deepEqual(resumed, [1, 11]);
  });

  it('groups callers that arrive from separate I/O callbacks of one turn', async () => {
    const turn = createTurnBatcher();
    const order: string[] = [];
    // Two immediates stand in for two connections' callbacks in one phase: both ask before the batch runs.
    await new Promise<void>((done) => {
      let pending = 2;
      for (const name of ['x', 'y'])
        setImmediate(() => {
          order.push(`ask ${name}`);
          void turn.next().then(() => {
            order.push(`resume ${name}`);
            if (--pending === 0) done();
          });
        });
    });
    assert.deepEqual(order, ['ask x', 'ask y', 'resume x', 'resume y']);
  });
});
