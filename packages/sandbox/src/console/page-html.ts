/**
 * The console's one page. Plain HTML, CSS and JavaScript kept as strings in modules so there is
 * no build step and nothing to copy next to dist/; page-render.ts draws Block Kit, page-app.ts
 * talks to the console server.
 */
export const PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rollbot sandbox</title>
<link rel="icon" href="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'><text y='.9em' font-size='90'>⏪</text></svg>">
<link rel="stylesheet" href="/console.css">
</head>
<body>
<header class="topbar">
  <div class="brand"><span class="logo"><svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z"/></svg></span><span class="name">rollbot</span><span class="tag">sandbox</span></div>
  <div class="team" id="team"></div>
  <div class="spacer"></div>
  <label class="actas" for="user">Acting as
    <span class="actas-avatar" id="user-avatar"></span>
    <select id="user" aria-label="Act as user"></select>
  </label>
  <span id="live" class="live" title="Live updates from the Slack simulator">connecting…</span>
</header>
<div class="layout">
  <nav class="sidebar" aria-label="Channels">
    <div class="section-title">Channels</div>
    <ul id="channels" class="channels"></ul>
    <div class="sidebar-foot">A simulated Slack workspace. Everything here goes through the same signed requests Slack sends.</div>
  </nav>
  <main class="main">
    <div class="channel-head">
      <h1 id="channel-title">#</h1>
      <span id="channel-sub" class="channel-sub"></span>
    </div>
    <div id="messages" class="messages" aria-live="polite"></div>
    <form id="composer" class="composer" autocomplete="off">
      <input id="command" name="command" placeholder="/rollback payments-api because …" spellcheck="false">
      <button type="submit" class="btn btn-primary">Send</button>
    </form>
  </main>
  <aside class="panel">
    <section class="card">
      <h2>Fire an alert</h2>
      <p class="muted">Alertmanager posts to rollbot's webhook (the bearer token stays on the server).</p>
      <div id="alerts" class="alerts"></div>
    </section>
    <section class="card">
      <h2>Cluster <span class="muted small">Deployments</span></h2>
      <div id="cluster" class="cluster"><p class="muted">loading…</p></div>
    </section>
    <section class="card">
      <h2>Endpoints</h2>
      <dl id="endpoints" class="endpoints"></dl>
      <pre id="kubectl" class="hint"></pre>
    </section>
  </aside>
</div>
<div id="dialog" class="overlay" hidden>
  <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
    <h3 id="dialog-title"></h3>
    <div id="dialog-text" class="dialog-text"></div>
    <div class="dialog-buttons">
      <button type="button" id="dialog-deny" class="btn"></button>
      <button type="button" id="dialog-confirm" class="btn btn-primary"></button>
    </div>
  </div>
</div>
<div id="toasts" class="toasts" aria-live="polite"></div>
<script src="/render.js"></script>
<script src="/app.js"></script>
</body>
</html>
`;
