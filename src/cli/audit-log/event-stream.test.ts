import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type BadLine, createStreamStats, readEventStream } from './event-stream.ts';
import type { PodSecurityEvent } from './pod-security-event.ts';

const AUDIT = 'pod-security.kubernetes.io/audit-violations';

function event(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    stage: 'ResponseComplete',
    verb: 'create',
    user: { username: 'admin' },
    objectRef: { resource: 'pods', namespace: 'shop', name: 'web' },
    responseStatus: { code: 201 },
    stageTimestamp: '2026-12-04T10:00:00.000000Z',
    ...fields,
  };
}

const violating = event({
  annotations: { [AUDIT]: 'would violate PodSecurity "restricted:latest": seccompProfile (x)' },
});

/** Reads `chunks` (split where the test says, to cross chunk boundaries) and returns what came out. */
async function read(chunks: readonly (string | Buffer)[]): Promise<{
  events: PodSecurityEvent[];
  bad: BadLine[];
  read: number;
  first: string;
  last: string;
}> {
  const events: PodSecurityEvent[] = [];
  const bad: BadLine[] = [];
  const stats = createStreamStats();
  const source = (): AsyncIterable<Buffer> =>
    Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
  await readEventStream(
    source(),
    'f.log',
    { podSecurityEvent: (e) => events.push(e), badLine: (b) => bad.push(b) },
    stats,
  );
  return { events, bad, read: stats.read, first: stats.firstTime, last: stats.lastTime };
}

const line = (o: unknown): string => `${JSON.stringify(o)}\n`;

describe('readEventStream', () => {
  const cases: readonly {
    readonly title: string;
    readonly chunks: readonly (string | Buffer)[];
    readonly events: number;
    readonly read: number;
    /** Each bad line as `line: reason`; JSON.parse's own words vary between Node versions, so only their start. */
    readonly bad: readonly (string | RegExp)[];
  }[] = [
    { title: 'JSON lines', chunks: [line(event()) + line(violating) + line(event())], events: 1, read: 3, bad: [] },
    {
      title: 'lines split across chunks, CRLF endings, blank lines',
      chunks: [
        line(event()).slice(0, 20),
        `${line(event()).slice(20, -1)}\r\n\n  \n${line(violating).slice(0, 50)}`,
        line(violating).slice(50),
      ],
      events: 1,
      read: 2,
      bad: [],
    },
    {
      title: 'gzip, whatever the name',
      chunks: [gzipSync(line(violating) + line(event()))],
      events: 1,
      read: 2,
      bad: [],
    },
    {
      title: 'non-JSON, another kind, a JSON scalar and a truncated last line',
      chunks: [`not json\n${line({ kind: 'Pod' })}42\n${line(event())}${line(violating).slice(0, 40)}`],
      events: 0,
      read: 1,
      bad: [
        /^1: not JSON: Unexpected token/,
        '2: not an audit Event (kind "Pod")',
        '3: not an audit Event (a JSON number)',
        '5: truncated last line (not valid JSON)',
      ],
    },
    {
      title: 'an EventList on one line, keys in any order',
      chunks: [line({ items: [violating, event()], kind: 'EventList', apiVersion: 'audit.k8s.io/v1' })],
      events: 1,
      read: 2,
      bad: [],
    },
    {
      title: 'a pretty-printed EventList document',
      chunks: [JSON.stringify({ kind: 'EventList', items: [violating, violating, event()] }, null, 2)],
      events: 2,
      read: 3,
      bad: [],
    },
    {
      title: 'a pretty-printed document that is broken',
      chunks: ['{\n  "kind": "EventList",\n'],
      events: 0,
      read: 0,
      bad: [/^1: not a JSON document: /],
    },
    {
      title: 'earlier stages of a request are read but not counted twice',
      chunks: [line({ ...violating, stage: 'RequestReceived' }) + line(violating)],
      events: 1,
      read: 2,
      bad: [],
    },
    {
      title: 'a broken gzip stream after good data',
      chunks: [gzipSync(line(violating).repeat(3)).subarray(0, 60)],
      events: 0,
      read: 0,
      bad: ['1: cannot read further: unexpected end of file'],
    },
  ];
  for (const c of cases)
    it(c.title, async () => {
      const got = await read(c.chunks);
      assert.equal(got.events.length, c.events, 'Pod Security events');
      assert.equal(got.read, c.read, 'events read');
      const bad = got.bad.map((b) => `${String(b.line)}: ${b.reason}`);
      assert.equal(bad.length, c.bad.length, bad.join('\n'));
      c.bad.forEach((want, i) => {
        if (typeof want === 'string') assert.equal(bad[i], want);
        else assert.match(bad[i]!, want);
      });
    });

  it('finds the earliest and latest time of every event line, in any order', async () => {
    const times = ['2026-12-04T10:00:05.000000Z', '2026-12-04T09:59:59.123456Z', '2026-12-04T10:00:07.000001Z'];
    const got = await read([times.map((t) => line(event({ stageTimestamp: t }))).join('')]);
    assert.equal(got.first, times[1]);
    assert.equal(got.last, times[2]);
  });

  it('decodes a Pod Security event: checks, policy, owner fields, refusal', async () => {
    const refusal = event({
      objectRef: { resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'shop', name: 'db-0' },
      verb: 'patch',
      responseStatus: {
        code: 403,
        message:
          'pods "db-0" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true), privileged (container "debug" must not set securityContext.privileged=true)',
      },
      annotations: { 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' },
    });
    const [e] = (await read([line(refusal)])).events;
    assert.deepEqual(
      { ...e, epochMs: undefined },
      {
        time: '2026-12-04T10:00:00.000000Z',
        epochMs: undefined,
        namespace: 'shop',
        resource: 'pods/ephemeralcontainers',
        name: 'db-0',
        verb: 'patch',
        user: 'admin',
        auditChecks: [],
        enforcePolicy: 'baseline:latest',
        refusedChecks: ['host namespaces', 'privileged'],
        refused: true,
      },
    );
  });
});
