import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The demo and drills print a story to stdout; rollbot's JSON logs go to <dir>/rollbot.log. */
export async function openLogFile(dir: string) {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'rollbot.log');
  const stream = createWriteStream(path);
  return {
    path,
    stream,
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
}
