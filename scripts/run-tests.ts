// Runs every *.test.ts under src/ and test/ with node:test. Node 20's runner does not expand globs, so we walk the tree.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const roots = ['src', 'test', 'conformance', 'bench'];

function collect(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules') collect(path, out);
    } else if (name.endsWith('.test.ts')) {
      out.push(path);
    }
  }
}

const filter = process.argv.slice(2);
const files: string[] = [];
for (const root of roots) collect(root, files);
const selected = filter.length > 0 ? files.filter((f) => filter.some((needle) => f.includes(needle))) : files;

let passed = 0;
let failed = 0;
// Child test processes inherit this process's execArgv, so the tsx loader carries over.
// A file that hangs (a handle left open after a failure) fails after 15 minutes instead of holding CI until its limit.
const stream = run({ files: selected, concurrency: 2, timeout: 15 * 60_000 });
stream.on('test:pass', (event) => {
  if (event.details.type !== 'suite') passed++;
});
stream.on('test:fail', (event) => {
  if (event.details.type !== 'suite') failed++;
  process.exitCode = 1;
});
const reporter = stream.compose(new spec());
reporter.pipe(process.stdout, { end: false });
reporter.on('end', () => {
  // The plain summary line comes last so CI can read it.
  process.stdout.write(`\n${String(selected.length)} test files\n${String(passed)} passed, ${String(failed)} failed\n`);
});
