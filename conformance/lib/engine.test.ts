import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareAnswers, defaultRawPod, differenceKind, evaluateOurs } from './engine.ts';
import type { EvalResponse } from './oracle.ts';

describe('defaultRawPod', () => {
  it('gives a volume with no source (or only null sources) emptyDir, and leaves set sources alone', () => {
    const pod = {
      spec: {
        volumes: [{ name: 'a' }, { name: 'b', hostPath: null }, { name: 'c', secret: {} }, null, 'junk'],
      },
    };
    assert.deepEqual(defaultRawPod(pod), {
      spec: {
        volumes: [
          { name: 'a', emptyDir: {} },
          { name: 'b', hostPath: null, emptyDir: {} },
          { name: 'c', secret: {} },
          { emptyDir: {} },
          'junk',
        ],
      },
    });
  });
  it('defaults hostPort to containerPort with hostNetwork, for init and regular containers only', () => {
    const port = (): object => ({ containerPort: 80 });
    const pod = {
      spec: {
        hostNetwork: true,
        initContainers: [{ ports: [port()] }],
        containers: [{ ports: [port(), { containerPort: 81, hostPort: 9 }, { containerPort: 82, hostPort: 0 }] }],
        ephemeralContainers: [{ ports: [port()] }],
      },
    };
    assert.deepEqual(defaultRawPod(pod), {
      spec: {
        hostNetwork: true,
        initContainers: [{ ports: [{ containerPort: 80, hostPort: 80 }] }],
        containers: [
          {
            ports: [
              { containerPort: 80, hostPort: 80 },
              { containerPort: 81, hostPort: 9 },
              { containerPort: 82, hostPort: 82 },
            ],
          },
        ],
        ephemeralContainers: [{ ports: [{ containerPort: 80 }] }],
      },
    });
  });
  it('copies: the input is untouched, and non-pods pass through', () => {
    const pod = { spec: { volumes: [{ name: 'a' }] } };
    defaultRawPod(pod);
    assert.deepEqual(pod, { spec: { volumes: [{ name: 'a' }] } });
    assert.equal(defaultRawPod(null), null);
    assert.deepEqual(defaultRawPod({ spec: 3 }), { spec: 3 });
  });
});

const denied = (reasons: string[], details: string[]): EvalResponse => ({
  id: 1,
  allowed: false,
  reasons,
  details,
  forbiddenReason: reasons.join(', '),
  forbiddenDetail: reasons.map((r, i) => `${r} (${details[i] ?? ''})`).join(', '),
});

describe('compareAnswers and differenceKind', () => {
  it('agrees on equal answers and on two errors', () => {
    assert.equal(compareAnswers(denied(['a'], ['x']), denied(['a'], ['x'])), undefined);
    assert.equal(compareAnswers({ id: 1, error: 'ours' }, { id: 1, error: 'theirs' }), undefined);
  });
  it('names the first differing field', () => {
    assert.equal(compareAnswers({ id: 1, error: 'bad' }, denied([], [])), 'we reject the pod, upstream evaluates it');
    assert.equal(compareAnswers(denied(['a'], ['x']), denied(['b'], ['x'])), 'reasons');
    assert.equal(compareAnswers(denied(['a', 'b'], ['x', 'y']), denied(['a', 'b'], ['x', 'z'])), 'details');
    assert.equal(
      differenceKind(denied(['a', 'b'], ['x', 'y']), denied(['a', 'b'], ['x', 'z']), 'details'),
      'details:b',
    );
  });
});

describe('evaluateOurs', () => {
  it('answers in the oracle line format (spec Appendix A1 at restricted:v1.0)', () => {
    const answer = evaluateOurs({
      id: 7,
      level: 'restricted',
      version: 'v1.0',
      pod: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    });
    assert.deepEqual(answer, {
      id: 7,
      allowed: false,
      reasons: ['runAsNonRoot != true'],
      details: ['pod or container "nginx" must set securityContext.runAsNonRoot=true'],
      forbiddenReason: 'runAsNonRoot != true',
      forbiddenDetail: 'runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true)',
    });
  });
  it('reports bad levels, versions and pods as errors', () => {
    assert.match(evaluateOurs({ id: 1, level: 'Restricted', version: 'latest', pod: {} }).error ?? '', /^level/);
    assert.match(evaluateOurs({ id: 1, level: 'baseline', version: 'v1.01', pod: {} }).error ?? '', /^version/);
    const bad = evaluateOurs({ id: 1, level: 'baseline', version: 'latest', pod: { spec: { hostPID: 'yes' } } });
    assert.match(bad.error ?? '', /spec\.hostPID/);
  });
});
