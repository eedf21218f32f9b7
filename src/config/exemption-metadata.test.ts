import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMetadataComment, readExemptionGovernance } from './exemption-metadata.ts';
import { resolveConfiguration } from './load.ts';

const CONFIG = `apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
exemptions:
  namespaces:
    - soon # owner: a, expires: 2026-12-20
    - today # owner: b, expires: 2026-12-04
    - yesterday # owner: c, expires: 2026-12-03
    - 'quoted # not a comment' # owner: d
  usernames: ["x#y"] # owner: e
`;

async function governance(requireOwner = false) {
  const files: Record<string, string> = { '/c.yaml': CONFIG };
  const readFile = (path: string): Promise<string> =>
    files[path] === undefined ? Promise.reject(new Error('ENOENT')) : Promise.resolve(files[path]);
  const resolution = await resolveConfiguration({ configPath: '/c.yaml', readFile, cwd: '/' });
  return readExemptionGovernance(resolution, readFile, { now: new Date('2026-12-04T18:00:00Z'), requireOwner });
}

describe('exemption metadata', () => {
  it('reads trailing comments, not # inside quotes', async () => {
    const { exemptions } = await governance();
    assert.deepEqual(
      exemptions.map((e) => [e.kind, e.value, e.metadata?.owner, e.metadata?.expires]),
      [
        ['namespace', 'soon', 'a', '2026-12-20'],
        ['namespace', 'today', 'b', '2026-12-04'],
        ['namespace', 'yesterday', 'c', '2026-12-03'],
        ['namespace', 'quoted # not a comment', 'd', undefined],
        ['user', 'x#y', 'e', undefined],
      ],
    );
  });

  it('warns on expired, notes expiring soon; an exemption expiring today is still valid', async () => {
    const { findings } = await governance();
    assert.deepEqual(
      findings.map((f) => `${f.severity} ${f.code} ${String(f.pos?.line)}`),
      ['info exemption-expires-soon 5', 'info exemption-expires-soon 6', 'warning exemption-expired 7'],
    );
  });

  it('parses key: value pairs, a reason keeping its commas', () => {
    assert.deepEqual(parseMetadataComment(' owner: team-x, expires: 2027-03-01, reason: CNI, CSI and kube-proxy'), {
      owner: 'team-x',
      expires: '2027-03-01',
      reason: 'CNI, CSI and kube-proxy',
    });
    assert.equal(parseMetadataComment(' an ordinary comment, nothing to see'), undefined);
  });
});
