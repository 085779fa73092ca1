/** The console's stylesheet: a Slack-like message pane between a channel list and a control panel. */
export const PAGE_CSS = String.raw`
:root {
  --ink: #1d1c1d; --muted: #616061; --line: #e6e6e8; --bg: #ffffff; --soft: #f7f7f9;
  --side: #1f2233; --side-ink: #c9cbe0; --side-hi: #3b5bdb; --accent: #3b5bdb;
  --green: #007a5a; --green-soft: #e3f4ee; --red: #c5283d; --red-soft: #fbe9eb;
  --amber: #b76e00; --amber-soft: #fff4dd; --mention: #e8f0fe; --mention-ink: #1f5fbf;
  --radius: 8px;
  font-family: "Lato", "Helvetica Neue", -apple-system, "Segoe UI", system-ui, Arial, sans-serif;
  font-size: 15px; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; }
code, pre, .mono { font-family: "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
.muted { color: var(--muted); } .small { font-size: 12px; font-weight: 400; }

.topbar { display: flex; align-items: center; gap: 16px; padding: 0 18px; height: 52px;
  background: #161827; color: #fff; border-bottom: 1px solid #2b2e44; flex: none; }
.brand { display: flex; align-items: center; gap: 8px; font-weight: 800; font-size: 17px; letter-spacing: .2px; }
.brand .logo { display: inline-flex; align-items: center; justify-content: center; width: 28px; height: 28px; border-radius: 7px; background: var(--accent); color: #fff; }
.brand .tag { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .8px;
  background: #f2c94c; color: #3a2a00; padding: 2px 7px; border-radius: 99px; }
.team { color: #9ea2c4; font-size: 13px; }
.spacer { flex: 1; }
.actas { display: flex; align-items: center; gap: 8px; font-size: 13px; color: #c9cbe0; }
.actas select { max-width: 230px; font: inherit; font-size: 14px; padding: 6px 10px; border-radius: 6px; border: 1px solid #3d4160;
  background: #24273b; color: #fff; }
.actas-avatar, .avatar { display: inline-flex; align-items: center; justify-content: center; color: #fff;
  font-weight: 800; border-radius: 6px; flex: none; }
.actas-avatar { width: 26px; height: 26px; font-size: 13px; }
.live { font-size: 12px; padding: 3px 9px; border-radius: 99px; background: #3a3113; color: #f2c94c; }
.live.on { background: #143a2c; color: #5fd3a5; }
.live.on::before { content: "● "; }

.layout { flex: 1; display: grid; grid-template-columns: 230px minmax(0, 1fr) 340px; min-height: 0; }
.sidebar { background: var(--side); color: var(--side-ink); padding: 14px 10px; display: flex; flex-direction: column; overflow: auto; }
.section-title { font-size: 12px; text-transform: uppercase; letter-spacing: .8px; color: #8a8eb0; padding: 6px 10px; }
.channels { list-style: none; margin: 0; padding: 0; }
.channels li { display: flex; align-items: center; gap: 6px; padding: 6px 10px; border-radius: 6px; cursor: pointer; font-size: 15px; }
.channels li:hover { background: #2a2e45; }
.channels li.active { background: var(--side-hi); color: #fff; font-weight: 700; }
.channels li.unread { color: #fff; font-weight: 700; }
.channels .hash { opacity: .7; }
.channels .badge { margin-left: auto; background: #e01e5a; color: #fff; font-size: 11px; font-weight: 700; padding: 1px 7px; border-radius: 99px; }
.sidebar-foot { margin-top: auto; font-size: 12px; color: #7d81a3; padding: 10px; line-height: 1.45; }

.main { display: flex; flex-direction: column; min-width: 0; min-height: 0; border-right: 1px solid var(--line); }
.channel-head { display: flex; align-items: baseline; gap: 12px; padding: 12px 22px; border-bottom: 1px solid var(--line); flex: none; }
.channel-head h1 { font-size: 18px; margin: 0; }
.channel-sub { color: var(--muted); font-size: 13px; }
.messages { flex: 1; overflow-y: auto; padding: 10px 0 18px; }
.empty { color: var(--muted); text-align: center; margin-top: 18vh; line-height: 1.6; }
.empty .big { display: inline-flex; width: 54px; height: 54px; border-radius: 14px; background: #eef1ff; color: var(--accent); align-items: center; justify-content: center; margin-bottom: 10px; }
.empty .big svg { width: 28px; height: 28px; }

.msg { display: flex; gap: 10px; padding: 8px 22px; }
.msg:hover { background: #f8f8f8; }
.msg .avatar { width: 36px; height: 36px; font-size: 16px; margin-top: 2px; }
.msg .avatar svg { width: 22px; height: 22px; }
.msg .body { min-width: 0; flex: 1; }
.meta { display: flex; align-items: baseline; gap: 7px; margin-bottom: 2px; }
.author { font-weight: 800; }
.app-badge { font-size: 10px; font-weight: 700; background: #e8e8e8; color: #555; padding: 1px 4px; border-radius: 3px; }
.time { color: var(--muted); font-size: 12px; }
.edited-mark { color: var(--muted); font-size: 12px; }
.msg.ephemeral { background: #f5f8ff; border-left: 3px solid var(--accent); }
.eph-note { font-size: 12px; color: var(--muted); margin-bottom: 3px; }
.msg.flash { animation: flash 1.4s ease-out; }
@keyframes flash { from { background: #fff6d6; } to { background: transparent; } }
.content { line-height: 1.46; overflow-wrap: anywhere; }
.content a { color: #1264a3; text-decoration: none; } .content a:hover { text-decoration: underline; }
.content code { font-size: 12.5px; color: #c01343; background: #f6f6f6; border: 1px solid #e3e3e3; border-radius: 3px; padding: 1px 4px; }
.content pre.code { font-size: 12.5px; background: #f8f8f8; border: 1px solid #e3e3e3; border-radius: 4px; padding: 8px 10px; white-space: pre-wrap; margin: 4px 0; max-height: 260px; overflow: auto; }
.mention { background: var(--mention); color: var(--mention-ink); border-radius: 3px; padding: 0 2px; font-weight: 600; }

.b-header { font-size: 18px; font-weight: 800; margin: 4px 0 6px; }
.b-section { display: flex; gap: 12px; margin: 4px 0; }
.b-section-main { flex: 1; min-width: 0; }
.b-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 20px; margin: 6px 0; }
.b-context { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; font-size: 12.5px; color: var(--muted); margin: 6px 0; }
.b-context img { width: 16px; height: 16px; border-radius: 3px; }
.b-divider { border: 0; border-top: 1px solid var(--line); margin: 10px 0; }
.b-actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0 4px; }
.b-image { max-width: 360px; border-radius: 6px; }
.b-unknown { font-size: 12px; color: var(--muted); font-style: italic; }

.btn { font: inherit; font-size: 14px; font-weight: 700; padding: 6px 14px; border-radius: 6px; cursor: pointer;
  border: 1px solid #c7c7c9; background: #fff; color: var(--ink); text-decoration: none; display: inline-block; }
.btn:hover { background: #f4f4f4; }
.btn:disabled { opacity: .55; cursor: progress; }
.btn-primary { background: var(--green); border-color: var(--green); color: #fff; }
.btn-primary:hover { background: #006a4e; }
.btn-danger { background: #fff; border-color: var(--red); color: var(--red); }
.btn-danger:hover { background: var(--red-soft); }
.dialog .btn-danger { background: var(--red); color: #fff; }

.thread-toggle { margin-top: 6px; font-size: 13px; font-weight: 700; color: #1264a3; cursor: pointer; background: none; border: 0; padding: 2px 0; }
.thread-toggle:hover { text-decoration: underline; }
.replies { margin: 6px 0 0; border-left: 3px solid var(--line); padding-left: 4px; }
.replies .msg { padding: 6px 10px; }
.replies .msg .avatar { width: 26px; height: 26px; font-size: 12px; }
.replies .msg .avatar svg { width: 16px; height: 16px; }

.composer { display: flex; gap: 8px; padding: 12px 22px 16px; border-top: 1px solid var(--line); flex: none; }
.composer input { flex: 1; font: inherit; font-family: "SFMono-Regular", Menlo, Consolas, monospace; font-size: 14px;
  padding: 10px 12px; border: 1px solid #bbbabb; border-radius: var(--radius); outline: none; }
.composer input:focus { border-color: var(--accent); box-shadow: 0 0 0 3px #dbe4ff; }

.panel { background: var(--soft); overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 14px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card h2 { font-size: 14px; margin: 0 0 6px; display: flex; align-items: baseline; gap: 6px; }
.card p { font-size: 12.5px; margin: 0 0 10px; line-height: 1.4; }
.alerts { display: flex; flex-direction: column; gap: 8px; }
.alert-btn { display: flex; align-items: center; gap: 10px; width: 100%; text-align: left; font: inherit; cursor: pointer;
  border: 1px solid #f3c3ca; background: #fff7f8; border-radius: 8px; padding: 8px 10px; }
.alert-btn:hover { background: var(--red-soft); }
.alert-btn .icon { width: 12px; height: 12px; border-radius: 50%; background: #e01e5a; flex: none; box-shadow: 0 0 0 4px #fbd5df; }
.alert-btn .label { font-weight: 700; font-size: 14px; }
.alert-btn .sub { font-size: 12px; color: var(--muted); }
.deploy { border-top: 1px solid var(--line); padding: 9px 0; }
.deploy:first-child { border-top: 0; padding-top: 2px; }
.deploy-head { display: flex; align-items: center; gap: 6px; }
.deploy-name { font-weight: 700; font-size: 13.5px; }
.deploy-ns { color: var(--muted); font-size: 12px; }
.rev { margin-left: auto; font-size: 11px; font-weight: 800; background: #eef1ff; color: #3142a8; border-radius: 99px; padding: 1px 8px; }
.deploy-image { font-size: 12px; color: var(--muted); margin: 3px 0 5px; overflow-wrap: anywhere; }
.deploy-image b { color: var(--ink); }
.bar { height: 6px; background: #eceef3; border-radius: 99px; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--green); transition: width .4s; }
.deploy.progressing .bar span { background: var(--amber); }
.deploy.stalled .bar span { background: var(--red); }
.deploy-stats { display: flex; align-items: center; gap: 9px; font-size: 12px; color: var(--muted); margin-top: 5px; white-space: nowrap; }
.err { font-weight: 700; }
.err.bad { color: var(--red); } .err.good { color: var(--green); }
.pill { font-size: 11px; font-weight: 700; border-radius: 99px; padding: 1px 7px; margin-left: auto; }
.pill.available { background: var(--green-soft); color: var(--green); }
.pill.progressing { background: var(--amber-soft); color: var(--amber); }
.pill.stalled { background: var(--red-soft); color: var(--red); }
.endpoints { display: grid; grid-template-columns: auto 1fr; gap: 4px 10px; margin: 0; font-size: 12px; }
.endpoints dt { color: var(--muted); }
.endpoints dd { margin: 0; font-family: "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.hint { font-size: 11.5px; background: #1f2233; color: #d5d8f0; border-radius: 6px; padding: 8px 10px; white-space: pre-wrap; overflow-wrap: anywhere; margin: 10px 0 0; }

.overlay { position: fixed; inset: 0; background: rgba(20, 20, 30, .45); display: flex; align-items: center; justify-content: center; z-index: 10; }
.overlay[hidden] { display: none; }
.dialog { background: #fff; border-radius: 10px; width: min(460px, 92vw); padding: 22px 24px 18px; box-shadow: 0 18px 50px rgba(0,0,0,.3); }
.dialog h3 { margin: 0 0 10px; font-size: 20px; }
.dialog-text { line-height: 1.5; margin-bottom: 20px; }
.dialog-buttons { display: flex; justify-content: flex-end; gap: 10px; }

.toasts { position: fixed; left: 250px; bottom: 84px; display: flex; flex-direction: column; gap: 6px; z-index: 20; }
.toast { background: #1f2233; color: #fff; font-size: 13px; padding: 8px 12px; border-radius: 8px; box-shadow: 0 6px 20px rgba(0,0,0,.2);
  max-width: 520px; transition: opacity .3s; }
.toast.error { background: var(--red); }
.toast.fade { opacity: 0; }

@media (max-width: 1100px) { .layout { grid-template-columns: 200px minmax(0, 1fr); } .panel { display: none; } }
`;
