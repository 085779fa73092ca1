/**
 * Browser code (a classic script, no build): the console's state and controls. It reads the
 * simulated workspace through the console server's `/slack/*` proxy, follows its event stream,
 * and acts as the chosen user through the simulator (signed requests to the bot, as Slack sends).
 */
import { ACTIONS_JS } from './page-actions.js';

/** One script, one closure: the state and views here, what a user does in page-actions.ts. */
export const APP_JS =
  String.raw`'use strict';
(function () {
  var R = window.RollbotRender;
  var $ = function (id) { return document.getElementById(id); };
  var S = { info: null, channel: null, user: null, messages: [], ephemerals: [], expanded: {}, unread: {},
    buttons: [], seen: {}, refreshTimer: null };
  var LOGO = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z"/></svg>';
  var COLORS = ['#3b5bdb', '#0b7a75', '#c2410c', '#7c3aed', '#be185d', '#2f855a', '#b7791f', '#2b6cb0'];

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) throw new Error(data.error || ('HTTP ' + res.status));
        return data;
      });
    });
  }
  function toast(text, isError) {
    var el = document.createElement('div');
    el.className = 'toast' + (isError ? ' error' : '');
    el.textContent = text;
    $('toasts').appendChild(el);
    setTimeout(function () { el.classList.add('fade'); }, 4200);
    setTimeout(function () { el.remove(); }, 4600);
  }
  function colorOf(id) {
    var h = 0;
    for (var i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
    return COLORS[h % COLORS.length];
  }
  function ctx() {
    var users = {}, channels = {}, groups = {};
    S.info.users.forEach(function (u) { users[u.id] = u.name; });
    users[S.info.bot.id] = S.info.bot.name;
    S.info.channels.forEach(function (c) { channels[c.id] = c.name; });
    (S.info.groups || []).forEach(function (g) { groups[g.id] = g.handle; });
    return { users: users, channels: channels, groups: groups, buttons: S.buttons };
  }
  function who(id) {
    if (id === S.info.bot.id) return { name: S.info.bot.name, icon: LOGO, initial: 'R', color: '#3b5bdb', bot: true };
    var u = S.info.users.find(function (x) { return x.id === id; });
    var name = u ? u.name : id;
    return { name: name, initial: name.charAt(0).toUpperCase(), color: colorOf(id), bot: false };
  }
  function clock(ts) {
    var d = new Date(parseFloat(ts) * 1000);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  // ---- rendering -------------------------------------------------------------------------------
  function messageHtml(m, c, ephemeral) {
    var w = who(m.user);
    var cls = 'msg' + (ephemeral ? ' ephemeral' : '') + (m.edited || (m.history && m.history.length) ? ' edited' : '');
    var html = '<div class="' + cls + '" data-ts="' + R.esc(m.ts) + '">' +
      '<div class="avatar" style="background:' + w.color + '">' + (w.icon || R.esc(w.initial)) + '</div><div class="body">' +
      (ephemeral ? '<div class="eph-note">Only visible to you</div>' : '') +
      '<div class="meta"><span class="author">' + R.esc(w.name) + '</span>' + (w.bot ? '<span class="app-badge">APP</span>' : '') +
      '<span class="time">' + clock(m.ts) + '</span>' +
      (m.edited || (m.history && m.history.length) ? '<span class="edited-mark" title="' + (m.history ? m.history.length : 1) + ' edit(s)">(edited)</span>' : '') +
      '</div><div class="content">' + R.messageBody(m, c) + '</div>';
    var replies = m.replies || [];
    if (replies.length) {
      var open = S.expanded[m.ts];
      html += '<button type="button" class="thread-toggle" data-thread="' + R.esc(m.ts) + '">' +
        (open ? '▾ Hide thread' : '▸ ' + replies.length + (replies.length === 1 ? ' reply' : ' replies')) + '</button>';
      if (open) html += '<div class="replies">' + replies.map(function (r) { return messageHtml(r, c, false); }).join('') + '</div>';
    }
    return html + '</div></div>';
  }

  function renderMessages() {
    var box = $('messages');
    var nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    S.buttons.length = 0;
    var c = ctx();
    var items = S.messages.map(function (m) { return { ts: m.ts, html: function () { return messageHtml(m, c, false); } }; });
    S.ephemerals.forEach(function (e) { items.push({ ts: e.ts, html: function () { return messageHtml(e, c, true); } }); });
    items.sort(function (a, b) { return parseFloat(a.ts) - parseFloat(b.ts); });
    if (!items.length) {
      box.innerHTML = '<div class="empty"><div class="big">' + LOGO + '</div>Nothing here yet.<br>Fire an alert on the right, or type <code>/rollback payments-api</code> below.</div>';
      return;
    }
    box.innerHTML = items.map(function (i) { return i.html(); }).join('');
    // Highlight what changed since the last render.
    Array.prototype.forEach.call(box.querySelectorAll('.msg[data-ts]'), function (el) {
      var m = S.messages.concat(S.ephemerals).find(function (x) { return x.ts === el.getAttribute('data-ts'); });
      var sig = m ? JSON.stringify([m.blocks, m.text]) : '';
      var key = S.channel + ':' + el.getAttribute('data-ts');
      if (m && S.seen[key] !== undefined && S.seen[key] !== sig) el.classList.add('flash');
      if (m) S.seen[key] = sig;
    });
    if (nearBottom) box.scrollTop = box.scrollHeight;
  }

  function renderChannels() {
    var list = $('channels');
    list.innerHTML = '';
    S.info.channels.forEach(function (ch) {
      var li = document.createElement('li');
      li.className = (ch.id === S.channel ? 'active' : '') + (S.unread[ch.id] ? ' unread' : '');
      li.setAttribute('data-channel', ch.id);
      li.innerHTML = '<span class="hash">#</span><span>' + R.esc(ch.name) + '</span>' +
        (S.unread[ch.id] ? '<span class="badge">' + S.unread[ch.id] + '</span>' : '');
      li.onclick = function () { selectChannel(ch.id); };
      list.appendChild(li);
    });
  }

  function renderCluster(rows) {
    $('cluster').innerHTML = rows.map(function (d) {
      var pct = d.replicas ? Math.round(100 * d.ready / d.replicas) : 0;
      var at = d.image.lastIndexOf(':');
      var repo = at > d.image.lastIndexOf('/') ? d.image.slice(0, at + 1) : d.image;
      var tag = at > d.image.lastIndexOf('/') ? d.image.slice(at + 1) : '';
      var stateLabel = d.state === 'stalled' ? 'deadline exceeded' : d.state;
      return '<div class="deploy ' + d.state + '" data-deployment="' + R.esc(d.namespace + '/' + d.name) + '">' +
        '<div class="deploy-head"><span class="deploy-name">' + R.esc(d.name) + '</span><span class="deploy-ns">' + R.esc(d.namespace) + '</span>' +
        '<span class="rev" title="deployment.kubernetes.io/revision">rev ' + R.esc(d.revision) + '</span></div>' +
        '<div class="deploy-image mono" title="' + R.esc(d.changeCause) + '">' + R.esc(repo) + '<b>' + R.esc(tag) + '</b></div>' +
        '<div class="bar"><span style="width:' + pct + '%"></span></div>' +
        '<div class="deploy-stats"><span>ready ' + d.ready + '/' + d.replicas + '</span><span>updated ' + d.updated + '/' + d.replicas + '</span>' +
        (d.errorRatio === undefined ? '' : '<span class="err ' + (d.errorRatio > 0.05 ? 'bad' : 'good') + '" title="5xx error ratio (Prometheus)">5xx ' + (100 * d.errorRatio).toFixed(1) + '%</span>') +
        '<span class="pill ' + d.state + '">' + R.esc(stateLabel) + '</span></div></div>';
    }).join('') || '<p class="muted">No Deployments.</p>';
  }

  // ---- data --------------------------------------------------------------------------------------
  function refresh() {
    var ch = S.channel;
    return Promise.all([
      api('GET', '/slack/channels/' + encodeURIComponent(ch) + '/messages'),
      api('GET', '/slack/ephemerals?user=' + encodeURIComponent(S.user))
    ]).then(function (r) {
      if (ch !== S.channel) return;
      S.messages = r[0].messages.filter(function (m) { return !m.deleted; });
      S.ephemerals = r[1].ephemerals.filter(function (e) { return e.channel === ch; });
      renderMessages();
    }).catch(function (err) { toast('Could not read the channel: ' + err.message, true); });
  }
  function scheduleRefresh() {
    if (S.refreshTimer) return;
    S.refreshTimer = setTimeout(function () { S.refreshTimer = null; refresh(); }, 60);
  }
  function refreshCluster() {
    return api('GET', '/api/deployments').then(function (r) { renderCluster(r.deployments); }).catch(function () {});
  }
  function selectChannel(id) {
    S.channel = id;
    S.unread[id] = 0;
    var ch = S.info.channels.find(function (c) { return c.id === id; });
    $('channel-title').textContent = '#' + (ch ? ch.name : id);
    var svc = S.info.services.filter(function (s) { return s.channel === id; }).map(function (s) { return s.service; });
    $('channel-sub').textContent = svc.length ? 'on-call for ' + svc.join(', ') : id;
    renderChannels();
    $('messages').innerHTML = '';
    refresh().then(function () { var b = $('messages'); b.scrollTop = b.scrollHeight; });
  }
  function selectUser(id) {
    S.user = id;
    var w = who(id);
    $('user-avatar').textContent = w.initial;
    $('user-avatar').style.background = w.color;
    $('user').value = id;
    if (S.channel) refresh();
  }

  function follow() {
    var live = $('live');
    var source = new EventSource('/slack/events');
    source.onopen = function () { live.textContent = 'live'; live.className = 'live on'; };
    source.onerror = function () { live.textContent = 'reconnecting…'; live.className = 'live'; };
    ['message.posted', 'message.updated', 'message.deleted', 'ephemeral.posted', 'ephemeral.updated'].forEach(function (name) {
      source.addEventListener(name, function (ev) {
        var data = JSON.parse(ev.data);
        if (data.channel === S.channel) return scheduleRefresh();
        if (name === 'message.posted' && !data.threadTs && data.channel) {
          S.unread[data.channel] = (S.unread[data.channel] || 0) + 1;
          renderChannels();
        }
      });
    });
  }
` + ACTIONS_JS;
