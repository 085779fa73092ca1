/**
 * The console page's views and data: messages of the chosen channel (as the chosen user sees
 * them, ephemerals included), the channel list, the cluster panel, and the simulator's event
 * stream that keeps them current. It reads the simulated workspace through the console server's
 * `/slack/*` proxy; what a person does on the page is in actions.ts.
 */
import type { StoredEphemeral } from '../../slack/types.js';
import type { DeploymentRow } from '../cluster.js';
import { esc, messageBody, type RenderContext } from './render.js';
import {
  $,
  api,
  clock,
  ctx,
  info,
  LOGO,
  S,
  type ChannelMessage,
  type ShownMessage,
  toast,
  who,
} from './state.js';

// ---- rendering -------------------------------------------------------------------------------
function messageHtml(m: ShownMessage, c: RenderContext, ephemeral: boolean): string {
  // An ephemeral's `user` is who sees it; it comes from the app, as Slack shows it.
  const w = who(ephemeral ? info().bot.id : m.user);
  const edited = ('edited' in m && m.edited) || (m.history && m.history.length);
  const cls = 'msg' + (ephemeral ? ' ephemeral' : '') + (edited ? ' edited' : '');
  let html =
    '<div class="' +
    cls +
    '" data-ts="' +
    esc(m.ts) +
    '">' +
    '<div class="avatar" style="background:' +
    w.color +
    '">' +
    (w.icon || esc(w.initial)) +
    '</div><div class="body">' +
    (ephemeral ? '<div class="eph-note">Only visible to you</div>' : '') +
    '<div class="meta"><span class="author">' +
    esc(w.name) +
    '</span>' +
    (w.bot ? '<span class="app-badge">APP</span>' : '') +
    '<span class="time">' +
    clock(m.ts) +
    '</span>' +
    (edited
      ? '<span class="edited-mark" title="' + (m.history ? m.history.length : 1) + ' edit(s)">(edited)</span>'
      : '') +
    '</div><div class="content">' +
    messageBody(m, c) +
    '</div>';
  const replies = ('replies' in m && m.replies) || [];
  if (replies.length) {
    const open = S.expanded[m.ts];
    html +=
      '<button type="button" class="thread-toggle" data-thread="' +
      esc(m.ts) +
      '">' +
      (open ? '▾ Hide thread' : '▸ ' + replies.length + (replies.length === 1 ? ' reply' : ' replies')) +
      '</button>';
    if (open)
      html += '<div class="replies">' + replies.map((r) => messageHtml(r, c, false)).join('') + '</div>';
  }
  return html + '</div></div>';
}

export function renderMessages(): void {
  const box = $('messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  S.buttons.length = 0;
  const c = ctx();
  const items = S.messages.map((m) => ({ ts: m.ts, html: () => messageHtml(m, c, false) }));
  S.ephemerals.forEach((e) => items.push({ ts: e.ts, html: () => messageHtml(e, c, true) }));
  items.sort((a, b) => parseFloat(a.ts) - parseFloat(b.ts));
  if (!items.length) {
    box.innerHTML =
      '<div class="empty"><div class="big">' +
      LOGO +
      '</div>Nothing here yet.<br>Fire an alert on the right, or type <code>/rollback payments-api</code> below.</div>';
    return;
  }
  box.innerHTML = items.map((i) => i.html()).join('');
  // Highlight what changed since the last render.
  const shown: ShownMessage[] = [...S.messages, ...S.ephemerals];
  box.querySelectorAll('.msg[data-ts]').forEach((el) => {
    const m = shown.find((x) => x.ts === el.getAttribute('data-ts'));
    const sig = m ? JSON.stringify([m.blocks, m.text]) : '';
    const key = S.channel + ':' + el.getAttribute('data-ts');
    if (m && S.seen[key] !== undefined && S.seen[key] !== sig) el.classList.add('flash');
    if (m) S.seen[key] = sig;
  });
  if (nearBottom) box.scrollTop = box.scrollHeight;
}

function renderChannels(): void {
  const list = $('channels');
  list.innerHTML = '';
  info().channels.forEach((ch) => {
    const li = document.createElement('li');
    li.className = (ch.id === S.channel ? 'active' : '') + (S.unread[ch.id] ? ' unread' : '');
    li.setAttribute('data-channel', ch.id);
    li.innerHTML =
      '<span class="hash">#</span><span>' +
      esc(ch.name) +
      '</span>' +
      (S.unread[ch.id] ? '<span class="badge">' + S.unread[ch.id] + '</span>' : '');
    li.onclick = () => selectChannel(ch.id);
    list.appendChild(li);
  });
}

function renderCluster(rows: DeploymentRow[]): void {
  $('cluster').innerHTML =
    rows
      .map((d) => {
        const pct = d.replicas ? Math.round((100 * d.ready) / d.replicas) : 0;
        const at = d.image.lastIndexOf(':');
        const repo = at > d.image.lastIndexOf('/') ? d.image.slice(0, at + 1) : d.image;
        const tag = at > d.image.lastIndexOf('/') ? d.image.slice(at + 1) : '';
        const stateLabel = d.state === 'stalled' ? 'deadline exceeded' : d.state;
        return (
          '<div class="deploy ' +
          d.state +
          '" data-deployment="' +
          esc(d.namespace + '/' + d.name) +
          '">' +
          '<div class="deploy-head"><span class="deploy-name">' +
          esc(d.name) +
          '</span><span class="deploy-ns">' +
          esc(d.namespace) +
          '</span>' +
          '<span class="rev" title="deployment.kubernetes.io/revision">rev ' +
          esc(d.revision) +
          '</span></div>' +
          '<div class="deploy-image mono" title="' +
          esc(d.changeCause) +
          '">' +
          esc(repo) +
          '<b>' +
          esc(tag) +
          '</b></div>' +
          '<div class="bar"><span style="width:' +
          pct +
          '%"></span></div>' +
          '<div class="deploy-stats"><span>ready ' +
          d.ready +
          '/' +
          d.replicas +
          '</span><span>updated ' +
          d.updated +
          '/' +
          d.replicas +
          '</span>' +
          (d.errorRatio === undefined
            ? ''
            : '<span class="err ' +
              (d.errorRatio > 0.05 ? 'bad' : 'good') +
              '" title="5xx error ratio (Prometheus)">5xx ' +
              (100 * d.errorRatio).toFixed(1) +
              '%</span>') +
          '<span class="pill ' +
          d.state +
          '">' +
          esc(stateLabel) +
          '</span></div></div>'
        );
      })
      .join('') || '<p class="muted">No Deployments.</p>';
}

// ---- data --------------------------------------------------------------------------------------
function refresh(): Promise<void> {
  const ch = S.channel;
  return Promise.all([
    api<{ messages: ChannelMessage[] }>('GET', '/slack/channels/' + encodeURIComponent(ch) + '/messages'),
    api<{ ephemerals: StoredEphemeral[] }>('GET', '/slack/ephemerals?user=' + encodeURIComponent(S.user)),
  ])
    .then(([channel, mine]) => {
      if (ch !== S.channel) return;
      S.messages = channel.messages.filter((m) => !m.deleted);
      S.ephemerals = mine.ephemerals.filter((e) => e.channel === ch);
      renderMessages();
    })
    .catch((err: Error) => toast('Could not read the channel: ' + err.message, true));
}

export function scheduleRefresh(): void {
  if (S.refreshTimer) return;
  S.refreshTimer = setTimeout(() => {
    S.refreshTimer = null;
    void refresh();
  }, 60);
}

export function refreshCluster(): Promise<void> {
  return api<{ deployments: DeploymentRow[] }>('GET', '/api/deployments')
    .then((r) => renderCluster(r.deployments))
    .catch(() => {
      // The next poll (every second) tries again; a toast a second would drown the page.
    });
}

export function selectChannel(id: string): void {
  S.channel = id;
  S.unread[id] = 0;
  const ch = info().channels.find((c) => c.id === id);
  $('channel-title').textContent = '#' + (ch ? ch.name : id);
  const svc = info()
    .services.filter((s) => s.channel === id)
    .map((s) => s.service);
  $('channel-sub').textContent = svc.length ? 'on-call for ' + svc.join(', ') : id;
  renderChannels();
  $('messages').innerHTML = '';
  void refresh().then(() => {
    const b = $('messages');
    b.scrollTop = b.scrollHeight;
  });
}

export function selectUser(id: string): void {
  S.user = id;
  const w = who(id);
  $('user-avatar').textContent = w.initial;
  $('user-avatar').style.background = w.color;
  $<HTMLSelectElement>('user').value = id;
  if (S.channel) void refresh();
}

const EVENTS = [
  'message.posted',
  'message.updated',
  'message.deleted',
  'ephemeral.posted',
  'ephemeral.updated',
];

/** Follows the simulator's event stream: redraw the open channel, count unread elsewhere. */
export function follow(): void {
  const live = $('live');
  const source = new EventSource('/slack/events');
  source.onopen = () => {
    live.textContent = 'live';
    live.className = 'live on';
  };
  source.onerror = () => {
    live.textContent = 'reconnecting…';
    live.className = 'live';
  };
  EVENTS.forEach((name) => {
    source.addEventListener(name, (ev) => {
      const data = JSON.parse((ev as MessageEvent<string>).data) as { channel?: string; threadTs?: string };
      if (data.channel === S.channel) return scheduleRefresh();
      if (name === 'message.posted' && !data.threadTs && data.channel) {
        S.unread[data.channel] = (S.unread[data.channel] || 0) + 1;
        renderChannels();
      }
    });
  });
}
