import { EventEmitter } from 'node:events';
import type { Scenario } from '../scenario/schema.js';
import type {
  ApiCall,
  Block,
  MessageVersion,
  ResponseUrlPost,
  StoredEphemeral,
  StoredMessage,
} from './types.js';

export type SlackWorkspace = Scenario['slack'];
export interface SimChannel {
  id: string;
  name: string;
  isIm: boolean;
  /** For DMs: the user on the other side. */
  user?: string | undefined;
}

/** Events the simulator emits (also streamed at `/_sandbox/events`). */
export interface SlackSimEvents {
  'message.posted': [StoredMessage];
  'message.updated': [StoredMessage];
  'message.deleted': [StoredMessage];
  'ephemeral.posted': [StoredEphemeral];
  'ephemeral.updated': [StoredEphemeral];
  'response_url.posted': [ResponseUrlPost];
  'api.call': [ApiCall];
  /** Any of the above; `waitFor` listens to it. */
  change: [];
}

/**
 * Everything the simulated workspace remembers: channels, messages (with edit history and
 * threads), ephemerals, response_url posts and every Web API call. Pure state, no HTTP.
 */
export class SlackState {
  readonly events = new EventEmitter<SlackSimEvents>();
  readonly channels = new Map<string, SimChannel>();
  private readonly messages = new Map<string, StoredMessage[]>();
  readonly ephemeralList: StoredEphemeral[] = [];
  readonly responseList: ResponseUrlPost[] = [];
  readonly callList: ApiCall[] = [];
  private lastTs = { sec: 0, seq: 0 };

  constructor(
    readonly workspace: SlackWorkspace,
    readonly now: () => number,
  ) {
    this.events.setMaxListeners(0);
    for (const c of workspace.channels) this.channels.set(c.id, { id: c.id, name: c.name, isIm: false });
  }

  /** A new message ts: `<unix seconds>.<6 digits>`, strictly increasing across the workspace. */
  nextTs(): string {
    const sec = Math.floor(this.now() / 1000);
    if (sec > this.lastTs.sec) this.lastTs = { sec, seq: 100 };
    else this.lastTs.seq += 100;
    if (this.lastTs.seq > 999_999) this.lastTs = { sec: this.lastTs.sec + 1, seq: 100 };
    return `${this.lastTs.sec}.${String(this.lastTs.seq).padStart(6, '0')}`;
  }

  user(id: string) {
    return this.workspace.users.find((u) => u.id === id);
  }

  /** Resolves what Slack accepts as `channel`: an id, `#name`, a bare name, or a user id (their DM). */
  resolveChannel(ref: string): SimChannel | undefined {
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const name = ref.startsWith('#') ? ref.slice(1) : ref;
    const byName = [...this.channels.values()].find((c) => !c.isIm && c.name === name);
    if (byName) return byName;
    if (/^U[A-Z0-9]+$/.test(ref) && this.user(ref)) return this.openIm(ref);
    return undefined;
  }

  openIm(userId: string): SimChannel {
    const id = `D${userId.slice(1)}`;
    const existing = this.channels.get(id);
    if (existing) return existing;
    const im = { id, name: userId, isIm: true, user: userId };
    this.channels.set(id, im);
    return im;
  }

  /** Top-level messages of a channel (thread replies excluded unless broadcast), oldest first. */
  channelMessages(channel: string, opts: { includeDeleted?: boolean } = {}): StoredMessage[] {
    return (this.messages.get(channel) ?? []).filter(
      (m) => (m.threadTs === undefined || m.replyBroadcast) && (opts.includeDeleted || !m.deleted),
    );
  }

  threadReplies(channel: string, threadTs: string): StoredMessage[] {
    return (this.messages.get(channel) ?? []).filter((m) => m.threadTs === threadTs && !m.deleted);
  }

  allMessages(channel: string): StoredMessage[] {
    return this.messages.get(channel) ?? [];
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return (this.messages.get(channel) ?? []).find((m) => m.ts === ts && !m.deleted);
  }

  findEphemeral(channel: string, ts: string): StoredEphemeral | undefined {
    return this.ephemeralList.find((e) => e.channel === channel && e.ts === ts && !e.deleted);
  }

  addMessage(m: Omit<StoredMessage, 'ts' | 'history' | 'deleted' | 'postedAt'>): StoredMessage {
    const stored: StoredMessage = {
      ...m,
      ts: this.nextTs(),
      history: [],
      deleted: false,
      postedAt: this.now(),
    };
    const list = this.messages.get(m.channel) ?? [];
    list.push(stored);
    this.messages.set(m.channel, list);
    this.emit('message.posted', stored);
    return stored;
  }

  updateMessage(
    m: StoredMessage,
    content: { text: string; blocks?: Block[] | undefined },
    editor: string,
  ): void {
    m.history.push(this.versionOf(m));
    m.text = content.text;
    m.blocks = content.blocks;
    m.edited = { user: editor, ts: this.nextTs() };
    this.emit('message.updated', m);
  }

  deleteMessage(m: StoredMessage): void {
    m.deleted = true;
    this.emit('message.deleted', m);
  }

  addEphemeral(e: Omit<StoredEphemeral, 'ts' | 'history' | 'deleted' | 'postedAt'>): StoredEphemeral {
    const stored: StoredEphemeral = {
      ...e,
      ts: this.nextTs(),
      history: [],
      deleted: false,
      postedAt: this.now(),
    };
    this.ephemeralList.push(stored);
    this.emit('ephemeral.posted', stored);
    return stored;
  }

  updateEphemeral(
    e: StoredEphemeral,
    content: { text: string; blocks?: Block[] | undefined } | 'delete',
  ): void {
    if (content === 'delete') e.deleted = true;
    else {
      e.history.push(this.versionOf(e));
      e.text = content.text;
      e.blocks = content.blocks;
    }
    this.emit('ephemeral.updated', e);
  }

  private versionOf(m: { text: string; blocks?: Block[] | undefined }): MessageVersion {
    return { text: m.text, blocks: m.blocks, replacedAt: this.now() };
  }

  recordCall(call: ApiCall): void {
    this.callList.push(call);
    this.emit('api.call', call);
  }

  recordResponse(post: ResponseUrlPost): void {
    this.responseList.push(post);
    this.emit('response_url.posted', post);
  }

  private emit<K extends Exclude<keyof SlackSimEvents, 'change'>>(name: K, ...args: SlackSimEvents[K]): void {
    (this.events.emit as (n: string, ...a: unknown[]) => boolean)(name, ...args);
    this.events.emit('change');
  }

  /** Resolves with the predicate's first truthy value, re-checked on every change; rejects on timeout. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        let value: T | undefined | null | false;
        try {
          value = predicate();
        } catch (err) {
          cleanup();
          reject(err as Error);
          return true;
        }
        if (value === undefined || value === null || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const onChange = () => void check();
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`slack simulator: waitFor timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
      check();
    });
  }
}
