import type { SlackFault } from './types.js';

/**
 * Injected failures for resilience tests: each rule applies to the next `times` matching Web API
 * calls, then disappears. Rules are checked in the order they were added.
 */
export class SlackFaults {
  private rules: { rule: SlackFault; left: number }[] = [];

  add(rule: SlackFault): { remove(): void } {
    const entry = { rule, left: rule.times ?? 1 };
    this.rules.push(entry);
    return { remove: () => void (this.rules = this.rules.filter((e) => e !== entry)) };
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this call, consuming one use of it, or undefined. */
  take(method: string): SlackFault | undefined {
    const entry = this.rules.find((e) => e.left > 0 && matches(e.rule.method, method));
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.rules = this.rules.filter((e) => e !== entry);
    return entry.rule;
  }
}

function matches(pattern: string | RegExp | undefined, method: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? pattern === method : pattern.test(method);
}
