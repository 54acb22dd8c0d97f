import { createReadStream } from 'node:fs';
import { PassThrough, pipeline, type Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/**
 * The bytes of `path`, gunzipped when the name ends in `.gz`, piped into `sink`. `pipeline` (not
 * `pipe`) so that an error in any stage destroys `sink` and reaches whoever iterates it, and so that
 * breaking out of that iteration closes the file.
 */
export function streamFileInto<T extends Transform>(path: string, sink: T): T {
  const ignore = (): void => {
    // The error, if any, already surfaces through `sink`.
  };
  if (path.endsWith('.gz')) pipeline(createReadStream(path), createGunzip(), sink, ignore);
  else pipeline(createReadStream(path), sink, ignore);
  return sink;
}

/**
 * The lines of a (possibly gzipped) text file, without their line ends, one at a time: memory stays
 * flat for files of many gigabytes. A final line without a newline is still yielded.
 */
export async function* readLines(path: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of streamFileInto(path, new PassThrough())) {
    const text = rest + decoder.write(chunk as Buffer);
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  const last = rest + decoder.end();
  if (last !== '') yield last.endsWith('\r') ? last.slice(0, -1) : last;
}
