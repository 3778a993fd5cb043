/* The lint page: talks to the ingress-warden process that served it, and to nothing else
 * (the Content-Security-Policy allows this origin only).  Text from the manifests and
 * from the server is written with textContent, never parsed as HTML. */
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_LISTED_LINES = 4000;   /* above this, only lines with messages and their neighbours */

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  }
  const badge = (kind, text) => el('span', { class: 'badge ' + kind, text: text || kind });

  async function post(path, body, type) {
    const r = await fetch(path, { method: 'POST', body, headers: { 'Content-Type': type },
                                  cache: 'no-store', credentials: 'omit' });
    const ct = r.headers.get('Content-Type') || '';
    const data = ct.startsWith('application/json') ? await r.json() : await r.text();
    return { status: r.status, data };
  }

  function busy(button, statusEl, text) {
    button.disabled = true;
    statusEl.textContent = text;
    return () => { button.disabled = false; };
  }

  /* ---------------------------------------------------------------- lint */

  function objectName(o) {
    const ns = o.kind === 'Ingress' && o.namespace ? o.namespace + '/' : '';
    return (o.kind || '?') + ' ' + ns + (o.name || '(no name)');
  }

  /* Every message of the report, by line: errors of the API server, findings of the
   * checks, input problems. */
  function messagesByLine(rep) {
    const by = new Map();
    const add = (line, m) => {
      const k = line > 0 ? line : 1;
      if (!by.has(k)) by.set(k, []);
      by.get(k).push(m);
    };
    for (const p of rep.problems || [])
      add(p.line, { sev: 'error', who: 'input', text: p.message, line: p.line, col: p.column });
    for (const o of rep.results || []) {
      for (const e of o.errors || [])
        add(e.line, { sev: 'error', who: 'API server', text: e.message, line: e.line, col: e.column, obj: o });
      for (const f of o.findings || [])
        add(f.line, { sev: f.suppressed ? 'suppressed' : f.severity, who: f.check, text: f.message,
                      line: f.line, col: f.column, obj: o, profile: f.profile });
    }
    return by;
  }

  function messageRow(m) {
    const sevClass = m.sev === 'error' ? 'error' : 'warning';
    const text = el('span', { class: 'text' },
      badge(m.sev === 'suppressed' ? 'info' : sevClass, m.sev), ' ',
      el('code', { text: m.who }), ' ', m.text, ' ',
      el('span', { class: 'pos', text: 'line ' + (m.line || '?') + (m.col ? ', column ' + m.col : '') +
        (m.obj ? ' · ' + objectName(m.obj) : '') + (m.profile ? ' · profile ' + m.profile : '') }));
    return el('div', { class: 'msg ' + sevClass, role: 'listitem',
                       'data-line': String(m.line || 0), 'data-severity': m.sev },
              el('span', { class: 'no', text: '' }), text);
  }

  function verdictTable(rep) {
    const objs = rep.results || [];
    if (!objs.length) return null;
    const body = el('tbody');
    for (const o of objs) {
      const api = (o.errors || []).length
        ? badge('denied', 'rejects · ' + o.errors.length + ' error' + (o.errors.length > 1 ? 's' : ''))
        : badge('allowed', 'accepts');
      const checks = el('td', { 'data-label': 'checks' });
      const active = (o.findings || []).filter((f) => !f.suppressed);
      if (!active.length) checks.append(badge('ok', 'no findings'));
      for (const f of o.findings || []) {
        checks.append(badge(f.suppressed ? 'info' : f.severity === 'error' ? 'error' : 'warning',
                            (f.suppressed ? 'suppressed ' : '') + f.check), ' ');
      }
      body.append(el('tr', { 'data-object': objectName(o) },
        el('td', null, el('strong', { text: objectName(o) })),
        el('td', { 'data-label': 'API server' }, api), checks,
        el('td', { 'data-label': 'where', text: 'line ' + o.line + (o.apiVersion ? ' · ' + o.apiVersion : '') }),
        el('td', { 'data-label': 'verdict' }, badge(o.allowed ? 'allowed' : 'denied', o.allowed ? 'allowed' : 'denied'))));
    }
    return el('table', { class: 'verdicts' },
      el('caption', { class: 'hint', text: 'Verdict per object' }),
      el('thead', null, el('tr', null, el('th', { text: 'Object' }), el('th', { text: 'API server' }),
        el('th', { text: 'Checks' }), el('th', { text: 'Where' }), el('th', { text: 'Verdict' }))),
      body);
  }

  function listing(text, by) {
    const lines = text.split(/\r\n|\n|\r/);
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();   /* the final line break */
    const box = el('div', { class: 'listing', role: 'list', 'aria-label': 'The manifests, with the messages at their lines' });
    const show = new Set();
    const all = lines.length <= MAX_LISTED_LINES;
    if (!all) for (const k of by.keys()) for (let d = -2; d <= 2; d++) show.add(k + d);
    let gap = false;
    lines.forEach((line, i) => {
      const n = i + 1;
      const ms = by.get(n) || [];
      if (!all && !show.has(n)) {
        if (!gap) box.append(el('div', { class: 'elided', text: '…' }));
        gap = true;
        return;
      }
      gap = false;
      const worst = ms.some((m) => m.sev === 'error') ? ' has-error' : ms.some((m) => m.sev === 'warning') ? ' has-warning' : '';
      box.append(el('div', { class: 'ln' + worst, role: 'listitem', 'data-line': String(n) },
        el('span', { class: 'no', text: String(n) }), el('span', { class: 'src', text: line || ' ' })));
      for (const m of ms) box.append(messageRow(m));
    });
    /* messages past the end of the text (should not happen) */
    for (const [k, ms] of by) if (k > lines.length) for (const m of ms) box.append(messageRow(m));
    return box;
  }

  function showLint(out, text, res) {
    out.replaceChildren();
    if (typeof res.data !== 'object') {
      out.append(el('p', { class: 'problem', text: 'The server answered ' + res.status + ': ' + res.data }));
      return;
    }
    const rep = res.data;
    const s = rep.summary || {};
    const verdict = s.problems ? badge('error', 'input error') : s.denied ? badge('denied', 'denied') : badge('allowed', 'allowed');
    /* the words of lint's text summary: its counts add up to the messages below */
    const pl = (n, one, many) => n + ' ' + (n === 1 ? one : many);
    const checksErr = s.findings - s.warnings;
    out.append(el('p', { class: 'summary', id: 'lint-summary' }, verdict, ' ',
      `${pl(s.objects, 'object', 'objects')} checked, ${s.denied} denied: ` +
      `${pl(s.errors + checksErr + s.problems, 'error', 'errors')} (${s.errors} from the API server's rules, ` +
      `${checksErr} from checks, ${s.problems} input), ${pl(s.warnings, 'warning', 'warnings')}` +
      `; ${pl(s.skipped, 'document', 'documents')} of other kinds skipped` +
      (s.suppressed ? `; ${s.suppressed} suppressed by the ingress-warden.io/ignore annotation` : '')));
    const t = verdictTable(rep);
    if (t) out.append(t);
    out.append(listing(text, messagesByLine(rep)));
  }

  async function lint() {
    const text = $('manifest').value;
    const out = $('findings');
    if (!text.trim()) {
      out.replaceChildren(el('p', { class: 'problem', text: 'Paste or drop manifests first.' }));
      return;
    }
    const done = busy($('lint'), $('lint-status'), 'Checking…');
    try {
      /* status=200: the verdict is read from the report (a 422 would be logged as an
       * error in the browser's console) */
      const res = await post('/lint?o=json&status=200', text, 'application/yaml');
      showLint(out, text, res);
      const s = res.status === 200 && typeof res.data === 'object' && res.data.summary;
      $('lint-status').textContent = !s ? 'Status ' + res.status + '.' :
        s.problems ? 'The input has errors.' : s.denied ? 'Something is denied.' : 'Nothing denied.';
    } catch (e) {
      out.replaceChildren(el('p', { class: 'problem', text: 'The lint server did not answer: ' + e.message }));
      $('lint-status').textContent = '';
    } finally { done(); }
  }

  /* --------------------------------------------------------------- route */

  function backendText(d) {
    if (d.service !== undefined) return 'service ' + d.service + ' port ' + d.port;
    if (d.resource) return 'resource ' + (d.resource.apiGroup ? d.resource.apiGroup + '.' : '') + d.resource.kind + '/' + d.resource.name;
    return 'no backend';
  }

  async function route() {
    const out = $('route-result');
    const body = JSON.stringify({ manifests: $('manifest').value, host: $('route-host').value,
                                  path: $('route-path').value || '/', controller: $('route-profile').value });
    const done = busy($('route'), $('route-status'), 'Routing…');
    try {
      const res = await post('/route?status=200', body, 'application/json');
      out.replaceChildren();
      $('route-status').textContent = '';
      if (typeof res.data !== 'object' || res.status !== 200) {
        const msg = typeof res.data === 'object' ? res.data.error : res.data;
        out.append(el('p', { class: 'problem', text: msg || ('status ' + res.status) }));
        for (const p of (res.data && res.data.problems) || [])
          out.append(el('p', { class: 'problem', text: 'line ' + p.line + ': ' + p.message }));
        return;
      }
      const d = res.data.decision;
      const who = d.ingress !== undefined ? 'Ingress ' + d.namespace + '/' + d.ingress :
                  d.name !== undefined ? (d.kind || 'object') + ' ' + d.namespace + '/' + d.name : '';
      const line = d.match === 'none'
        ? el('p', { class: 'decision', id: 'route-decision' }, badge('denied', 'no match'), ' No Ingress serves it: the controller\'s default backend answers (404)' + (d.status ? ', status ' + d.status : '') + '.')
        : el('p', { class: 'decision', id: 'route-decision' }, badge('allowed', d.match), ' ',
             el('span', { class: 'backend', text: backendText(d) }), ' via ' + who +
             (d.rule ? ' (' + (d.rule.pathType || '') + ' ' + (d.rule.path || '') + (d.rule.host ? ' on ' + d.rule.host : '') + ')' : '') +
             (d.status ? ' · status ' + d.status : ''));
      out.append(line);
      if (d.reason) out.append(el('p', { class: 'hint', text: d.reason }));
      out.append(el('pre', { class: 'explain', text: res.data.explanation || '' }));
    } catch (e) {
      out.replaceChildren(el('p', { class: 'problem', text: 'The lint server did not answer: ' + e.message }));
      $('route-status').textContent = '';
    } finally { done(); }
  }

  /* ---------------------------------------------------------------- diff */

  function outcomeText(o) {
    if (!o) return '';
    return (o.status ? o.status + ' ' : '') + (o.target || '') +
      (o.object ? ' · ' + (o.kind || '') + ' ' + o.object : '') + (o.where ? ' (line ' + o.where.replace(/^[a-z]+:/, '') + ')' : '');
  }

  function requestText(q) {
    const extra = Object.entries(q.headers || {}).map(([k, v]) => k + ': ' + v)
      .concat(Object.entries(q.query || {}).map(([k, v]) => '?' + k + '=' + v));
    return (q.method && q.method !== 'GET' ? q.method + ' ' : '') + (q.host || '(no Host)') + q.path +
      (extra.length ? ' [' + extra.join(', ') + ']' : '');
  }

  /* what `ingress-warden diff -o json` reports: requests grouped by cause */
  async function diff() {
    const out = $('diff-result');
    const body = JSON.stringify({ old: $('manifest').value, new: $('manifest-new').value,
                                  oldController: $('diff-old-profile').value, newController: $('diff-new-profile').value });
    const done = busy($('diff'), $('diff-status'), 'Comparing…');
    try {
      const res = await post('/diff?status=200', body, 'application/json');
      out.replaceChildren();
      $('diff-status').textContent = '';
      if (typeof res.data !== 'object' || res.status !== 200 || res.data.error) {
        const msg = typeof res.data === 'object' ? res.data.error : res.data;
        out.append(el('p', { class: 'problem', text: msg || ('status ' + res.status) }));
        for (const p of (res.data && res.data.problems) || [])
          out.append(el('p', { class: 'problem', text: p.side + ' line ' + p.line + ': ' + p.message }));
        return;
      }
      const r = res.data;
      out.append(el('p', { class: 'summary', id: 'diff-summary' },
        r.differ ? badge('warning', 'differs') : badge('allowed', 'same'), ' ',
        `${r.checked} request${r.checked === 1 ? '' : 's'} checked, ${r.differ} differ` +
        (r.truncated ? ' (the requests were cut at the limit)' : '') + '.'));
      out.append(el('p', { class: 'hint', text: 'old: ' + (r.old || '') + ' · new: ' + (r.new || '') }));
      for (const c of r.causes || []) {
        const rows = el('tbody');
        for (const q of c.requests || []) {
          rows.append(el('tr', { class: 'diff-row' },
            el('td', null, el('code', { text: requestText(q.request) })),
            el('td', { text: outcomeText(q.old) }), el('td', { text: outcomeText(q.new) })));
          rows.append(el('tr', { class: 'why' }, el('td', { colspan: '3' },
            el('details', null, el('summary', { text: 'Why (' + q.request.tests + ')' }),
               el('p', { class: 'hint', text: 'old: ' + (q.old.why || '') }),
               el('p', { class: 'hint', text: 'new: ' + (q.new.why || '') })))));
        }
        const shown = (c.requests || []).length;
        out.append(el('div', { class: 'cause scroll' },
          el('h3', { text: c.cause + ' (' + c.count + (shown < c.count ? ', ' + shown + ' listed' : '') + ')' }),
          el('table', { class: 'diffs' }, el('thead', null, el('tr', null, el('th', { text: 'Request' }),
            el('th', { text: 'Old' }), el('th', { text: 'New' }))), rows)));
      }
    } catch (e) {
      out.replaceChildren(el('p', { class: 'problem', text: 'The lint server did not answer: ' + e.message }));
      $('diff-status').textContent = '';
    } finally { done(); }
  }

  /* --------------------------------------------------------- files, keys */

  function addText(area, name, text) {
    const cur = area.value.replace(/\s+$/, '');
    const head = '# ' + name + '\n';
    area.value = cur ? cur + '\n---\n' + head + text : head + text;
  }

  async function addFiles(area, files) {
    for (const f of files) addText(area, f.name, await f.text());
    area.dispatchEvent(new Event('input'));
  }

  function dropTarget(area) {
    area.addEventListener('dragover', (e) => { e.preventDefault(); area.classList.add('drop'); });
    area.addEventListener('dragleave', () => area.classList.remove('drop'));
    area.addEventListener('drop', (e) => {
      area.classList.remove('drop');
      if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files.length) {
        e.preventDefault();
        addFiles(area, e.dataTransfer.files);
      }
    });
  }

  function ctrlEnter(elm, fn) {
    elm.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); fn(); }
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('origin').textContent = location.origin;
    $('lint').addEventListener('click', lint);
    $('route').addEventListener('click', route);
    if ($('diff')) {   /* the diff panel */
      $('diff').addEventListener('click', diff);
      dropTarget($('manifest-new'));
      ctrlEnter($('manifest-new'), diff);
    }
    $('clear').addEventListener('click', () => { $('manifest').value = ''; $('findings').replaceChildren(); $('manifest').focus(); });
    $('files').addEventListener('change', (e) => { addFiles($('manifest'), e.target.files); e.target.value = ''; });
    dropTarget($('manifest'));
    ctrlEnter($('manifest'), lint);
    for (const id of ['route-host', 'route-path'])
      $(id).addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); route(); } });
  });
})();
