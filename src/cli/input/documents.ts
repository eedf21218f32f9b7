import { createReadStream } from 'node:fs';
import { messageOf, type InputItem, type ParseOptions, parseDocumentStream } from './document-stream.ts';
import type { InputSource } from './sources.ts';

export * from './document-stream.ts';

/** The limits of {@link ParseOptions}, and where `-` reads from. */
export interface ReadOptions extends ParseOptions {
  readonly stdin: NodeJS.ReadableStream;
}

/** Streams the objects of one source (a file, or stdin for `-`): see {@link parseDocumentStream}. */
export async function* readDocuments(source: InputSource, options: ReadOptions): AsyncGenerator<InputItem> {
  let stream: AsyncIterable<string | Buffer>;
  try {
    stream = source.path === undefined ? options.stdin : createReadStream(source.path, { highWaterMark: 1 << 20 });
  } catch (error) {
    yield { type: 'error', file: source.name, index: undefined, position: undefined, message: messageOf(error) };
    return;
  }
  yield* parseDocumentStream(source, stream, options);
}
