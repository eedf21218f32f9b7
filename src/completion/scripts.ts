/**
 * The completion scripts for bash, zsh and fish, generated from the command specs. Each completes the commands, each
 * command's flags, the values of flags with a fixed set (-o, --level, --fail-on, ...), file names where a command or
 * flag takes files, and registers for both `psa` and `kubectl-psa`.
 */
import type { CommandSpec, FlagSpec } from './spec.ts';

const PROGRAMS = ['psa', 'kubectl-psa'] as const;

function spellings(f: FlagSpec): string[] {
  return f.short === undefined ? [`--${f.long}`] : [`--${f.long}`, `-${f.short}`];
}

/** Single-quotes a word for any of the three shells (none of our words holds a quote). */
function q(word: string): string {
  if (word.includes("'")) throw new Error(`completion word with a quote: ${word}`);
  return `'${word}'`;
}

export function bashScript(commands: readonly CommandSpec[]): string {
  const top = [...commands.map((c) => c.name), '--help', '--version'].join(' ');
  const cases = commands.map((c) => {
    const valueCases: string[] = [];
    for (const f of c.flags) {
      const pattern = spellings(f).join('|');
      if (f.value.kind === 'choice')
        valueCases.push(`        ${pattern}) _psa_reply ${q(f.value.values.join(' '))}; return ;;`);
      else if (f.value.kind === 'file') valueCases.push(`        ${pattern}) _psa_files; return ;;`);
      else if (f.value.kind === 'text') valueCases.push(`        ${pattern}) return ;;`);
    }
    const flagWords = c.flags.flatMap(spellings).join(' ');
    const positional =
      c.words.length > 0
        ? c.files
          ? `if [[ $npos -eq 0 ]]; then _psa_reply ${q(c.words.join(' '))}; else _psa_files; fi`
          : `[[ $npos -eq 0 ]] && _psa_reply ${q(c.words.join(' '))}`
        : c.files
          ? '_psa_files'
          : ':';
    return [
      `    ${c.name})`,
      ...(valueCases.length > 0 ? ['      case "$flag" in', ...valueCases, '      esac'] : []),
      `      if [[ "$cur" == -* ]]; then _psa_reply ${q(flagWords)}; else ${positional}; fi`,
      '      ;;',
    ].join('\n');
  });
  return `# psa shell completion for bash. Load it with:  source <(psa completion bash)
# or install it:  psa completion bash > ~/.local/share/bash-completion/completions/psa

_psa_reply() {
  COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

_psa_files() {
  local IFS=$'\\n'
  COMPREPLY=($(compgen -f -- "$cur"))
  compopt -o filenames 2>/dev/null
}

_psa_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" flag="" cmd="" npos=0 i word
  flag="\${COMP_WORDS[COMP_CWORD-1]}"
  # --flag=value: bash splits at '=', so the flag is two words back.
  if [[ "$flag" == "=" && $COMP_CWORD -ge 2 ]]; then flag="\${COMP_WORDS[COMP_CWORD-2]}"; fi
  if [[ "$cur" == "=" ]]; then cur=""; flag="\${COMP_WORDS[COMP_CWORD-1]}"; fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ -z "$cmd" ]]; then
      [[ "$word" != -* ]] && cmd="$word"
    elif [[ "$word" != -* && "\${COMP_WORDS[i-1]}" != -* && "$word" != "=" && "\${COMP_WORDS[i-1]}" != "=" ]]; then
      npos=$((npos + 1))
    fi
  done
  if [[ -z "$cmd" ]]; then
    _psa_reply ${q(top)}
    return
  fi
  case "$cmd" in
${cases.join('\n')}
  esac
}

complete -F _psa_completion ${PROGRAMS.join(' ')}
`;
}

function zshFlag(f: FlagSpec): string[] {
  const repeat = f.repeatable ? '*' : '';
  const value =
    f.value.kind === 'none'
      ? ''
      : f.value.kind === 'choice'
        ? `:${f.long}:(${f.value.values.join(' ')})`
        : f.value.kind === 'file'
          ? `:${f.long}:_files`
          : `:${f.long}: `;
  const long = `${repeat}--${f.long}${f.value.kind === 'none' ? '' : '='}${value}`;
  const short = f.short === undefined ? [] : [`${repeat}-${f.short}${value}`];
  return [long, ...short].map(q);
}

export function zshScript(commands: readonly CommandSpec[]): string {
  const described = commands.map((c) => `    ${q(`${c.name}:${c.summary}`)}`).join('\n');
  const cases = commands.map((c) => {
    const specs = c.flags.flatMap(zshFlag);
    if (c.words.length > 0) specs.push(q(`1:${c.name === 'help' ? 'command' : 'subcommand'}:(${c.words.join(' ')})`));
    if (c.files) specs.push(q('*:file:_files'));
    return `    (${c.name})\n      _arguments -s \\\n        ${specs.join(' \\\n        ')}\n      ;;`;
  });
  return `#compdef ${PROGRAMS.join(' ')}
# psa shell completion for zsh. Load it with:  source <(psa completion zsh)
# or install it as _psa in a folder of $fpath.

_psa() {
  local context state state_descr line
  typeset -A opt_args
  local -a commands
  commands=(
${described}
  )
  _arguments -C \\
    '(- *)--help[show help]' \\
    '(- *)--version[print the version]' \\
    '1: :->command' \\
    '*:: :->args'
  case $state in
    (command)
      _describe -t commands 'psa command' commands
      ;;
    (args)
      case $line[1] in
${cases.join('\n')}
      esac
      ;;
  esac
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _psa "$@"
else
  compdef _psa ${PROGRAMS.join(' ')}
fi
`;
}

export function fishScript(commands: readonly CommandSpec[]): string {
  const names = commands.map((c) => c.name).join(' ');
  const lines: string[] = [
    '# psa shell completion for fish. Load it with:  psa completion fish | source',
    '# or install it:  psa completion fish > ~/.config/fish/completions/psa.fish',
    '',
    `complete -c psa -n ${q(`not __fish_seen_subcommand_from ${names}`)} -f`,
    `complete -c psa -n ${q(`not __fish_seen_subcommand_from ${names}`)} -l help -d 'show help'`,
    `complete -c psa -n ${q(`not __fish_seen_subcommand_from ${names}`)} -l version -d 'print the version'`,
  ];
  for (const c of commands)
    lines.push(`complete -c psa -n ${q(`not __fish_seen_subcommand_from ${names}`)} -a ${c.name} -d ${q(c.summary)}`);
  for (const c of commands) {
    const when = q(`__fish_seen_subcommand_from ${c.name}`);
    if (!c.files) lines.push(`complete -c psa -n ${when} -f`);
    if (c.words.length > 0) lines.push(`complete -c psa -n ${when} -a ${q(c.words.join(' '))}`);
    for (const f of c.flags) {
      const short = f.short === undefined ? '' : ` -s ${f.short}`;
      const value =
        f.value.kind === 'none'
          ? ''
          : f.value.kind === 'choice'
            ? ` -x -a ${q(f.value.values.join(' '))}`
            : f.value.kind === 'file'
              ? ' -r -F'
              : ' -x';
      lines.push(`complete -c psa -n ${when} -l ${f.long}${short}${value}`);
    }
  }
  lines.push('complete -c kubectl-psa -w psa', '');
  return lines.join('\n');
}
