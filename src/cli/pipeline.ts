/** Reads every input path and yields classified manifests in input order, streaming document by document. */
import { readDocuments, type ReadOptions } from './input/documents.ts';
import { expandPaths, isSourceProblem } from './input/sources.ts';
import { classifyDocuments, type PipelineItem } from './manifest-items.ts';

export * from './manifest-items.ts';

export async function* readManifests(paths: readonly string[], options: ReadOptions): AsyncGenerator<PipelineItem> {
  for await (const source of expandPaths(paths)) {
    if (isSourceProblem(source)) {
      yield {
        type: 'problem',
        problem: { file: source.name, index: undefined, position: undefined, message: source.message },
      };
      continue;
    }
    yield { type: 'file', name: source.name };
    yield* classifyDocuments(readDocuments(source, options));
  }
}
