import type { Button, KnownBlock } from '@slack/types';

/** Every button of a message, in order. */
export function buttons(blocks: KnownBlock[]): Button[] {
  return blocks.flatMap((b) =>
    b.type === 'actions' ? b.elements.filter((e): e is Button => e.type === 'button') : [],
  );
}

/** All visible text of a message's blocks, joined (for "does it say X" assertions). */
export function blockText(blocks: KnownBlock[]): string {
  return JSON.stringify(blocks);
}
