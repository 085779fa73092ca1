/**
 * Untrusted text (reasons people type, alert summaries, commit messages, labels) is escaped once,
 * for the outlet it is written to, right where it is written — never earlier, never twice:
 *
 *   - `mrkdwn`   Slack message text: `&`, `<`, `>` as entities (so `<!channel>`, `<@U…>` and
 *                `<https://x|y>` stay text), backticks replaced by a look-alike so a person's
 *                words never open or close a code span or fence;
 *   - `plain`    Slack `plain_text` objects (headers, buttons, confirm dialogs): shown verbatim by
 *                Slack, never parsed for mentions or links, so only control characters go;
 *   - `markdown` GitHub issues and the postmortem file: Markdown punctuation backslash-escaped,
 *                `<`, `>`, `&` as entities (no raw HTML), `@` as `&#64;` (no GitHub mentions).
 *
 * Slack delivers slash-command text with `&`, `<`, `>` already as entities; `decodeSlackEntities`
 * undoes that at the edge so the text is plain again before any outlet sees it.
 */
export type Outlet = 'mrkdwn' | 'plain' | 'markdown';

/** U+02CB MODIFIER LETTER GRAVE ACCENT: looks like a backtick, is not mrkdwn markup. */
export const BACKTICK_LOOKALIKE = '\u02cb';

/** Slack's three entities back to characters (`&amp;` last, so `&amp;lt;` stays `&lt;`). */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Enough to keep a person's words from forming emphasis, code, links, headings or table cells. */
const MARKDOWN_SPECIAL = /[\\`*_[\]#|~]/g;

export function escapeText(outlet: Outlet, text: string): string {
  const clean = text.replace(CONTROL, '');
  switch (outlet) {
    case 'mrkdwn':
      return clean
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/`/g, BACKTICK_LOOKALIKE);
    case 'plain':
      return clean;
    case 'markdown':
      return clean
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/@/g, '&#64;')
        .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
  }
}
