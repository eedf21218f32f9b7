/**
 * Go text primitives admission needs, shared with the engine: `%q` quoting (spec §0.3) and `sort.Strings` order
 * (byte-wise UTF-8, i.e. code-point order, spec §0.4).
 */
export { compareCodePoints as compareGoStrings, goQuote } from '../policy/format.ts';
