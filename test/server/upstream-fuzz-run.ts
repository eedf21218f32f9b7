// The long fuzz differential: mutated and garbage AdmissionReview bodies (fuzz.ts) sent to upstream's webhook binary
// and to psa, both serving the same cluster (upstream-pair.ts); every answer pair must have the same status and body
// but for the deliberate differences docs/webhook.md lists. The CI-sized version is the fuzz case of
// upstream-differential.test.ts; this one runs in resumable chunks with its progress in a state file
// (conformance/lib/run-state.ts: seed, one line per chunk, one per difference).
//
//   node --import tsx test/server/upstream-fuzz-run.ts --state FILE [--count 1000000] [--seed S] [--concurrency 8]
//   node --import tsx test/server/upstream-fuzz-run.ts --summarize FILE
//   node --import tsx test/server/upstream-fuzz-run.ts --replay FILE
//
// A difference where one side warns that listing the namespace's pods failed and the other does not is recorded as
// environmental (a pod list that timed out on a loaded machine) and not counted as a failure; one where upstream's
// answer carries another request's uid is upstream's shared-response race (upstreamSharedResponseUid), recorded and
// not counted. `--replay` sends every recorded difference's body again, one at a time on fresh connections to a fresh
// pair of servers, and says which still differ.
//
// Bodies go over keep-alive HTTPS connections; a request that gets no answer is retried once on a fresh connection,
// and only then counted as "closed" (upstream drops the connection where its handler panics).
import { appendFileSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { parseArgs } from 'node:util';
import { parseSuiteArgs, randomSeed, UsageError } from '../../conformance/lib/args.ts';
import { chunkSeed, RunState } from '../../conformance/lib/run-state.ts';
import { send } from './client.ts';
import { createRandom, fuzzBody, loadSeedReviews } from './fuzz.ts';
import {
  knownFuzzDifference,
  podListFailedOnOneSide,
  startUpstreamPair,
  upstreamSharedResponseUid,
  type Answer,
} from './upstream-pair.ts';

const CHUNK = 10_000;
const ENVIRONMENTAL = 'environmental: one side failed to list the namespace pods';
const UPSTREAM_UID_RACE = "upstream's race: its answer carries another request's uid";
const DELIBERATE = 'deliberate (docs/webhook.md)';
const UNEXPLAINED = 'unexplained';

/** The class of an answer pair that differs. */
function classify(body: Buffer, ours: Answer, theirs: Answer): string {
  if (knownFuzzDifference(body, ours, theirs)) return DELIBERATE;
  if (podListFailedOnOneSide(ours.body, theirs.body)) return ENVIRONMENTAL;
  if (upstreamSharedResponseUid(body, ours, theirs)) return UPSTREAM_UID_RACE;
  return UNEXPLAINED;
}
const DEFAULT_COUNT = 1_000_000;

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function answer(
  port: number,
  ca: Buffer,
  agent: Agent | undefined,
  body: Buffer,
  contentType: string,
): Promise<Answer> {
  const options = {
    ca,
    path: '/?timeout=10s',
    headers: contentType === '' ? {} : { 'Content-Type': contentType },
    body,
    timeoutMs: 15_000,
  };
  try {
    const res = await send(port, agent === undefined ? options : { ...options, agent });
    return { status: String(res.status), body: res.body };
  } catch {
    try {
      const res = await send(port, options);
      return { status: String(res.status), body: res.body };
    } catch {
      return { status: '', body: '' };
    }
  }
}

/** Where two answers part: the offset of the first differing character and 600 characters of each from just before. */
function differingParts(psa: string, upstream: string): { at: number; psa: string; upstream: string } {
  let at = 0;
  while (at < psa.length && at < upstream.length && psa[at] === upstream[at]) at++;
  const from = Math.max(0, at - 100);
  return { at, psa: psa.slice(from, from + 600), upstream: upstream.slice(from, from + 600) };
}

interface DifferenceRecord {
  readonly chunk: number;
  readonly index: number;
  readonly answers: string;
  readonly contentType: string;
  readonly bodyBase64: string;
  readonly at?: number;
  readonly psa: string;
  readonly upstream: string;
}

function readDifferences(file: string): DifferenceRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"kind":"difference"'))
    .map((line) => JSON.parse(line) as DifferenceRecord);
}

/** The two statuses of a record's `answers` ("psa 200 / upstream closed"). */
function recordedStatuses(record: DifferenceRecord): { ours: string; theirs: string } {
  const [, ours = '', theirs = ''] = /^psa (\S+) \/ upstream (\S+)$/.exec(record.answers) ?? [];
  const status = (s: string): string => (s === 'closed' ? '' : s);
  return { ours: status(ours), theirs: status(theirs) };
}

/**
 * `--summarize`: the recorded differences of a state file by class, from the recorded answers (the 600 characters
 * around where they part). Runs from before a class existed recorded its cases as differences; they are classified
 * here the same way as the run classifies them now.
 */
function summarize(file: string): number {
  const records = readDifferences(file);
  const byClass = new Map<string, number>();
  for (const d of records) {
    const { ours, theirs } = recordedStatuses(d);
    const cls =
      d.at === undefined
        ? 'recorded without the differing window (first 1,000 characters only)'
        : classify(
            Buffer.from(d.bodyBase64, 'base64'),
            { status: ours, body: d.psa },
            { status: theirs, body: d.upstream },
          );
    byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
    if (cls === UNEXPLAINED) log(`unexplained: chunk ${String(d.chunk)} index ${String(d.index)}`);
  }
  log(`${file}: ${String(records.length)} recorded differences`);
  for (const [cls, n] of byClass) log(`  ${cls}: ${String(n)}`);
  return (byClass.get(UNEXPLAINED) ?? 0) === 0 ? 0 : 1;
}

/**
 * `--replay`: every recorded difference's body sent again to a fresh pair of servers, one body at a time on a fresh
 * connection each (no concurrency, so no race and no loaded pod lists), three times; the answers now, classified.
 * Bodies recorded cut at 8 KiB are replayed as recorded (said in the output).
 */
async function replay(file: string): Promise<number> {
  const records = readDifferences(file);
  const pair = await startUpstreamPair();
  const ca = pair.pki.caCert;
  const byClass = new Map<string, number>();
  try {
    for (const d of records) {
      const body = Buffer.from(d.bodyBase64, 'base64');
      const classes = new Set<string>();
      for (let round = 0; round < 3; round++) {
        const ours = await answer(pair.psa.port, ca, undefined, body, d.contentType);
        const theirs = await answer(pair.upstreamPort, ca, undefined, body, d.contentType);
        classes.add(
          ours.status === theirs.status && ours.body === theirs.body ? 'identical now' : classify(body, ours, theirs),
        );
      }
      const cls = [...classes].sort().join(' + ');
      byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
      const cut = body.length === 8192 ? ' (body recorded cut at 8 KiB)' : '';
      log(`chunk ${String(d.chunk)} index ${String(d.index)} (${d.answers} when recorded): ${cls}${cut}`);
    }
  } finally {
    await pair.stop();
  }
  log(`${file}: ${String(records.length)} recorded differences replayed`);
  for (const [cls, n] of byClass) log(`  ${cls}: ${String(n)}`);
  return [...byClass.keys()].some((cls) => cls.includes(UNEXPLAINED)) ? 1 : 0;
}

async function main(): Promise<number> {
  if (process.argv[2] === '--summarize' && process.argv[3] !== undefined) return summarize(process.argv[3]);
  if (process.argv[2] === '--replay' && process.argv[3] !== undefined) return replay(process.argv[3]);
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      count: { type: 'string' },
      seed: { type: 'string' },
      state: { type: 'string' },
      concurrency: { type: 'string', default: '8' },
    },
    strict: true,
  });
  let state: RunState;
  try {
    if (values.state === undefined) throw new UsageError('--state FILE is required');
    const suite = parseSuiteArgs([
      ...(values.count === undefined ? [] : ['--cases', values.count]),
      ...(values.seed === undefined ? [] : ['--seed', values.seed]),
    ]);
    state = RunState.open(values.state, { suite: 'webhook-fuzz', seed: suite.seed, cases: suite.cases }, () => ({
      seed: suite.seed ?? randomSeed(),
      cases: suite.cases ?? DEFAULT_COUNT,
      chunkSize: CHUNK,
      about: { node: process.version },
    }));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`upstream-fuzz-run: ${error.message}\n`);
    return 2;
  }
  const { seed, cases: total } = state.header;
  const concurrency = Number(values.concurrency);
  log(
    `fuzz differential: ${state.file}, seed ${String(seed)}, ${String(total)} bodies in chunks of ${String(CHUNK)}; ` +
      (state.resumed ? `resuming at chunk ${String(state.nextChunk)}` : 'new'),
  );
  const pair = await startUpstreamPair();
  const ca = pair.pki.caCert;
  const psaAgent = new Agent({ keepAlive: true, maxSockets: concurrency, ca });
  const upstreamAgent = new Agent({ keepAlive: true, maxSockets: concurrency, ca });
  const seeds = loadSeedReviews();
  const classes = new Map<string, number>();
  let notCountedTotal = 0;
  try {
    for (let k = state.nextChunk; k * CHUNK < total; k++) {
      const started = Date.now();
      const count = Math.min(CHUNK, total - k * CHUNK);
      const random = createRandom(chunkSeed(seed, k));
      const bodies = Array.from({ length: count }, () => fuzzBody(random, seeds));
      let next = 0;
      let found = 0;
      let notCountedCount = 0;
      const worker = async (): Promise<void> => {
        while (next < bodies.length) {
          const index = next++;
          const { body, contentType } = bodies[index]!;
          const [ours, theirs] = await Promise.all([
            answer(pair.psa.port, ca, psaAgent, body, contentType),
            answer(pair.upstreamPort, ca, upstreamAgent, body, contentType),
          ]);
          const kind = `psa ${ours.status || 'closed'} / upstream ${theirs.status || 'closed'}`;
          classes.set(kind, (classes.get(kind) ?? 0) + 1);
          if (ours.status === theirs.status && ours.body === theirs.body) continue;
          const cls = classify(body, ours, theirs);
          if (cls === DELIBERATE) continue;
          if (cls === UNEXPLAINED) found++;
          else notCountedCount++;
          state.recordDifference({
            class: cls,
            chunk: k,
            index,
            answers: kind,
            contentType,
            bodyBase64: body.subarray(0, 8192).toString('base64'),
            ...differingParts(ours.body, theirs.body),
          });
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      notCountedTotal += notCountedCount;
      state.recordChunk({
        k,
        seed: chunkSeed(seed, k),
        cases: count,
        differences: found,
        seconds: (Date.now() - started) / 1000,
      });
      const t = state.totals;
      log(
        `  chunk ${String(k)}: ${String(count)} bodies, ${String(found)} differences; total ${String(t.cases)} / ${String(total)}, ` +
          `${String(t.differences)} differences, ${Math.round(t.cases / t.seconds).toLocaleString('en-US')} bodies/s`,
      );
    }
  } finally {
    psaAgent.destroy();
    upstreamAgent.destroy();
    await pair.stop();
  }
  const t = state.totals;
  const mix = [...classes.entries()].sort(([, a], [, b]) => b - a).map(([k, v]) => `${k}=${String(v)}`);
  log(`answers this session: ${mix.join(', ')}`);
  log(`environmental and upstream-race differences this session (recorded, not counted): ${String(notCountedTotal)}`);
  appendFileSync(
    state.file,
    `${JSON.stringify({ kind: 'session', answers: Object.fromEntries(classes), at: new Date().toISOString() })}\n`,
  );
  log(
    `fuzz differential: ${String(t.cases)} bodies in ${String(t.chunks)} chunks, ${String(t.differences)} unexplained differences, ` +
      `${(t.seconds / 60).toFixed(1)} min`,
  );
  return t.differences === 0 ? 0 : 1;
}

process.exitCode = await main();
