import {
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
  isScalar,
  parseAllDocuments,
  visit,
  type YAMLError,
  YAMLParseError,
} from 'yaml';

export type YamlParseOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * `parseAllDocuments` with unique mapping keys enforced in one pass per mapping. The `yaml` library's own check
 * (`uniqueKeys: true`) compares each key with every earlier key of its mapping, so a mapping of 200,000 keys (a
 * generated or hostile ConfigMap) took many minutes. The errors are the library's: `DUPLICATE_KEY`, "Map keys must be
 * unique", at the repeated key, merged into the document's errors in position order. Keys are equal as the library
 * judges them: the same node, or scalars with the same resolved value (`NaN` never equals itself).
 */
export function parseAllDocumentsWithUniqueKeys(text: string, options: YamlParseOptions): Document.Parsed[] {
  const parsed = parseAllDocuments(text, { ...options, uniqueKeys: false });
  const documents: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  for (const document of documents) {
    const duplicates: YAMLParseError[] = [];
    visit(document, {
      Map(_, map) {
        const seen = new Set<unknown>();
        for (const pair of map.items) {
          const key: unknown = pair.key;
          if (!isScalar(key) || Number.isNaN(key.value)) continue;
          if (!seen.has(key.value)) seen.add(key.value);
          else {
            const start = key.range?.[0] ?? 0;
            duplicates.push(new YAMLParseError([start, start + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
          }
        }
      },
    });
    if (duplicates.length > 0) mergeByPosition(document.errors, duplicates);
  }
  return documents;
}

/** Inserts each of `added` (in position order) before the first error of `errors` that starts after it. */
function mergeByPosition(errors: YAMLError[], added: readonly YAMLError[]): void {
  const sorted = [...added].sort((a, b) => a.pos[0] - b.pos[0]);
  let at = 0;
  for (const error of sorted) {
    while (at < errors.length && errors[at]!.pos[0] <= error.pos[0]) at++;
    errors.splice(at, 0, error);
    at++;
  }
}
