/**
 * Browser code (a classic script, no build): Slack mrkdwn and Block Kit to HTML. Everything from
 * a message is escaped before it becomes markup; links keep only http(s)/mailto targets.
 * Written without template literals (this file is itself one), backticks come from '\x60'.
 */
export const RENDER_JS = String.raw`'use strict';
(function () {
  var BT = '\x60';
  var FENCE = new RegExp(BT + BT + BT + '([\\s\\S]*?)' + BT + BT + BT, 'g');
  var INLINE_CODE = new RegExp(BT + '([^' + BT + '\\n]+)' + BT, 'g');
  var EMOJI = {
    white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', rotating_light: '🚨', fire: '🔥',
    no_entry_sign: '🚫', no_entry: '⛔', memo: '📝', information_source: 'ℹ️', hourglass: '⌛',
    hourglass_flowing_sand: '⏳', heavy_multiplication_x: '✖️', zzz: '💤', white_circle: '⚪',
    wastebasket: '🗑️', red_circle: '🔴', large_green_circle: '🟢', large_blue_circle: '🔵',
    lock: '🔒', fast_forward: '⏩', rewind: '⏪', black_square_for_stop: '⏹️', bell: '🔔',
    arrows_counterclockwise: '🔄', warning: '⚠️', rocket: '🚀', eyes: '👀', link: '🔗',
    bust_in_silhouette: '👤', clock1: '🕐', stopwatch: '⏱️', mag: '🔍', octagonal_sign: '🛑',
    siren: '🚨', package: '📦', scroll: '📜', chart_with_upwards_trend: '📈', tada: '🎉'
  };

  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  // Slack sends <, > and & as entities inside text; turn them back before escaping once.
  function decode(s) {
    return String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  function emoji(html) {
    return html.replace(/:([a-z0-9_+\-]+):/g, function (all, name) { return EMOJI[name] || all; });
  }
  function emphasis(html) {
    return html
      .replace(/(^|[^\w*])\*([^*\n]+?)\*(?![\w*])/g, '$1<strong>$2</strong>')
      .replace(/(^|[^\w_])_([^_\n]+?)_(?![\w_])/g, '$1<em>$2</em>')
      .replace(/(^|[^\w~])~([^~\n]+?)~(?![\w~])/g, '$1<del>$2</del>');
  }

  function token(inner, ctx) {
    var bar = inner.indexOf('|');
    var target = bar >= 0 ? inner.slice(0, bar) : inner;
    var label = bar >= 0 ? inner.slice(bar + 1) : '';
    if (target.charAt(0) === '@') {
      var id = target.slice(1);
      return '<span class="mention">@' + esc(ctx.users[id] || label || id) + '</span>';
    }
    if (target.charAt(0) === '#') {
      var ch = target.slice(1);
      return '<span class="mention">#' + esc(ctx.channels[ch] || label || ch) + '</span>';
    }
    if (target.indexOf('!subteam^') === 0) {
      var group = target.slice(9);
      return '<span class="mention">' + esc(label || '@' + (ctx.groups[group] || group)) + '</span>';
    }
    if (target.charAt(0) === '!') return '<span class="mention">@' + esc(target.slice(1)) + '</span>';
    var href = decode(target);
    if (/^(https?:|mailto:)/i.test(href)) {
      var text = label ? emoji(emphasis(esc(decode(label)))) : esc(href);
      return '<a href="' + esc(href) + '" target="_blank" rel="noopener noreferrer">' + text + '</a>';
    }
    return esc('<' + decode(inner) + '>');
  }

  /** Slack mrkdwn: code blocks, inline code, links and mentions, *bold*, _italic_, ~strike~, emoji. */
  function mrkdwn(src, ctx) {
    if (src === undefined || src === null) return '';
    var slots = [];
    function hold(html) { slots.push(html); return '\u0000' + (slots.length - 1) + '\u0000'; }
    var s = String(src)
      .replace(FENCE, function (_, code) { return hold('<pre class="code">' + esc(decode(code.replace(/^\n/, ''))) + '</pre>'); })
      .replace(INLINE_CODE, function (_, code) { return hold('<code>' + esc(decode(code)) + '</code>'); })
      .replace(/<([^<>\n]+)>/g, function (_, inner) { return hold(token(inner, ctx)); });
    s = emoji(emphasis(esc(decode(s)))).replace(/\n/g, '<br>');
    // A held piece may hold earlier ones (a link around inline code), so fill recursively.
    function fill(str) {
      return str.replace(/\u0000(\d+)\u0000/g, function (_, i) { return fill(slots[Number(i)]); });
    }
    return fill(s);
  }

  function text(t, ctx) {
    if (!t) return '';
    if (typeof t === 'string') return mrkdwn(t, ctx);
    return t.type === 'mrkdwn' ? mrkdwn(t.text, ctx) : emoji(esc(t.text || '')).replace(/\n/g, '<br>');
  }

  /** A button; what a click needs (and its confirm dialog) goes to ctx.buttons, the markup carries the index. */
  function button(el, blockId, ctx) {
    var cls = 'btn' + (el.style === 'primary' ? ' btn-primary' : el.style === 'danger' ? ' btn-danger' : '');
    var label = text(el.text, ctx);
    if (el.url) return '<a class="' + cls + '" href="' + esc(el.url) + '" target="_blank" rel="noopener noreferrer">' + label + '</a>';
    ctx.buttons.push({
      channel: ctx.channel, ts: ctx.ts, actionId: el.action_id, blockId: blockId,
      value: el.value, confirm: el.confirm || null, label: (el.text && el.text.text) || el.action_id
    });
    return '<button type="button" class="' + cls + '" data-btn="' + (ctx.buttons.length - 1) + '" data-action-id="' + esc(el.action_id || '') + '">' + label + '</button>';
  }

  function element(el, blockId, ctx) {
    if (!el) return '';
    if (el.type === 'button') return button(el, blockId, ctx);
    if (el.type === 'image') return '<img src="' + esc(el.image_url || '') + '" alt="' + esc(el.alt_text || '') + '">';
    if (el.type === 'mrkdwn' || el.type === 'plain_text') return '<span>' + text(el, ctx) + '</span>';
    return '<span class="b-unknown">[' + esc(el.type) + ']</span>';
  }

  function richText(b) {
    var out = [];
    (b.elements || []).forEach(function (sec) {
      (sec.elements || []).forEach(function (e) { out.push(e.text || (e.type === 'user' ? '@' + e.user_id : '')); });
    });
    return esc(out.join(''));
  }

  function block(b, ctx) {
    switch (b.type) {
      case 'header':
        return '<div class="b-header">' + text(b.text, ctx) + '</div>';
      case 'section': {
        var main = '';
        if (b.text) main += '<div class="b-text">' + text(b.text, ctx) + '</div>';
        if (b.fields && b.fields.length) {
          main += '<div class="b-fields">' + b.fields.map(function (f) { return '<div class="b-field">' + text(f, ctx) + '</div>'; }).join('') + '</div>';
        }
        var acc = b.accessory ? '<div class="b-accessory">' + element(b.accessory, b.block_id, ctx) + '</div>' : '';
        return '<div class="b-section"><div class="b-section-main">' + main + '</div>' + acc + '</div>';
      }
      case 'context':
        return '<div class="b-context">' + (b.elements || []).map(function (e) { return element(e, b.block_id, ctx); }).join('') + '</div>';
      case 'divider':
        return '<hr class="b-divider">';
      case 'actions':
        return '<div class="b-actions">' + (b.elements || []).map(function (e) { return element(e, b.block_id, ctx); }).join('') + '</div>';
      case 'image':
        return '<img class="b-image" src="' + esc(b.image_url || '') + '" alt="' + esc(b.alt_text || '') + '">';
      case 'rich_text':
        return '<div class="b-text">' + richText(b) + '</div>';
      default:
        return '<div class="b-unknown">[' + esc(b.type) + ' block]</div>';
    }
  }

  /** A message's body: its blocks when it has any (Slack then shows no text), else its mrkdwn text. */
  function messageBody(m, ctx) {
    ctx.channel = m.channel;
    ctx.ts = m.ts;
    if (m.blocks && m.blocks.length) return m.blocks.map(function (b) { return block(b, ctx); }).join('');
    return '<div class="b-text">' + mrkdwn(m.text || '', ctx) + '</div>';
  }

  window.RollbotRender = { esc: esc, mrkdwn: mrkdwn, text: text, messageBody: messageBody };
})();
`;
