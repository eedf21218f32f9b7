/**
 * Streams audit events out of a log (JSON lines, plain or gzip) without holding it in memory: a chunk at a time, each
 * line looked at in place. Only lines that mention Pod Security (its annotation prefix, psa's webhook name, or a
 * `violates PodSecurity` refusal) are JSON-parsed; every other line is checked for the shape kube-apiserver writes
 * (`{"kind":"Event"` ... `}`) and counted, and anything else is parsed to tell an `EventList`, another kind or
 * broken JSON apart. A file whose first line is a lone `{` or `[` is one pretty-printed JSON document (an `EventList`,
 * an `Event` or an array of them) and is parsed whole.
 */
import { createGunzip } from 'node:zlib';
import { pipeline, Readable } from 'node:stream';
import { decodePodSecurityEvent, EventVerdicts, type PodSecurityEvent } from './pod-security-event.ts';

/** A line that is not an audit event, with where it is. */
export interface BadLine {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** What reading produces, as it goes. */
export interface EventSink {
  podSecurityEvent(event: PodSecurityEvent): void;
  badLine(bad: BadLine): void;
}

/** Counts of one read. */
export interface StreamStats {
  /** Audit events read (every stage, Pod Security or not). */
  read: number;
  /** Earliest and latest event times seen in the first and last event line of each file (epoch ms, NaN if none). */
  firstMs: number;
  lastMs: number;
  firstTime: string;
  lastTime: string;
}

export function createStreamStats(): StreamStats {
  return { read: 0, firstMs: Number.NaN, lastMs: Number.NaN, firstTime: '', lastTime: '' };
}

/** Lines longer than this are reported and skipped rather than buffered. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** A pretty-printed document larger than this is refused (JSON lines have no limit). */
export const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

const NEEDLES = [
  Buffer.from('pod-security.kubernetes.io/'),
  Buffer.from('violates PodSecurity'),
  Buffer.from('psa.kube-psa.io/'),
] as const;
const EVENT_PREFIX = Buffer.from('{"kind":"Event"');
const STAGE_TIMESTAMP = Buffer.from('"stageTimestamp":"');
const QUOTE = 0x22;
/** kube-apiserver's timestamps (RFC 3339 with microseconds, UTC) order as text: no date parsing per line. */
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Widens the stats' time range to `time`. */
function noteTimeText(time: string, stats: StreamStats): void {
  if (stats.firstTime !== '' && time.length === 27 && stats.firstTime.length === 27 && stats.lastTime.length === 27) {
    // The common case, compared as text; anything else below is parsed.
    if (time >= stats.firstTime && time <= stats.lastTime) return;
    if (MICRO_TIME.test(time) && MICRO_TIME.test(stats.firstTime) && MICRO_TIME.test(stats.lastTime)) {
      if (time < stats.firstTime) [stats.firstTime, stats.firstMs] = [time, Date.parse(time)];
      else [stats.lastTime, stats.lastMs] = [time, Date.parse(time)];
      return;
    }
  }
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return;
  if (!(ms >= stats.firstMs)) [stats.firstMs, stats.firstTime] = [ms, time];
  if (!(ms <= stats.lastMs)) [stats.lastMs, stats.lastTime] = [ms, time];
}
const NEWLINE = 0x0a;
const CR = 0x0d;
const CLOSE_BRACE = 0x7d;

function isGzip(chunk: Buffer): boolean {
  return chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b;
}

/** The bytes of `source`, gunzipped when they start with gzip's magic number. */
async function* decompressed(source: AsyncIterable<Buffer>, opened: () => void): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) return;
  opened();
  const head: Buffer = Buffer.isBuffer(first.value) ? first.value : Buffer.from(String(first.value));
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  if (!isGzip(head)) {
    yield* rest();
    return;
  }
  const gunzip = createGunzip();
  pipeline(Readable.from(rest()), gunzip, () => undefined);
  for await (const chunk of gunzip) yield chunk as Buffer;
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  }
  return true;
}

/**
 * Reads one source into `sink`. Throws only when the source fails before its first byte (a missing file); content
 * problems, a broken gzip stream included, become bad lines.
 */
export async function readEventStream(
  source: AsyncIterable<Buffer>,
  file: string,
  sink: EventSink,
  stats: StreamStats,
): Promise<void> {
  let lineNumber = 0;
  let carry: Buffer | undefined;
  let skippingLongLine = false;
  let documentParts: Buffer[] | undefined;
  let documentBytes = 0;
  let decided = false;
  let started = false;

  const parsed = (text: string, line: number, last: boolean): void => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const reason = last ? 'truncated last line (not valid JSON)' : `not JSON: ${(error as Error).message}`;
      sink.badLine({ file, line, reason });
      return;
    }
    acceptValue(value, line);
  };

  const acceptValue = (value: unknown, line: number): void => {
    const items = Array.isArray(value) ? (value as unknown[]) : [value];
    for (const item of items) {
      const object = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : undefined;
      const kind = object?.['kind'];
      if (kind === 'EventList' && Array.isArray(object?.['items'])) {
        acceptValue(object['items'], line);
        continue;
      }
      if (object === undefined || kind !== 'Event') {
        const what =
          object === undefined
            ? `a JSON ${item === null ? 'null' : typeof item}`
            : `kind ${JSON.stringify(kind ?? '')}`;
        sink.badLine({ file, line, reason: `not an audit Event (${what})` });
        continue;
      }
      stats.read++;
      noteTime(object);
      const decoded = decodePodSecurityEvent(object);
      if (decoded.verdict === EventVerdicts.podSecurity) sink.podSecurityEvent(decoded.event);
    }
  };

  const noteTime = (object: Readonly<Record<string, unknown>>): void => {
    const time = object['stageTimestamp'] ?? object['requestReceivedTimestamp'];
    if (typeof time === 'string') noteTimeText(time, stats);
  };

  /** Lines `[start, end)` of `buf`, all complete. Returns nothing; updates counters. */
  const scan = (buf: Buffer, start: number, end: number): void => {
    const next = NEEDLES.map((needle) => buf.indexOf(needle, start));
    let nextTime = buf.indexOf(STAGE_TIMESTAMP, start);
    let pos = start;
    while (pos < end) {
      let lineEnd = buf.indexOf(NEWLINE, pos);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
      lineNumber++;
      let contentEnd = lineEnd;
      if (contentEnd > pos && buf[contentEnd - 1] === CR) contentEnd--;
      let candidate = false;
      for (let n = 0; n < NEEDLES.length; n++) {
        let at = next[n]!;
        if (at >= 0 && at < pos) {
          at = buf.indexOf(NEEDLES[n]!, pos);
          next[n] = at;
        }
        if (at >= 0 && at < lineEnd) candidate = true;
      }
      if (candidate) {
        parsed(buf.toString('utf8', pos, contentEnd), lineNumber, false);
      } else if (contentEnd > pos && !isBlank(buf, pos, contentEnd)) {
        if (
          buf[contentEnd - 1] === CLOSE_BRACE &&
          contentEnd - pos > EVENT_PREFIX.length &&
          buf.compare(EVENT_PREFIX, 0, EVENT_PREFIX.length, pos, pos + EVENT_PREFIX.length) === 0
        ) {
          stats.read++;
          if (nextTime >= 0 && nextTime < pos) nextTime = buf.indexOf(STAGE_TIMESTAMP, pos);
          if (nextTime >= 0 && nextTime < contentEnd) {
            const at = nextTime + STAGE_TIMESTAMP.length;
            const close = buf.indexOf(QUOTE, at);
            if (close > at && close < contentEnd) noteTimeText(buf.toString('latin1', at, close), stats);
          }
        } else {
          parsed(buf.toString('utf8', pos, contentEnd), lineNumber, false);
        }
      }
      pos = lineEnd + 1;
    }
  };

  /** The first non-blank line decides between JSON lines and one pretty-printed document; undefined: read more. */
  const decide = (buf: Buffer): 'lines' | 'document' | undefined => {
    let i = 0;
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === CR || buf[i] === NEWLINE)) i++;
    if (i === buf.length) return undefined;
    const lineEnd = buf.indexOf(NEWLINE, i);
    if (lineEnd < 0) return undefined;
    const first = buf.toString('utf8', i, lineEnd).trim();
    return first === '{' || first === '[' ? 'document' : 'lines';
  };

  try {
    for await (const chunk of decompressed(source, () => (started = true))) {
      if (documentParts !== undefined) {
        documentBytes += chunk.length;
        if (documentBytes <= MAX_DOCUMENT_BYTES) documentParts.push(chunk);
        continue;
      }
      let buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
      carry = undefined;
      if (!decided) {
        const mode = decide(buf);
        if (mode === undefined) {
          carry = buf;
          continue;
        }
        decided = true;
        if (mode === 'document') {
          documentParts = [buf];
          documentBytes = buf.length;
          continue;
        }
      }
      let start = 0;
      if (skippingLongLine) {
        const nl = buf.indexOf(NEWLINE);
        if (nl < 0) continue;
        skippingLongLine = false;
        start = nl + 1;
      }
      const lastNewline = buf.lastIndexOf(NEWLINE);
      if (lastNewline >= start) {
        scan(buf, start, lastNewline);
        start = lastNewline + 1;
      }
      if (start < buf.length) {
        buf = buf.subarray(start);
        if (buf.length > MAX_LINE_BYTES) {
          lineNumber++;
          sink.badLine({ file, line: lineNumber, reason: `line longer than ${String(MAX_LINE_BYTES)} bytes, skipped` });
          skippingLongLine = true;
        } else {
          carry = Buffer.from(buf);
        }
      }
    }
  } catch (error) {
    // Failing before the first byte is the file's fault (missing, unreadable): the caller reports it.
    if (!started) throw error;
    sink.badLine({ file, line: lineNumber + 1, reason: `cannot read further: ${(error as Error).message}` });
  }
  if (documentParts !== undefined) {
    if (documentBytes > MAX_DOCUMENT_BYTES) {
      sink.badLine({ file, line: 1, reason: `JSON document larger than ${String(MAX_DOCUMENT_BYTES)} bytes, skipped` });
    } else {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.concat(documentParts).toString('utf8'));
      } catch (error) {
        sink.badLine({ file, line: 1, reason: `not a JSON document: ${(error as Error).message}` });
        return;
      }
      acceptValue(value, 1);
    }
    return;
  }
  if (carry !== undefined && !isBlank(carry, 0, carry.length)) {
    // The last line has no newline: a live log being written, or a complete line without its terminator.
    lineNumber++;
    parsed(carry.toString('utf8'), lineNumber, true);
  }
}
