/**
 * Browser code, the second half of page-app.ts's closure: what a person does on the page —
 * pick a user, press a button (through its confirm dialog, as Slack does), type a slash command,
 * fire an alert — and the start-up.
 */
export const ACTIONS_JS = String.raw`
  // ---- the confirm dialog (Block Kit's confirmation object) ---------------------------------------
  function confirmDialog(confirm) {
    var c = ctx();
    $('dialog-title').innerHTML = R.text(confirm.title || { type: 'plain_text', text: 'Are you sure?' }, c);
    $('dialog-text').innerHTML = R.text(confirm.text, c);
    $('dialog-confirm').innerHTML = R.text(confirm.confirm || { type: 'plain_text', text: 'Yes' }, c);
    $('dialog-deny').innerHTML = R.text(confirm.deny || { type: 'plain_text', text: 'Cancel' }, c);
    $('dialog-confirm').className = 'btn ' + (confirm.style === 'danger' ? 'btn-danger' : 'btn-primary');
    $('dialog').hidden = false;
    $('dialog-confirm').focus();
    return new Promise(function (resolve) {
      function done(answer) {
        $('dialog').hidden = true;
        $('dialog-confirm').onclick = $('dialog-deny').onclick = null;
        document.removeEventListener('keydown', onKey);
        resolve(answer);
      }
      function onKey(e) { if (e.key === 'Escape') done(false); }
      $('dialog-confirm').onclick = function () { done(true); };
      $('dialog-deny').onclick = function () { done(false); };
      document.addEventListener('keydown', onKey);
    });
  }

  function ackText(result) {
    if (!result) return '';
    if (result.timedOut) return 'no ack within 3 s';
    return 'acked ' + result.status + ' in ' + Math.round(result.ackMs) + ' ms';
  }

  function click(btn, el) {
    var go = btn.confirm ? confirmDialog(btn.confirm) : Promise.resolve(true);
    return go.then(function (ok) {
      if (!ok) return;
      el.disabled = true;
      var actor = who(S.user).name;
      return api('POST', '/slack/as/' + encodeURIComponent(S.user) + '/click', {
        channel: btn.channel, ts: btn.ts, actionId: btn.actionId, value: btn.value, blockId: btn.blockId
      }).then(function (r) {
        toast('@' + actor + ' pressed “' + btn.label + '” · ' + ackText(r.result), r.result && r.result.status !== 200);
        scheduleRefresh();
      }).catch(function (err) { toast('Click failed: ' + err.message, true); })
        .then(function () { el.disabled = false; });
    });
  }

  function sendCommand(line) {
    var m = /^(\/[\w-]+)\s*([\s\S]*)$/.exec(line.trim());
    if (!m) { toast('Type a slash command, e.g. /rollback payments-api', true); return Promise.resolve(); }
    return api('POST', '/slack/as/' + encodeURIComponent(S.user) + '/command', { command: m[1], text: m[2], channel: S.channel })
      .then(function (r) { toast(m[1] + ' as @' + who(S.user).name + ' · ' + ackText(r.result), r.result && r.result.status !== 200); scheduleRefresh(); })
      .catch(function (err) { toast('Command failed: ' + err.message, true); });
  }

  function fireAlert(svc, el) {
    el.disabled = true;
    return api('POST', '/api/alerts', { service: svc.service })
      .then(function (r) {
        toast('Alertmanager → rollbot: HTTP ' + r.status + ' for ' + svc.service, r.status >= 300);
        if (S.channel !== svc.channel) selectChannel(svc.channel);
      })
      .catch(function (err) { toast('Could not fire the alert: ' + err.message, true); })
      .then(function () { el.disabled = false; });
  }

  // ---- start-up ------------------------------------------------------------------------------------
  function renderStatic() {
    var info = S.info;
    $('team').textContent = info.team + ' · simulated workspace';
    var sel = $('user');
    info.users.forEach(function (u) {
      var o = document.createElement('option');
      o.value = u.id;
      o.textContent = (u.realName || u.name) + ' (@' + u.name + ')';
      sel.appendChild(o);
    });
    sel.onchange = function () { selectUser(sel.value); };
    var alerts = $('alerts');
    info.services.forEach(function (svc) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'alert-btn';
      b.setAttribute('data-service', svc.service);
      var ch = info.channels.find(function (c) { return c.id === svc.channel; });
      b.innerHTML = '<span class="icon" aria-hidden="true"></span><span><div class="label">Fire alert for ' + R.esc(svc.service) + '</div>' +
        '<div class="sub">HighErrorRatio · ' + R.esc(svc.namespace + '/' + svc.deployment) + ' → #' + R.esc(ch ? ch.name : svc.channel) + '</div></span>';
      b.onclick = function () { fireAlert(svc, b); };
      alerts.appendChild(b);
    });
    var labels = { console: 'Console', bot: 'rollbot', slack: 'Slack sim', kubernetes: 'Kubernetes API', prometheus: 'Prometheus', github: 'GitHub' };
    $('endpoints').innerHTML = Object.keys(labels).map(function (k) {
      return '<dt>' + labels[k] + '</dt><dd>' + R.esc(info.urls[k] || '') + '</dd>';
    }).join('');
    $('kubectl').textContent = '$ ' + info.kubectl;
  }

  $('messages').addEventListener('click', function (e) {
    var t = e.target.closest('[data-btn], [data-thread]');
    if (!t) return;
    if (t.hasAttribute('data-thread')) {
      var ts = t.getAttribute('data-thread');
      S.expanded[ts] = !S.expanded[ts];
      return renderMessages();
    }
    var btn = S.buttons[Number(t.getAttribute('data-btn'))];
    if (btn) click(btn, t);
  });
  $('composer').addEventListener('submit', function (e) {
    e.preventDefault();
    var input = $('command');
    var line = input.value;
    if (!line.trim()) return;
    input.value = '';
    sendCommand(line);
  });

  api('GET', '/api/info').then(function (info) {
    S.info = info;
    renderStatic();
    var first = info.services[0];
    selectUser(info.users[0] ? info.users[0].id : info.bot.id);
    selectChannel(first ? first.channel : info.channels[0].id);
    follow();
    refreshCluster();
    setInterval(refreshCluster, 1000);
    // A slow safety net in case an event was missed while reconnecting.
    setInterval(scheduleRefresh, 5000);
    document.body.setAttribute('data-ready', 'true');
  }).catch(function (err) { toast('Could not load the sandbox: ' + err.message, true); });
})();
`;
