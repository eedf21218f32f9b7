/**
 * Engine differential: our decoder + evaluator against upstream's (the Go oracle's `eval` mode), on (a) the fixture
 * corpus under testdata/fixtures and (b) pods generated with fast-check. Any difference in allowed, reasons or details
 * fails the run; a generated difference is shrunk and printed with its level:version and both answers.
 *
 * Usage: node --import tsx conformance/engine.conformance.ts [--cases N] [--seed S] [--state FILE]
 *
 * With `--state FILE` the run is long and resumable (see lib/run-state.ts): every finished chunk of generated cases and
 * every difference is appended to FILE, and a rerun with the same FILE continues after the last recorded chunk with
 * the seed recorded there. The fixtures run only when a state file is started, not when it is resumed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import fc from 'fast-check';
import { podCase, type PodCase } from './arbitraries.ts';
import { parseSuiteArgs, randomSeed, UsageError } from './lib/args.ts';
import { chunkSeed, RunState } from './lib/run-state.ts';
import { compareAnswers, defaultRawPod, differenceKind, evaluateOurs, outcome } from './lib/engine.ts';
import { FIXTURE_INDEX, loadFixtureRequests } from './lib/fixtures.ts';
import { minimizeJson } from './lib/minimize.ts';
import { buildOracle, type EvalRequest, type EvalResponse, type OracleClient, startOracle } from './lib/oracle.ts';

const DEFAULT_CASES = 20_000;
/** Cases generated and sent to the oracle per batch. */
const CHUNK = 5_000;
/** Differences shrunk and printed in full (the first of each kind); the rest are only counted. */
const SHRINK_LIMIT = 5;
/** Differences kept in memory for printing; later ones are only counted by kind. */
const KEEP_LIMIT = 200;

interface Difference {
  readonly where: string;
  readonly field: string;
  readonly request: EvalRequest;
  readonly ours: EvalResponse;
  readonly upstream: EvalResponse;
  /** For generated cases: how to regenerate it (chunk seed and index in the chunk). */
  readonly replay?: { readonly seed: number; readonly index: number; readonly runs: number };
}

/** Every difference counted by kind; the first few kept for shrinking and printing. */
class Differences {
  /** Called with every difference as it is found (a long run writes them to its state file). */
  onAdd: ((d: Difference) => void) | undefined;
  count = 0;
  /** Of which the pod holds a lone UTF-16 surrogate (Go's decoder turns those into U+FFFD). */
  withLoneSurrogates = 0;
  readonly kinds = new Map<string, number>();
  readonly kept: Difference[] = [];
  add(d: Difference): void {
    this.count++;
    this.onAdd?.(d);
    if (hasLoneSurrogate(JSON.stringify(d.request.pod))) this.withLoneSurrogates++;
    const kind = differenceKind(d.ours, d.upstream, d.field);
    const seen = this.kinds.get(kind) ?? 0;
    this.kinds.set(kind, seen + 1);
    if (this.kept.length < KEEP_LIMIT && (seen === 0 || this.kept.length < SHRINK_LIMIT)) this.kept.push(d);
  }
  format(): string[] {
    if (this.count === 0) return [];
    const kinds = [...this.kinds.entries()].sort(([, a], [, b]) => b - a);
    return [
      `  differences by kind: ${kinds.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`,
      `  differences whose pod holds a lone UTF-16 surrogate: ${String(this.withLoneSurrogates)} of ${String(this.count)}`,
    ];
  }
}

/** JSON.stringify writes a lone surrogate as a \uXXXX escape; a paired one stays literal. */
function hasLoneSurrogate(json: string): boolean {
  return /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/.test(json);
}

/** What a long run's state file records about where it ran. */
function runFacts(): Record<string, unknown> {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // Not a git checkout: the commit stays unknown.
  }
  return { commit, node: process.version, cpus: availableParallelism() };
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function toRequest(c: PodCase, id: number): EvalRequest {
  return { id, level: c.level, version: c.version, pod: defaultRawPod(c.pod) };
}

/** Counts by level and outcome, and how often each reason was seen, to show the generator reaches every check. */
class Tally {
  readonly outcomes = new Map<string, number>();
  readonly reasons = new Map<string, number>();
  add(request: EvalRequest, upstream: EvalResponse): void {
    const key = `${request.level}:${outcome(upstream)}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    if (upstream.error === undefined) {
      for (const reason of upstream.reasons) this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    }
  }
  format(): string[] {
    const outcomes = [...this.outcomes.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const reasons = [...this.reasons.entries()].sort(([, a], [, b]) => b - a);
    return [
      `  outcomes: ${outcomes.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`,
      `  reasons seen: ${reasons.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`,
    ];
  }
}

function compareBatch(
  requests: readonly EvalRequest[],
  ours: readonly EvalResponse[],
  upstream: readonly EvalResponse[],
  tally: Tally,
  where: (index: number) => string,
  replay: ((index: number) => Difference['replay']) | undefined,
  differences: Differences,
): number {
  let found = 0;
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i]!;
    const up = upstream[i]!;
    const mine = ours[i]!;
    if (up.id !== request.id) throw new Error(`oracle answered id ${String(up.id)} for request ${String(request.id)}`);
    tally.add(request, up);
    const field = compareAnswers(mine, up);
    if (field === undefined) continue;
    found++;
    const r = replay?.(i);
    differences.add({
      where: where(i),
      field,
      request,
      ours: mine,
      upstream: up,
      ...(r === undefined ? {} : { replay: r }),
    });
  }
  return found;
}

async function runFixtures(
  oracle: OracleClient<EvalRequest, EvalResponse>,
  differences: Differences,
): Promise<{ count: number; diffs: number; wrongExpectations: number } | undefined> {
  if (!existsSync(FIXTURE_INDEX)) {
    log(`(a) fixtures: SKIPPED, ${relative(process.cwd(), FIXTURE_INDEX)} does not exist yet`);
    return undefined;
  }
  const loaded = loadFixtureRequests();
  const requests = loaded.map((f, i) => ({ ...f.request, id: i }));
  const upstream = await oracle.send(requests);
  const ours = requests.map(evaluateOurs);
  const tally = new Tally();
  const diffs = compareBatch(requests, ours, upstream, tally, (i) => loaded[i]!.where, undefined, differences);
  // The corpus also states what upstream does; a wrong expectation is a corpus bug, reported here too.
  const wrong: string[] = [];
  loaded.forEach((f, i) => {
    const up = upstream[i]!;
    if (f.expect === undefined) return;
    const actual = up.error !== undefined ? 'error' : up.allowed ? 'pass' : 'fail';
    if (actual !== f.expect) wrong.push(`${f.where}: expected ${f.expect}, upstream says ${actual}`);
  });
  for (const line of wrong.slice(0, 20)) log(`FIXTURE EXPECTATION WRONG: ${line}`);
  if (wrong.length > 20) log(`(${String(wrong.length - 20)} more wrong expectations)`);
  return { count: requests.length, diffs, wrongExpectations: wrong.length };
}

async function runGenerated(
  oracle: OracleClient<EvalRequest, EvalResponse>,
  total: number,
  seed: number,
  differences: Differences,
  tally: Tally,
  state: RunState | undefined,
): Promise<number> {
  let diffs = 0;
  let chunkStarted = Date.now();
  let previous:
    { k: number; requests: EvalRequest[]; ours: EvalResponse[]; answers: Promise<EvalResponse[]> } | undefined;
  const settle = async (): Promise<void> => {
    if (previous === undefined) return;
    const { k, requests, ours, answers } = previous;
    const upstream = await answers;
    const s = chunkSeed(seed, k);
    const found = compareBatch(
      requests,
      ours,
      upstream,
      tally,
      (i) => `generated case ${String(k * CHUNK + i)}`,
      (i) => ({ seed: s, index: i, runs: requests.length }),
      differences,
    );
    diffs += found;
    const now = Date.now();
    state?.recordChunk({
      k,
      seed: s,
      cases: requests.length,
      differences: found,
      seconds: (now - chunkStarted) / 1000,
    });
    chunkStarted = now;
    previous = undefined;
  };
  const chunks = Math.ceil(total / CHUNK);
  const started = Date.now();
  let lastProgress = started;
  for (let k = state?.nextChunk ?? 0; k < chunks; k++) {
    const runs = Math.min(CHUNK, total - k * CHUNK);
    const cases = fc.sample(podCase, { seed: chunkSeed(seed, k), numRuns: runs });
    const requests = cases.map((c, i) => toRequest(c, k * CHUNK + i));
    // The oracle works on this chunk in its own process while we evaluate ours and compare the previous chunk.
    const answers = oracle.send(requests);
    const ours = requests.map(evaluateOurs);
    await settle();
    previous = { k, requests, ours, answers };
    if (Date.now() - lastProgress > 30_000) {
      lastProgress = Date.now();
      const done = Math.min(total, (k + 1) * CHUNK);
      const rate = state === undefined ? '' : `, ${rateText(state.totals.cases, state.totals.seconds)}`;
      log(
        `  ... ${String(done)} / ${String(total)} cases, ${String(diffs)} differences, ${secs(Date.now() - started)}${rate}`,
      );
    }
  }
  await settle();
  return diffs;
}

/** Replays a generated difference by its seed and index, and lets fast-check shrink it against the oracle. */
async function shrink(
  oracle: OracleClient<EvalRequest, EvalResponse>,
  replay: NonNullable<Difference['replay']>,
): Promise<PodCase | undefined> {
  const details = await fc.check<[PodCase]>(
    fc.asyncProperty(podCase, async (c) => {
      const request = toRequest(c, 0);
      const [upstream] = await oracle.send([request]);
      return compareAnswers(evaluateOurs(request), upstream!) === undefined;
    }),
    {
      seed: replay.seed,
      path: String(replay.index),
      numRuns: replay.runs,
      plugins: [fc.interruptAfterTimeLimit(30_000)],
    },
  );
  return details.counterexample?.[0];
}

/** Drops pod fields one at a time while the two sides still disagree, to print the smallest pod we can find. */
async function minimize(oracle: OracleClient<EvalRequest, EvalResponse>, request: EvalRequest): Promise<EvalRequest> {
  const pod = await minimizeJson(request.pod, async (candidates) => {
    const requests = candidates.map((candidate, id) => ({ ...request, id, pod: candidate }));
    const upstream = await oracle.send(requests);
    return requests.map((r, i) => compareAnswers(evaluateOurs(r), upstream[i]!) !== undefined);
  });
  return { ...request, id: 0, pod };
}

function printDifference(d: Difference, request: EvalRequest, ours: EvalResponse, upstream: EvalResponse): void {
  log(`DIFFERENCE (${d.where}; first differing field: ${d.field})`);
  log(`  level:version ${request.level}:${request.version}`);
  log(`  pod (after API-server defaults): ${JSON.stringify(request.pod)}`);
  log(`  ours:     ${JSON.stringify(strip(ours))}`);
  log(`  upstream: ${JSON.stringify(strip(upstream))}`);
}

function strip(answer: EvalResponse): unknown {
  if (answer.error !== undefined) return { error: answer.error };
  return { allowed: answer.allowed, reasons: answer.reasons, details: answer.details };
}

function rateText(cases: number, seconds: number): string {
  return `${seconds > 0 ? Math.round(cases / seconds).toLocaleString('en-US') : '?'} cases/s`;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseSuiteArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `engine.conformance: ${error.message}\nusage: engine.conformance.ts [--cases N] [--seed S]\n`,
      );
      return 2;
    }
    throw error;
  }
  let state: RunState | undefined;
  try {
    state =
      options.state === undefined
        ? undefined
        : RunState.open(options.state, { suite: 'engine', seed: options.seed, cases: options.cases }, () => ({
            seed: options.seed ?? randomSeed(),
            cases: options.cases ?? DEFAULT_CASES,
            chunkSize: CHUNK,
            about: runFacts(),
          }));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`engine.conformance: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const total = state?.header.cases ?? options.cases ?? DEFAULT_CASES;
  const seed = state?.header.seed ?? options.seed ?? randomSeed();
  if (state !== undefined) {
    const t = state.totals;
    log(
      `long run: ${state.file}, seed ${String(seed)}, ${String(total)} cases in chunks of ${String(CHUNK)}; ` +
        (state.resumed
          ? `resuming at chunk ${String(state.nextChunk)} (${String(t.cases)} cases and ${String(t.differences)} differences recorded)`
          : 'new'),
    );
  }
  const started = Date.now();
  const oracle = startOracle<EvalRequest, EvalResponse>('eval', { binary: buildOracle({ log }) });
  const differences = new Differences();
  if (state !== undefined) {
    const record = state;
    differences.onAdd = (d) =>
      record.recordDifference({
        where: d.where,
        field: d.field,
        request: d.request,
        ours: d.ours,
        upstream: d.upstream,
        replay: d.replay,
      });
  }

  const fixtures = state?.resumed === true ? undefined : await runFixtures(oracle, differences);
  if (fixtures !== undefined) {
    log(
      `(a) fixtures: ${String(fixtures.count)} cases, ${String(fixtures.diffs)} differences, ` +
        `${String(fixtures.wrongExpectations)} pass/fail expectations contradicted by upstream`,
    );
  }
  const tally = new Tally();
  const generated = await runGenerated(oracle, total, seed, differences, tally, state);
  log(`(b) generated: ${String(total)} cases, ${String(generated)} differences (seed ${String(seed)})`);
  if (state !== undefined) {
    const t = state.totals;
    log(
      `  long run totals (${state.file}): ${String(t.cases)} cases in ${String(t.chunks)} chunks, ` +
        `${String(t.differences)} differences, ${secs(t.seconds * 1000)}, ${rateText(t.cases, t.seconds)}`,
    );
  }
  if (total > 0) for (const line of tally.format()) log(line);
  for (const line of differences.format()) log(line);

  let printed = 0;
  for (const d of differences.kept) {
    if (printed >= SHRINK_LIMIT) break;
    printed++;
    // fast-check shrinks the generated case (level and version included), then we drop fields it left behind.
    const shrunk = d.replay === undefined ? undefined : await shrink(oracle, d.replay);
    const request = await minimize(oracle, shrunk === undefined ? d.request : toRequest(shrunk, 0));
    const [upstream] = await oracle.send([request]);
    const ours = evaluateOurs(request);
    const field = compareAnswers(ours, upstream!) ?? d.field;
    printDifference({ ...d, field, where: `${d.where}, shrunk` }, request, ours, upstream!);
  }
  if (differences.count > printed) log(`(${String(differences.count - printed)} more differences not shown)`);
  await oracle.close();

  const count = total + (fixtures?.count ?? 0);
  log(
    `engine differential: ${String(count)} cases, ${String(differences.count)} differences, ${secs(Date.now() - started)}` +
      (differences.count > 0
        ? ` (replay: npm run test:conformance -- --seed ${String(seed)} --cases ${String(total)})`
        : ''),
  );
  return differences.count === 0 && (fixtures?.wrongExpectations ?? 0) === 0 ? 0 : 1;
}

process.exitCode = await main();
