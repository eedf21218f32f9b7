import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { autoWorkers, cgroupCpuLimit, MAX_AUTO_WORKERS, type CgroupFiles } from './cpu-budget.ts';

const base = mkdtempSync(join(tmpdir(), 'psa-cgroup-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** A fake /proc/self/cgroup and cgroup tree: `files` maps paths under the cgroup root to their contents. */
function fakeCgroup(
  name: string,
  procSelfCgroup: string | undefined,
  files: Readonly<Record<string, string>>,
): CgroupFiles {
  const dir = join(base, name);
  const cgroupRoot = join(dir, 'sys-fs-cgroup');
  mkdirSync(cgroupRoot, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(cgroupRoot, path)), { recursive: true });
    writeFileSync(join(cgroupRoot, path), text);
  }
  const procFile = join(dir, 'proc-self-cgroup');
  if (procSelfCgroup !== undefined) writeFileSync(procFile, procSelfCgroup);
  return { procSelfCgroup: procFile, cgroupRoot };
}

describe('--workers auto: the CPU budget', () => {
  const cases: readonly {
    name: string;
    proc: string | undefined;
    files: Readonly<Record<string, string>>;
    limit: number | undefined;
  }[] = [
    { name: 'v2 container, 1 CPU (psa Deployment)', proc: '0::/\n', files: { 'cpu.max': '100000 100000\n' }, limit: 1 },
    { name: 'v2 container, 1.5 CPUs', proc: '0::/\n', files: { 'cpu.max': '150000 100000\n' }, limit: 1.5 },
    { name: 'v2 container, no limit', proc: '0::/\n', files: { 'cpu.max': 'max 100000\n' }, limit: undefined },
    {
      name: 'v2 host service, the strictest level wins',
      proc: '0::/system.slice/psa.service\n',
      files: {
        'system.slice/psa.service/cpu.max': 'max 100000\n',
        'system.slice/cpu.max': '300000 100000\n',
        'cpu.max': '500000 100000\n',
      },
      limit: 3,
    },
    { name: 'v2 without cpu.max anywhere', proc: '0::/a/b\n', files: {}, limit: undefined },
    {
      name: 'v1 cpu controller with a quota',
      proc: '4:memory:/x\n2:cpu,cpuacct:/kubepods/pod1\n',
      files: {
        'cpu,cpuacct/kubepods/pod1/cpu.cfs_quota_us': '200000\n',
        'cpu,cpuacct/kubepods/pod1/cpu.cfs_period_us': '100000\n',
      },
      limit: 2,
    },
    {
      name: 'hybrid: v1 cpu without a quota, unified root without cpu.max',
      proc: '1:cpu:/\n0::/\n',
      files: { 'cpu/cpu.cfs_quota_us': '-1\n', 'cpu/cpu.cfs_period_us': '100000\n' },
      limit: undefined,
    },
    { name: 'no /proc/self/cgroup', proc: undefined, files: {}, limit: undefined },
    { name: 'garbage', proc: '0::/\n', files: { 'cpu.max': 'lots\n' }, limit: undefined },
  ];
  for (const [index, c] of cases.entries()) {
    it(c.name, () => {
      assert.equal(cgroupCpuLimit(fakeCgroup(`case-${String(index)}`, c.proc, c.files)), c.limit);
    });
  }

  it('workers: the usable CPUs, lowered to the limit rounded up, between 1 and the cap', () => {
    const limited = (quota: string, name: string): CgroupFiles => fakeCgroup(name, '0::/\n', { 'cpu.max': quota });
    const unlimited = fakeCgroup('unlimited', '0::/\n', {});
    assert.deepEqual(autoWorkers(limited('100000 100000', 'w1'), 8), { workers: 1, cpus: 8, cgroupLimit: 1 });
    assert.deepEqual(autoWorkers(limited('150000 100000', 'w2'), 8), { workers: 2, cpus: 8, cgroupLimit: 1.5 });
    assert.deepEqual(autoWorkers(limited('50000 100000', 'w3'), 8), { workers: 1, cpus: 8, cgroupLimit: 0.5 });
    assert.deepEqual(autoWorkers(limited('800000 100000', 'w4'), 2), { workers: 2, cpus: 2, cgroupLimit: 8 });
    assert.deepEqual(autoWorkers(unlimited, 2), { workers: 2, cpus: 2 });
    assert.deepEqual(autoWorkers(unlimited, 1), { workers: 1, cpus: 1 });
    assert.deepEqual(autoWorkers(unlimited, 64), { workers: MAX_AUTO_WORKERS, cpus: 64 });
  });
});
