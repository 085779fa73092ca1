/**
 * The console page's state and small helpers: what is loaded and selected, the server API, toasts,
 * and who wrote a message. The server's answers are typed by the shapes it sends (info.ts, the
 * Slack simulator's stored messages).
 */
import type { StoredEphemeral, StoredMessage } from '../../slack/types.js';
import type { ConsoleInfo } from '../info.js';
import type { ButtonRef, RenderContext } from './render.js';

/** A channel message as the simulator's inspection API lists it: with its thread replies. */
export type ChannelMessage = StoredMessage & { replies?: StoredMessage[] };
export type ShownMessage = ChannelMessage | StoredEphemeral;

export const S = {
  channel: '',
  user: '',
  messages: [] as ChannelMessage[],
  ephemerals: [] as StoredEphemeral[],
  /** Threads opened on the page, by parent ts. */
  expanded: {} as Record<string, boolean>,
  unread: {} as Record<string, number>,
  /** The buttons of the last render; their markup carries the index. */
  buttons: [] as ButtonRef[],
  /** What each message looked like when last drawn, to flash the ones that changed. */
  seen: {} as Record<string, string>,
  refreshTimer: null as ReturnType<typeof setTimeout> | null,
};

let loaded: ConsoleInfo | undefined;
/** The workspace and endpoints; loaded once at start-up, before anything is drawn. */
export function info(): ConsoleInfo {
  if (!loaded) throw new Error('the sandbox info is not loaded yet');
  return loaded;
}
export function setInfo(value: ConsoleInfo): void {
  loaded = value;
}

export const LOGO =
  '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z"/></svg>';
const COLORS = ['#3b5bdb', '#0b7a75', '#c2410c', '#7c3aed', '#be185d', '#2f855a', '#b7791f', '#2b6cb0'];

/** An element of the page by id (they are all in index.html). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

export function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  return fetch(path, {
    method: method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : null,
  }).then((res) =>
    res.json().then((data: T & { error?: string }) => {
      if (!res.ok) throw new Error(data.error || 'HTTP ' + res.status);
      return data;
    }),
  );
}

export function toast(text: string, isError?: boolean): void {
  const el = document.createElement('div');
  el.className = 'toast' + (isError ? ' error' : '');
  el.textContent = text;
  $('toasts').appendChild(el);
  setTimeout(() => el.classList.add('fade'), 4200);
  setTimeout(() => el.remove(), 4600);
}

function colorOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

/** Names for the renderer, and the button list it fills. */
export function ctx(): RenderContext {
  const i = info();
  const users: Record<string, string> = {};
  const channels: Record<string, string> = {};
  const groups: Record<string, string> = {};
  i.users.forEach((u) => (users[u.id] = u.name));
  users[i.bot.id] = i.bot.name;
  i.channels.forEach((c) => (channels[c.id] = c.name));
  (i.groups || []).forEach((g) => (groups[g.id] = g.handle));
  return { users: users, channels: channels, groups: groups, buttons: S.buttons };
}

export interface Author {
  name: string;
  initial: string;
  color: string;
  bot: boolean;
  icon?: string;
}

export function who(id: string): Author {
  const i = info();
  if (id === i.bot.id) return { name: i.bot.name, icon: LOGO, initial: 'R', color: '#3b5bdb', bot: true };
  const u = i.users.find((x) => x.id === id);
  const name = u ? u.name : id;
  return { name: name, initial: name.charAt(0).toUpperCase(), color: colorOf(id), bot: false };
}

export function clock(ts: string): string {
  const d = new Date(parseFloat(ts) * 1000);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
