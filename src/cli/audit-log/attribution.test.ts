// Table tests of the pieces that name things: owners from requests, check reasons from annotations, the order of
// rotated files, --since/--until values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimeBound } from '../commands/audit-log.ts';
import { sortByRotation } from './log-files.ts';
import { resolveOwner } from './owner.ts';
import { parseViolations, splitCheckReasons } from './pod-security-event.ts';

const SA = 'system:serviceaccount:kube-system:';

describe('resolveOwner', () => {
  const cases: readonly [string, string, string, unknown, string][] = [
    ['deployments', 'web', 'admin', undefined, 'Deployment/web'],
    ['cronjobs', 'backup', 'admin', undefined, 'CronJob/backup'],
    ['pods', 'web-7d4b9c8f6d-x2k9p', `${SA}replicaset-controller`, undefined, 'Deployment/web'],
    ['pods', 'web-x2k9p', `${SA}replicaset-controller`, undefined, 'ReplicaSet/web'],
    ['pods', 'db-12', `${SA}statefulset-controller`, undefined, 'StatefulSet/db'],
    ['pods', 'node-agent-z9hxl', `${SA}daemon-set-controller`, undefined, 'DaemonSet/node-agent'],
    ['pods', 'backup-29422080-x7k2p', `${SA}job-controller`, undefined, 'CronJob/backup'],
    ['pods', 'migrate-5xk2p', `${SA}job-controller`, undefined, 'Job/migrate'],
    ['pods', 'rc-5xk2p', `${SA}replication-controller`, undefined, 'ReplicationController/rc'],
    // Anyone's pod with a Deployment's name shape; an ordinal or random suffix alone says nothing.
    ['pods', 'api-6b9f7c5d4-k2x9p', 'admin', undefined, 'Deployment/api'],
    ['pods', 'db-0', 'admin', undefined, 'Pod/db-0'],
    ['pods', 'tool-x7k2p', 'admin', undefined, 'Pod/tool-x7k2p'],
    // Subresource updates are the pod's own.
    ['pods/ephemeralcontainers', 'api-6b9f7c5d4-k2x9p', 'admin', undefined, 'Pod/api-6b9f7c5d4-k2x9p'],
    // The request object's controller reference wins; ReplicaSets and Jobs lift to their owners.
    [
      'pods',
      '',
      'system:kube-controller-manager',
      {
        metadata: {
          generateName: 'web-5d8f9c-',
          ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8f9c', controller: true }],
        },
      },
      'Deployment/web',
    ],
    [
      'pods',
      '',
      'system:kube-controller-manager',
      { metadata: { ownerReferences: [{ kind: 'Job', name: 'report-29422080', controller: true }] } },
      'CronJob/report',
    ],
    [
      'pods',
      '',
      'admin',
      { metadata: { ownerReferences: [{ kind: 'Workflow', name: 'wf', controller: true }] } },
      'Workflow/wf',
    ],
    // generateName with no name yet.
    ['pods', '', `${SA}replicaset-controller`, { metadata: { generateName: 'web-7d4b9c8f6d-' } }, 'Deployment/web'],
    ['pods', '', 'admin', { metadata: { generateName: 'scratch-' } }, 'Pod/scratch'],
    // generateName at level Metadata: no name in the log, only the controller.
    ['pods', '', `${SA}daemon-set-controller`, undefined, 'DaemonSet/(generated name, not logged)'],
    ['pods', '', 'admin', undefined, 'Pod/(generated name, not logged)'],
  ];
  for (const [resource, name, user, object, want] of cases)
    it(`${resource} ${name || '(generated)'} by ${user} -> ${want}`, () => {
      const owner = resolveOwner(resource, name, user, object);
      assert.equal(`${owner.kind}/${owner.name}`, want);
    });
});

describe('check reasons', () => {
  const cases: readonly [string, string | undefined, string[]][] = [
    [
      'would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true, hostPID=true), allowPrivilegeEscalation != false (containers "a", "b" must set securityContext.allowPrivilegeEscalation=false), seccompProfile (pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      'restricted:latest',
      ['host namespaces', 'allowPrivilegeEscalation != false', 'seccompProfile'],
    ],
    [
      'pods "x" is forbidden: violates PodSecurity "baseline:v1.30": privileged (container "a(b" must not set securityContext.privileged=true), hostPort (container "a" uses hostPort 80)',
      'baseline:v1.30',
      ['privileged', 'hostPort'],
    ],
    ['runAsNonRoot != true, seccompProfile', undefined, ['runAsNonRoot != true', 'seccompProfile']],
  ];
  for (const [text, policy, reasons] of cases)
    it(reasons.join(' | '), () => {
      const parsed = parseViolations(text);
      assert.equal(parsed.policy, policy);
      assert.deepEqual(parsed.checks, reasons);
    });
  it('keeps commas inside quotes and parentheses', () => {
    assert.deepEqual(splitCheckReasons('a (x, "y, (z"), b'), ['a', 'b']);
  });
});

describe('sortByRotation', () => {
  it("orders kube-apiserver's rotations by time, the live file last", () => {
    assert.deepEqual(
      sortByRotation(['audit.log', 'audit-2026-12-04T10-00-00.000.log.gz', 'audit-2026-12-03T23-59-59.999.log']),
      ['audit-2026-12-03T23-59-59.999.log', 'audit-2026-12-04T10-00-00.000.log.gz', 'audit.log'],
    );
  });
  it("orders logrotate's numbered files oldest (highest number) first", () => {
    assert.deepEqual(sortByRotation(['audit.log', 'audit.log.1', 'audit.log.10.gz', 'audit.log.2.gz']), [
      'audit.log.10.gz',
      'audit.log.2.gz',
      'audit.log.1',
      'audit.log',
    ]);
  });
});

describe('parseTimeBound', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  const cases: readonly [string, string][] = [
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T08:30:00Z', '2026-12-01T08:30:00.000Z'],
    ['2026-12-01T08:30:00+02:00', '2026-12-01T06:30:00.000Z'],
    ['24h', '2026-12-03T12:00:00.000Z'],
    ['7d', '2026-11-27T12:00:00.000Z'],
    ['90m', '2026-12-04T10:30:00.000Z'],
  ];
  for (const [text, iso] of cases) it(text, () => assert.equal(parseTimeBound('since', text, now).iso, iso));
  for (const bad of ['yesterday', '12/01/2026', '5y', ''])
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseTimeBound('since', bad, now), /--since/));
});
