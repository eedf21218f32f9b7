import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../cli/helpers.ts';
import { runCompletionCommand } from '../../src/completion/command.ts';

const temp = mkdtempSync(join(tmpdir(), 'psa-completion-'));
after(() => rmSync(temp, { recursive: true, force: true }));

async function script(shell: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCompletionCommand([shell], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: process.stdin,
    cwd: ROOT,
    env: {},
  });
  return { code, stdout, stderr };
}

function which(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
}

/** Writes the shell's script to a file and returns its path. */
async function saved(shell: string): Promise<string> {
  const r = await script(shell);
  assert.equal(r.code, 0, r.stderr);
  const path = join(temp, `psa.${shell}`);
  writeFileSync(path, r.stdout);
  return path;
}

/**
 * Completes a command line in bash as readline would: COMP_WORDS split the way bash splits them (`--flag=value` is
 * three words), COMP_CWORD the word under the cursor, then the function `complete -p psa` names.
 */
function bashComplete(file: string, words: readonly string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const program = [
    `source '${file}'`,
    `fn=$(complete -p ${words[0]} | sed -E 's/.*-F ([^ ]+) .*/\\1/')`,
    `COMP_WORDS=(${quoted})`,
    `COMP_CWORD=${words.length - 1}`,
    `COMP_LINE="${words.join(' ')}"`,
    'COMP_POINT=${#COMP_LINE}',
    '"$fn"',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('psa completion', () => {
  it('bash, zsh and fish scripts parse (bash -n, zsh -n, fish --no-execute)', async (t) => {
    const checks = [
      { shell: 'bash', argv: ['-n'] },
      { shell: 'zsh', argv: ['-n'] },
      { shell: 'fish', argv: ['--no-execute'] },
    ];
    for (const c of checks) {
      const file = await saved(c.shell);
      if (!which(c.shell)) {
        t.diagnostic(`warning: ${c.shell} is not installed; its script is not syntax-checked`);
        continue;
      }
      const r = spawnSync(c.shell, [...c.argv, file], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${c.shell}: ${r.stderr}`);
    }
  });

  const cases: { line: string[]; expected: string[] }[] = [
    { line: ['psa', 'ch'], expected: ['check'] },
    {
      line: ['psa', ''],
      expected: [
        'check',
        'explain',
        'fix',
        'namespace',
        'audit',
        'audit-log',
        'config',
        'serve',
        'playground',
        'version',
        'completion',
        'help',
        '--help',
        '--version',
      ],
    },
    { line: ['psa', 'check', '-o', ''], expected: ['text', 'json', 'sarif', 'junit', 'markdown', 'github'] },
    { line: ['psa', 'check', '--output', '=', 'ma'], expected: ['markdown'] },
    { line: ['psa', 'check', '--level', ''], expected: ['privileged', 'baseline', 'restricted'] },
    { line: ['psa', 'check', '--fail-on', 'w'], expected: ['warn'] },
    { line: ['psa', 'check', '--ta'], expected: ['--talos-patch'] },
    {
      line: ['psa', 'check', '--config', 'examples/talos/pod-security'],
      expected: ['examples/talos/pod-security-broken.yaml', 'examples/talos/pod-security.yaml'],
    },
    {
      line: ['psa', 'check', 'examples/0'],
      expected: [
        'examples/01-restricted-deployment.yaml',
        'examples/02-nginx-deployment.yaml',
        'examples/03-debug-container-daemonset.yaml',
      ],
    },
    { line: ['psa', 'explain', '-o', ''], expected: ['text', 'json'] },
    { line: ['psa', 'fix', '--level', 'r'], expected: ['restricted'] },
    { line: ['psa', 'config', ''], expected: ['show', 'lint', 'render'] },
    { line: ['psa', 'config', 'render', '--as', 'talos-'], expected: ['talos-resource', 'talos-patch'] },
    { line: ['psa', 'namespace', 'd'], expected: ['dry-run'] },
    { line: ['psa', 'audit', '-o', ''], expected: ['text', 'json', 'policyreport', 'html'] },
    { line: ['psa', 'audit', '--report-granularity', ''], expected: ['pod', 'owner'] },
    { line: ['psa', 'audit-log', '--fail-on', ''], expected: ['refused', 'audit', 'never'] },
    { line: ['psa', 'serve', '--log-level', 'de'], expected: ['debug'] },
    { line: ['psa', 'serve', '--tls-min'], expected: ['--tls-min-version'] },
    { line: ['psa', 'completion', ''], expected: ['bash', 'zsh', 'fish'] },
    { line: ['kubectl-psa', 'check', '--fail-on', ''], expected: ['enforce', 'warn', 'audit'] },
  ];
  for (const c of cases) {
    it(`bash: ${c.line.join(' ')}<TAB>`, async () => {
      const file = await saved('bash');
      assert.deepEqual(bashComplete(file, c.line).sort(), [...c.expected].sort());
    });
  }

  it('zsh: sourcing the script after compinit registers _psa for psa and kubectl-psa', async (t) => {
    if (!which('zsh')) {
      t.diagnostic('warning: zsh is not installed; skipped');
      return;
    }
    const file = await saved('zsh');
    const r = spawnSync(
      'zsh',
      [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -D; source '${file}'; print -r -- $_comps[psa] $_comps[kubectl-psa]`,
      ],
      { encoding: 'utf8', env: { ...process.env, HOME: temp } },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '_psa _psa\n');
  });

  it('fish: complete -C answers from the script', async (t) => {
    if (!which('fish')) {
      t.diagnostic('warning: fish is not installed; skipped');
      return;
    }
    const file = await saved('fish');
    const complete = (line: string): string[] => {
      const r = spawnSync('fish', ['--no-config', '-c', `source '${file}'; complete -C '${line}'`], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t')[0]!);
    };
    assert.deepEqual(complete('psa check --output ').sort(), ['github', 'json', 'junit', 'markdown', 'sarif', 'text']);
    assert.deepEqual(complete('psa config '), ['lint', 'render', 'show']);
    assert.deepEqual(complete('psa check --le'), ['--level']);
    assert.deepEqual(complete('psa check examples/0'), [
      'examples/01-restricted-deployment.yaml',
      'examples/02-nginx-deployment.yaml',
      'examples/03-debug-container-daemonset.yaml',
    ]);
    assert.ok(complete('psa ch').includes('check'));
    assert.deepEqual(complete('kubectl-psa check --level r'), ['restricted']);
  });

  it('usage: a missing or unknown shell is exit 2 with a hint', async () => {
    assert.equal((await script('bash')).code, 0);
    const typo = await script('bsah');
    assert.equal(typo.code, 2);
    assert.equal(
      typo.stderr,
      `psa completion: unknown shell "bsah" (did you mean "bash"?): want bash, zsh or fish\nRun 'psa completion --help' for usage.\n`,
    );
  });
});
