/** `psa completion bash|zsh|fish`: prints the completion script for the shell. */
import type { CommandRunner } from '../process-io.ts';
import { didYouMean } from '../suggest.ts';
import { bashScript, fishScript, zshScript } from './scripts.ts';
import { COMPLETION_SHELLS, commandSpecs } from './spec.ts';

export const COMPLETION_HELP = `Usage: psa completion bash|zsh|fish

Prints a shell completion script for psa (and kubectl-psa): commands, each command's flags, the values of -o,
--level, --fail-on and the like, and file names where files are expected.

  bash:  source <(psa completion bash)      # or save it in ~/.local/share/bash-completion/completions/psa
  zsh:   source <(psa completion zsh)       # or save it as _psa in a folder of $fpath
  fish:  psa completion fish | source       # or save it as ~/.config/fish/completions/psa.fish
`;

export const runCompletionCommand: CommandRunner = (argv, io) => {
  const [shell, ...extra] = argv;
  if (shell === '--help' || shell === '-h') {
    io.stdout.write(COMPLETION_HELP);
    return Promise.resolve(0);
  }
  const problem =
    shell === undefined
      ? 'missing shell: bash, zsh or fish'
      : !(COMPLETION_SHELLS as readonly string[]).includes(shell)
        ? `unknown shell ${JSON.stringify(shell)}${didYouMean(shell, COMPLETION_SHELLS)}: want bash, zsh or fish`
        : extra.length > 0
          ? `unexpected argument ${JSON.stringify(extra[0])}`
          : undefined;
  if (problem !== undefined) {
    io.stderr.write(`psa completion: ${problem}\nRun 'psa completion --help' for usage.\n`);
    return Promise.resolve(2);
  }
  const specs = commandSpecs();
  io.stdout.write(shell === 'bash' ? bashScript(specs) : shell === 'zsh' ? zshScript(specs) : fishScript(specs));
  return Promise.resolve(0);
};
