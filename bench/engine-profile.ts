/**
 * Our side of the engine benchmark alone, for profiling: evaluates each pod of `lib/engine-pods.ts` (or those whose
 * name contains `--case`) in a loop and prints ns/op and bytes allocated per op. Not a `*.bench.ts`, so `npm run
 * bench` does not run it.
 *
 * Usage:
 *   node --import tsx bench/engine-profile.ts [--case 10-container] [--level restricted:latest] [--ms 1000]
 *   node --cpu-prof --cpu-prof-dir bench/.out/prof --import tsx bench/engine-profile.ts --case 50-container
 */
import { parseArgs } from 'node:util';
import { parseLevel, parseVersion } from '../src/api/index.ts';
import { decodePod } from '../src/k8s/index.ts';
import { evaluatePod } from '../src/policy/index.ts';
import { defaultRawPod } from '../conformance/lib/engine.ts';
import { engineLevelVersions, enginePods } from './lib/engine-pods.ts';
import { formatNs, measure } from './lib/timing.ts';

const { values } = parseArgs({
  options: { case: { type: 'string' }, level: { type: 'string' }, ms: { type: 'string', default: '500' } },
});
const sampleMs = Number(values.ms);
let sink = 0;
for (const { name, raw } of enginePods) {
  if (values.case !== undefined && !name.includes(values.case)) continue;
  const pod = decodePod(defaultRawPod(raw)).value;
  for (const text of values.level === undefined ? engineLevelVersions : [values.level]) {
    const [levelText, versionText] = text.split(':') as [string, string];
    const level = parseLevel(levelText);
    const version = parseVersion(versionText);
    if (!level.ok || !version.ok) throw new Error(`bad level:version ${text}`);
    const lv = { level: level.value, version: version.value };
    const run = (n: number): void => {
      for (let k = 0; k < n; k++) sink += evaluatePod(lv, pod.metadata, pod.spec).forbiddenDetail.length;
    };
    const timing = measure(run, { warmupMs: 200, sampleMs, samples: 3 });
    // Allocation per op: heap growth over a fixed loop with the young generation large enough not to collect.
    const n = 20_000;
    const before = process.memoryUsage().heapUsed;
    run(n);
    const bytes = (process.memoryUsage().heapUsed - before) / n;
    process.stdout.write(
      `${`${name} @ ${text}`.padEnd(46)} ${formatNs(timing.nsPerOp).padStart(8)} ns/op  ${bytes < 0 ? '(gc)' : bytes.toFixed(0).padStart(5)} B/op\n`,
    );
  }
}
if (sink === -1) process.stdout.write('\n');
