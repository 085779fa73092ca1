/**
 * The `/rollback` grammar, parsed strictly: bad syntax gets a reply naming what is wrong, never a
 * guess. Forms:
 *   /rollback <service> [to <revision|image-tag>] [--emergency] [because <reason…>]
 *   /rollback status [<service>]   /rollback history <service>   /rollback cancel <service>
 *   /rollback help
 */
import type { RollbackCommand } from '../incidents/requests.js';

export type { RollbackCommand };

export type ParseResult = { ok: true; command: RollbackCommand } | { ok: false; error: string };

const SERVICE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_REASON = 500;

export function parseRollbackCommand(text: string): ParseResult {
  const trimmed = text.trim();
  if (!trimmed || trimmed === 'help') return { ok: true, command: { kind: 'help' } };
  // "because" takes the rest of the line verbatim, so reasons may contain any word.
  const becauseAt = trimmed.search(/(^|\s)because(\s|$)/);
  const head = becauseAt >= 0 ? trimmed.slice(0, becauseAt).trim() : trimmed;
  const reason =
    becauseAt >= 0
      ? trimmed
          .slice(becauseAt)
          .trim()
          .replace(/^because\s*/, '')
          .trim()
      : undefined;
  if (becauseAt >= 0 && !reason) return { ok: false, error: '`because` needs a reason after it' };
  if (reason && reason.length > MAX_REASON)
    return { ok: false, error: `the reason is ${reason.length} characters; keep it under ${MAX_REASON}` };

  const words = head.split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (!first) return { ok: false, error: 'name a service: `/rollback <service>`' };

  if (first === 'status' || first === 'history' || first === 'cancel') {
    if (reason) return { ok: false, error: `\`${first}\` takes no \`because\`` };
    if (rest.length > 1)
      return { ok: false, error: `\`${first}\` takes one service, got "${rest.join(' ')}"` };
    const service = rest[0];
    if (service !== undefined && !SERVICE.test(service))
      return { ok: false, error: `"${service}" is not a service name (lower case letters, digits, "-")` };
    if (first === 'status') return { ok: true, command: { kind: 'status', service } };
    if (!service)
      return { ok: false, error: `\`${first}\` needs a service: \`/rollback ${first} <service>\`` };
    return { ok: true, command: { kind: first, service } };
  }
  if (first === 'help') return { ok: false, error: '`help` takes no arguments' };
  if (!SERVICE.test(first))
    return { ok: false, error: `"${first}" is not a service name (lower case letters, digits, "-")` };

  let toRevision: number | undefined;
  let toImageTag: string | undefined;
  let emergency = false;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word === '--emergency') {
      emergency = true;
    } else if (word === 'to') {
      const target = rest[++i];
      if (!target) return { ok: false, error: '`to` needs a revision number or an image tag' };
      if (toRevision !== undefined || toImageTag !== undefined)
        return { ok: false, error: '`to` given twice' };
      if (/^\d+$/.test(target)) {
        toRevision = Number(target);
        if (toRevision < 1) return { ok: false, error: 'revisions start at 1' };
        // Beyond 2^53 the number would silently become a different revision.
        if (!Number.isSafeInteger(toRevision))
          return { ok: false, error: `revision ${target.slice(0, 30)} is too large` };
      } else if (TAG.test(target)) toImageTag = target;
      else return { ok: false, error: `"${target}" is neither a revision number nor an image tag` };
    } else {
      return {
        ok: false,
        error: `unexpected "${word}" (did you mean \`to ${word}\` or \`because ${word} …\`?)`,
      };
    }
  }
  if (emergency && !reason)
    return { ok: false, error: 'an emergency rollback needs a reason: `--emergency because …`' };
  return {
    ok: true,
    command: { kind: 'rollback', service: first, toRevision, toImageTag, emergency, reason },
  };
}
