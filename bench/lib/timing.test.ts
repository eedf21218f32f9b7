import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNs, formatRate, measure, percentile } from './timing.ts';

describe('percentile', () => {
  const table: readonly [number[], number, number][] = [
    [[5], 50, 5],
    [[3, 1, 2], 50, 2],
    [[4, 1, 3, 2], 50, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
    [[10, 20, 30], 0, 10],
    [[10, 20, 30], 100, 30],
  ];
  for (const [values, p, expected] of table) {
    it(`p${String(p)} of ${JSON.stringify(values)} is ${String(expected)}`, () => {
      assert.equal(percentile(values, p), expected);
    });
  }
  it('rejects empty input and out-of-range percentiles', () => {
    assert.throws(() => percentile([], 50), RangeError);
    assert.throws(() => percentile([1], 101), RangeError);
    assert.throws(() => percentile([1], Number.NaN), RangeError);
  });
  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

describe('measure', () => {
  it('grows the iteration count until a sample lasts long enough, and reports the median', () => {
    const counts: number[] = [];
    let work = 0;
    const result = measure(
      (n) => {
        counts.push(n);
        for (let i = 0; i < n * 100; i++) work += i;
      },
      { warmupMs: 5, sampleMs: 10, samples: 3 },
    );
    assert.equal(counts[0], 1);
    assert.ok(
      counts.some((n) => n > 1),
      'n grows',
    );
    assert.equal(result.samples.length, 3);
    assert.equal(result.nsPerOp, percentile(result.samples, 50));
    assert.ok(Math.abs(result.opsPerSec * result.nsPerOp - 1e9) < 1);
    assert.ok(work > 0);
  });
});

describe('formatting', () => {
  it('renders rates and nanoseconds for tables', () => {
    assert.equal(formatRate(1234567.8), '1,234,568');
    assert.equal(formatNs(45.25), '45.3');
    assert.equal(formatNs(3312.4), '3,312');
  });
});
