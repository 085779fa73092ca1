/**
 * The console page's entry point: what a person does on it — pick a user, press a button (through
 * its confirm dialog, as Slack does), type a slash command, fire an alert — and the start-up.
 * Bundled for the browser by esbuild with app.ts, state.ts and render.ts (see ../assets.ts).
 */
import type { ConsoleInfo, ConsoleService } from '../info.js';
import { follow, refreshCluster, renderMessages, scheduleRefresh, selectChannel, selectUser } from './app.js';
import { type ButtonRef, type Confirm, esc, text } from './render.js';
import { $, api, ctx, info, S, setInfo, toast, who } from './state.js';

/** What the console server answers for a simulated click or command: the bot's ack. */
interface Delivery {
  result?: { status: number; ackMs: number; timedOut?: boolean } | null;
}

// ---- the confirm dialog (Block Kit's confirmation object) ---------------------------------------
function confirmDialog(confirm: Confirm): Promise<boolean> {
  const c = ctx();
  $('dialog-title').innerHTML = text(confirm.title || { type: 'plain_text', text: 'Are you sure?' }, c);
  $('dialog-text').innerHTML = text(confirm.text, c);
  $('dialog-confirm').innerHTML = text(confirm.confirm || { type: 'plain_text', text: 'Yes' }, c);
  $('dialog-deny').innerHTML = text(confirm.deny || { type: 'plain_text', text: 'Cancel' }, c);
  $('dialog-confirm').className = 'btn ' + (confirm.style === 'danger' ? 'btn-danger' : 'btn-primary');
  $('dialog').hidden = false;
  $('dialog-confirm').focus();
  return new Promise((resolve) => {
    function done(answer: boolean) {
      $('dialog').hidden = true;
      $('dialog-confirm').onclick = $('dialog-deny').onclick = null;
      document.removeEventListener('keydown', onKey);
      resolve(answer);
    }
    function onKey(e: KeyboardEvent) {
      if (e.key === 'Escape') done(false);
    }
    $('dialog-confirm').onclick = () => done(true);
    $('dialog-deny').onclick = () => done(false);
    document.addEventListener('keydown', onKey);
  });
}

function ackText(result: Delivery['result']): string {
  if (!result) return '';
  if (result.timedOut) return 'no ack within 3 s';
  return 'acked ' + result.status + ' in ' + Math.round(result.ackMs) + ' ms';
}

function click(btn: ButtonRef, el: HTMLButtonElement): Promise<void> {
  const go = btn.confirm ? confirmDialog(btn.confirm) : Promise.resolve(true);
  return go.then((ok) => {
    if (!ok) return;
    el.disabled = true;
    const actor = who(S.user).name;
    return api<Delivery>('POST', '/slack/as/' + encodeURIComponent(S.user) + '/click', {
      channel: btn.channel,
      ts: btn.ts,
      actionId: btn.actionId,
      value: btn.value,
      blockId: btn.blockId,
    })
      .then((r) => {
        toast(
          '@' + actor + ' pressed “' + btn.label + '” · ' + ackText(r.result),
          !!r.result && r.result.status !== 200,
        );
        scheduleRefresh();
      })
      .catch((err: Error) => toast('Click failed: ' + err.message, true))
      .then(() => {
        el.disabled = false;
      });
  });
}

function sendCommand(line: string): Promise<void> {
  const m = /^(\/[\w-]+)\s*([\s\S]*)$/.exec(line.trim());
  if (!m) {
    toast('Type a slash command, e.g. /rollback payments-api', true);
    return Promise.resolve();
  }
  const [, command, args] = m as unknown as [string, string, string];
  return api<Delivery>('POST', '/slack/as/' + encodeURIComponent(S.user) + '/command', {
    command,
    text: args,
    channel: S.channel,
  })
    .then((r) => {
      toast(
        command + ' as @' + who(S.user).name + ' · ' + ackText(r.result),
        !!r.result && r.result.status !== 200,
      );
      scheduleRefresh();
    })
    .catch((err: Error) => toast('Command failed: ' + err.message, true));
}

function fireAlert(svc: ConsoleService, el: HTMLButtonElement): Promise<void> {
  el.disabled = true;
  return api<{ status: number }>('POST', '/api/alerts', { service: svc.service })
    .then((r) => {
      toast('Alertmanager → rollbot: HTTP ' + r.status + ' for ' + svc.service, r.status >= 300);
      if (S.channel !== svc.channel) selectChannel(svc.channel);
    })
    .catch((err: Error) => toast('Could not fire the alert: ' + err.message, true))
    .then(() => {
      el.disabled = false;
    });
}

// ---- start-up ------------------------------------------------------------------------------------
function renderStatic(): void {
  const i = info();
  $('team').textContent = i.team + ' · simulated workspace';
  const sel = $<HTMLSelectElement>('user');
  i.users.forEach((u) => {
    const o = document.createElement('option');
    o.value = u.id;
    o.textContent = (u.realName || u.name) + ' (@' + u.name + ')';
    sel.appendChild(o);
  });
  sel.onchange = () => selectUser(sel.value);
  const alerts = $('alerts');
  i.services.forEach((svc) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'alert-btn';
    b.setAttribute('data-service', svc.service);
    const ch = i.channels.find((c) => c.id === svc.channel);
    b.innerHTML =
      '<span class="icon" aria-hidden="true"></span><span><div class="label">Fire alert for ' +
      esc(svc.service) +
      '</div>' +
      '<div class="sub">HighErrorRatio · ' +
      esc(svc.namespace + '/' + svc.deployment) +
      ' → #' +
      esc(ch ? ch.name : svc.channel) +
      '</div></span>';
    b.onclick = () => void fireAlert(svc, b);
    alerts.appendChild(b);
  });
  const labels: Record<keyof ConsoleInfo['urls'], string> = {
    console: 'Console',
    bot: 'rollbot',
    slack: 'Slack sim',
    kubernetes: 'Kubernetes API',
    prometheus: 'Prometheus',
    github: 'GitHub',
  };
  $('endpoints').innerHTML = (Object.keys(labels) as (keyof typeof labels)[])
    .map((k) => '<dt>' + labels[k] + '</dt><dd>' + esc(i.urls[k] || '') + '</dd>')
    .join('');
  $('kubectl').textContent = '$ ' + i.kubectl;
}

$('messages').addEventListener('click', (e) => {
  const t = (e.target as Element).closest('[data-btn], [data-thread]');
  if (!t) return;
  if (t.hasAttribute('data-thread')) {
    const ts = t.getAttribute('data-thread')!;
    S.expanded[ts] = !S.expanded[ts];
    return renderMessages();
  }
  const btn = S.buttons[Number(t.getAttribute('data-btn'))];
  if (btn) void click(btn, t as HTMLButtonElement);
});
$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $<HTMLInputElement>('command');
  const line = input.value;
  if (!line.trim()) return;
  input.value = '';
  void sendCommand(line);
});

api<ConsoleInfo>('GET', '/api/info')
  .then((loaded) => {
    setInfo(loaded);
    renderStatic();
    const first = loaded.services[0];
    selectUser(loaded.users[0] ? loaded.users[0].id : loaded.bot.id);
    selectChannel(first ? first.channel : loaded.channels[0]!.id);
    follow();
    void refreshCluster();
    setInterval(refreshCluster, 1000);
    // A slow safety net in case an event was missed while reconnecting.
    setInterval(scheduleRefresh, 5000);
    document.body.setAttribute('data-ready', 'true');
  })
  .catch((err: Error) => toast('Could not load the sandbox: ' + err.message, true));
