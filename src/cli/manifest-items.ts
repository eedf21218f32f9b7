/**
 * Manifests sorted into what `psa check` does with them (pod-bearing, namespace, skipped, problem), from any stream of
 * read documents: no Node API, so the browser playground classifies its editor's text with the same code as the CLI.
 */
import type { ObjectMeta, PodShape } from '../k8s/index.ts';
import { decodeManifest } from './adapters.ts';
import {
  type InputItem,
  type ManifestObject,
  type ParseOptions,
  parseDocumentStream,
  type Position,
} from './input/document-stream.ts';
import type { FieldIssue, InputProblem } from './model.ts';

export type PipelineItem =
  | { readonly type: 'file'; readonly name: string }
  | {
      readonly type: 'pod-bearing';
      readonly object: ManifestObject;
      readonly apiVersion: string;
      readonly kind: string;
      readonly metadata: ObjectMeta;
      readonly template: PodShape | null;
      readonly templatePath: string;
      readonly issues: readonly FieldIssue[];
    }
  | {
      readonly type: 'namespace';
      readonly object: ManifestObject;
      readonly metadata: ObjectMeta;
      readonly issues: readonly FieldIssue[];
    }
  | {
      readonly type: 'skipped';
      readonly file: string;
      readonly index: number;
      readonly position: Position;
      readonly kind: string;
      readonly reason: 'not-pod-bearing' | 'configuration';
    }
  | { readonly type: 'problem'; readonly problem: InputProblem };

function locateIssues(
  object: ManifestObject,
  issues: readonly { readonly path: string; readonly message: string }[],
): FieldIssue[] {
  return issues.map((i) => ({
    path: i.path,
    message: i.message,
    position: i.path === '' ? object.position : object.locate(i.path),
  }));
}

/** An object's field issues as input problems located at file:line:col. */
export function fieldIssueProblems(object: ManifestObject, issues: readonly FieldIssue[]): InputProblem[] {
  return issues.map((i) => ({
    file: object.file,
    index: object.index,
    position: i.position,
    message: formatFieldIssue(i),
  }));
}

/** Formats a field issue as `path: message`. */
export function formatFieldIssue(issue: FieldIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/**
 * The items for manifests held in memory (the playground's editor, the library): one "file" named `name`, a JSON
 * document when the name ends in `.json`, otherwise a YAML stream.
 */
export async function* readManifestText(
  name: string,
  text: string,
  options: ParseOptions,
): AsyncGenerator<PipelineItem> {
  yield { type: 'file', name };
  const source = { name, json: name.toLowerCase().endsWith('.json') };
  yield* classifyDocuments(parseDocumentStream(source, textStream(text), options));
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async iterable of one chunk
async function* textStream(text: string): AsyncGenerator<string> {
  yield text;
}

/** Sorts each document read into what the check does with it. */
export async function* classifyDocuments(items: AsyncIterable<InputItem>): AsyncGenerator<PipelineItem> {
  for await (const item of items) {
    if (item.type === 'error') {
      yield {
        type: 'problem',
        problem: { file: item.file, index: item.index, position: item.position, message: item.message },
      };
      continue;
    }
    const decoded = decodeManifest(item.value);
    switch (decoded.type) {
      case 'pod-bearing':
        yield {
          type: 'pod-bearing',
          object: item,
          apiVersion: decoded.apiVersion,
          kind: decoded.kind,
          metadata: decoded.metadata,
          template: decoded.template,
          templatePath: decoded.templatePath,
          issues: locateIssues(item, decoded.issues),
        };
        break;
      case 'namespace':
        yield {
          type: 'namespace',
          object: item,
          metadata: decoded.metadata,
          issues: locateIssues(item, decoded.issues),
        };
        break;
      case 'other':
        yield {
          type: 'skipped',
          file: item.file,
          index: item.index,
          position: item.position,
          kind: decoded.kind,
          reason: decoded.configuration ? 'configuration' : 'not-pod-bearing',
        };
        break;
      case 'invalid':
        yield {
          type: 'problem',
          problem: {
            file: item.file,
            index: item.index,
            position: item.locate(decoded.path) ?? item.position,
            message: decoded.message,
          },
        };
        break;
    }
  }
}
