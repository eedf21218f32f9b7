/**
 * `--workers auto`: as many webhook processes as the CPUs this process may use, as Go's runtime sizes
 * GOMAXPROCS for upstream's webhook: the CPUs it is allowed to run on (affinity), lowered to the container's CPU
 * limit (the cgroup's CPU quota, rounded up, the strictest along the cgroup path), and at most
 * {@link MAX_AUTO_WORKERS}: every worker keeps its own namespace cache and API watch and 150 to 250 MiB, so past a few
 * cores replicas are the better way to scale (docs/webhook.md, Scaling). A Deployment with a 1-CPU limit (psa's own)
 * gets one process, exactly as before.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export const MAX_AUTO_WORKERS = 4;

/** What `auto` found, for the start-up log line. */
export interface CpuBudget {
  readonly workers: number;
  /** CPUs this process may run on. */
  readonly cpus: number;
  /** The cgroup CPU limit in CPUs (quota / period), when one is set. */
  readonly cgroupLimit?: number;
}

/** Where the cgroup files are read from (tests point it at a directory of their own). */
export interface CgroupFiles {
  readonly procSelfCgroup: string;
  readonly cgroupRoot: string;
}

const SYSTEM: CgroupFiles = { procSelfCgroup: '/proc/self/cgroup', cgroupRoot: '/sys/fs/cgroup' };

export function autoWorkers(files: CgroupFiles = SYSTEM, cpus = availableParallelism()): CpuBudget {
  const cgroupLimit = cgroupCpuLimit(files);
  const allowed = cgroupLimit === undefined ? cpus : Math.min(cpus, Math.ceil(cgroupLimit));
  return {
    workers: Math.max(1, Math.min(allowed, MAX_AUTO_WORKERS)),
    cpus,
    ...(cgroupLimit === undefined ? {} : { cgroupLimit }),
  };
}

/**
 * The CPU limit of this process's cgroup in CPUs, or undefined when there is none (or it cannot be read): cgroup v2
 * `cpu.max` ("QUOTA PERIOD" or "max PERIOD") on every level from the process's cgroup up to the root, or cgroup v1
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us` (-1: no quota). Inside a container the cgroup namespace makes the
 * container's own cgroup the root, so its limit is at `cgroupRoot` itself.
 */
export function cgroupCpuLimit(files: CgroupFiles = SYSTEM): number | undefined {
  let lines: string[];
  try {
    lines = readFileSync(files.procSelfCgroup, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  // A hybrid host lists both: the v1 cpu controller, when mounted, is the one that limits.
  const unified = lines.find((line) => line.startsWith('0::'));
  const v1 = lines.find((line) => line.split(':')[1]?.split(',').includes('cpu') === true);
  return (
    (v1 === undefined ? undefined : cgroupV1Limit(files.cgroupRoot, v1.split(':').slice(2).join(':'))) ??
    (unified === undefined ? undefined : cgroupV2Limit(files.cgroupRoot, unified.slice(3)))
  );
}

function cgroupV2Limit(root: string, path: string): number | undefined {
  let limit: number | undefined;
  const parts = path.split('/').filter((part) => part !== '' && part !== '..');
  for (let depth = parts.length; depth >= 0; depth--) {
    const text = readOptional(join(root, ...parts.slice(0, depth), 'cpu.max'));
    const [quota, period] = (text ?? '').trim().split(/\s+/);
    if (quota === undefined || quota === 'max' || period === undefined) continue;
    const cpus = Number(quota) / Number(period);
    if (Number.isFinite(cpus) && cpus > 0) limit = limit === undefined ? cpus : Math.min(limit, cpus);
  }
  return limit;
}

function cgroupV1Limit(root: string, path: string): number | undefined {
  for (const controller of ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']) {
    for (const dir of [join(root, controller, path), join(root, controller)]) {
      const quota = Number(readOptional(join(dir, 'cpu.cfs_quota_us')));
      const period = Number(readOptional(join(dir, 'cpu.cfs_period_us')));
      if (Number.isFinite(quota) && Number.isFinite(period) && period > 0)
        return quota > 0 ? quota / period : undefined;
    }
  }
  return undefined;
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
