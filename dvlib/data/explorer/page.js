(function () {
'use strict';
var early = window.__early || [];
early.forEach(function (m) { window.__reportError(m); });

var DATA = JSON.parse(document.getElementById('dvlib-data').textContent);
var UI = DATA.ui;
var LANG = DATA.lang;
document.querySelector('#errors strong').textContent = UI.errors;

// ---------- helpers ----------
function el(tag, attrs, children) {
  var e = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') e.textContent = v;
      else if (k === 'cls') e.className = v;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else if (k in e && typeof v !== 'string') e[k] = v;
      else e.setAttribute(k, v);
    });
  }
  (children || []).forEach(function (c) {
    if (c === null || c === undefined) return;
    e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  });
  return e;
}
function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
function fmt(s, vars) {
  return String(s).replace(/\{(\w+)\}/g, function (m, k) {
    if (vars && k in vars) return String(vars[k]);
    if (k in UI) return UI[k];
    return m;
  });
}
function num(n) { return Number(n).toLocaleString(LANG === 'vi' ? 'vi-VN' : 'en-GB'); }
function pct(x) {
  if (!x) return '0%';
  var p = x * 100;
  if (p < 1) return '<1%';
  return Math.round(p) + '%';
}
var COLLATOR = (typeof Intl !== 'undefined' && Intl.Collator) ? new Intl.Collator(LANG === 'vi' ? 'vi' : 'en') : null;
function cmp(a, b) { return COLLATOR ? COLLATOR.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0); }

// Accent-insensitive folding: NFD, combining marks removed, đ→d, lower case, white space runs as
// one space. foldMap keeps, for each folded character, where it came from in the original.
var COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
function foldChar(ch) {
  return ch.normalize('NFD').replace(COMBINING, '').replace(/[\u0111\u0110]/g, 'd').toLowerCase();
}
function fold(s) {
  return String(s || '').normalize('NFD').replace(COMBINING, '').replace(/[\u0111\u0110]/g, 'd')
    .toLowerCase().replace(/\s+/g, ' ').trim();
}
function foldMap(s) {
  var out = [], starts = [], ends = [], prevSpace = true;
  var i = 0;
  while (i < s.length) {
    var cp = s.codePointAt(i), ch = String.fromCodePoint(cp), n = ch.length;
    if (/\s/.test(ch)) {
      if (!prevSpace) { out.push(' '); starts.push(i); ends.push(i + n); }
      prevSpace = true;
    } else {
      var f = foldChar(ch);
      for (var k = 0; k < f.length; k++) { out.push(f[k]); starts.push(i); ends.push(i + n); }
      if (f.length) prevSpace = false;
      else if (ends.length) ends[ends.length - 1] = i + n;  // a lone combining mark joins its base
    }
    i += n;
  }
  return { f: out.join(''), starts: starts, ends: ends };
}
var WORDCH = /[\p{L}\p{N}]/u;
// Ranges [start, end) in the original text where the folded needle occurs.
function findAll(fm, needle, wholeWords) {
  var res = [];
  if (!needle) return res;
  var from = 0;
  while (true) {
    var at = fm.f.indexOf(needle, from);
    if (at < 0) break;
    var endAt = at + needle.length;
    var ok = true;
    if (wholeWords) {
      if (at > 0 && WORDCH.test(fm.f[at - 1]) && WORDCH.test(needle[0])) ok = false;
      if (endAt < fm.f.length && WORDCH.test(fm.f[endAt]) && WORDCH.test(needle[needle.length - 1])) ok = false;
    }
    if (ok) res.push([fm.starts[at], fm.ends[endAt - 1]]);
    from = at + 1;
  }
  return res;
}
// Text with classed ranges as <mark>s, built from text nodes only. Later ranges win.
function appendMarked(parent, text, ranges) {
  if (!ranges.length) { parent.appendChild(document.createTextNode(text)); return null; }
  var cls = new Array(text.length);
  ranges.forEach(function (r) {
    for (var i = Math.max(0, r[0]); i < Math.min(text.length, r[1]); i++) cls[i] = r[2];
  });
  var first = {};
  var i = 0;
  while (i < text.length) {
    var c = cls[i], j = i + 1;
    while (j < text.length && cls[j] === c) j++;
    var piece = text.slice(i, j);
    if (c) {
      var m = el('mark', { cls: c, text: piece });
      if (!first[c]) first[c] = m;
      parent.appendChild(m);
    } else parent.appendChild(document.createTextNode(piece));
    i = j;
  }
  return first;
}

// ---------- data ----------
var DOCS = {};
DATA.docs.forEach(function (d) { DOCS[d.id] = d; });
var UNITS = DATA.units;
UNITS.forEach(function (u, i) { u.k = i; u.doc = DOCS[u.d]; });
var UNIT_BY_ID = {};
UNITS.forEach(function (u) { if (!(u.id in UNIT_BY_ID)) UNIT_BY_ID[u.id] = u; });
var FOLDED = null;  // folded unit texts, made at the first search
function folded(u) {
  if (!FOLDED) FOLDED = new Array(UNITS.length);
  if (FOLDED[u.k] === undefined) FOLDED[u.k] = foldMap(u.t);
  return FOLDED[u.k];
}
function provinceOf(doc, field) {
  return (field === 'province_2025' ? doc.province_2025 : doc.province) || '';
}
var LEVELS = {};
DATA.docs.forEach(function (d) { if (d.level) LEVELS[d.level] = true; });
var OUTLETS = {};
DATA.docs.forEach(function (d) { if (d.outlet) OUTLETS[d.outlet] = (OUTLETS[d.outlet] || 0) + 1; });

function allProvinces(field) {
  var seen = {};
  DATA.docs.forEach(function (d) { seen[provinceOf(d, field)] = true; });
  return Object.keys(seen).sort(function (a, b) {
    if (!a) return 1; if (!b) return -1; return cmp(a, b);
  });
}
function provinceLabel(p) { return p || UI.unknown_province; }
function familyLabel(f) {
  if (f === 'all') return UI.all_families;
  return DATA.family_labels[f] || f;
}
function dimLabel(dim) {
  return dim === 'aspect' ? UI.by_aspect : dim === 'subtheme' ? UI.by_subtheme : UI.by_family;
}
function columnLabel(dim, key) {
  if (dim === 'aspect') return key === '_none' ? UI.no_aspect : (DATA.aspect_labels[key] || key.replace(/_/g, ' '));
  if (dim === 'subtheme') return key === '_none' ? UI.no_subtheme : (DATA.subtheme_labels[key] || key);
  return UI.total;
}
function columnsOf(u, dim) {
  if (dim === 'aspect') return u.a.length ? u.a : ['_none'];
  if (dim === 'subtheme') return [u.st || '_none'];
  return ['_all'];
}
function levelLabel(l) { return UI['level_' + l] || l; }
function dateLabel(d) {
  if (!d) return UI.undated_doc;
  var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(d);
  if (!m) return d;
  if (LANG === 'vi') return [m[3], m[2], m[1]].filter(Boolean).join('/');
  return d;
}
function docTitle(doc) {
  if (doc.title) return doc.title;
  return UI.untitled + (doc.file ? ' — ' + doc.file : '');
}

// ---------- state and the URL fragment ----------
var DEFAULT_FAMILY = DATA.families.indexOf('limitation') >= 0 ? 'limitation' : (DATA.families[0] || 'all');
function defaults() {
  return { family: DEFAULT_FAMILY, dim: DATA.dims[0], pfield: 'province', provinces: null,
           from: '', to: '', undated: true, outlet: '', level: '', q: '', row: null, col: null,
           doc: null, unit: null, more: 1 };
}
var S = defaults();
var hashNotes = [];

function decode(v) {
  v = v.replace(/\+/g, ' ');
  try { return decodeURIComponent(v); } catch (e) {
    try { return decodeURI(v); } catch (e2) { return v; }
  }
}
function parseHash(h) {
  var out = {};
  h = (h || '').replace(/^#/, '');
  if (!h) return out;
  h.split('&').forEach(function (part) {
    if (!part) return;
    var i = part.indexOf('=');
    var k = decode(i < 0 ? part : part.slice(0, i)).trim().toLowerCase();
    var v = i < 0 ? '' : decode(part.slice(i + 1));
    out[k] = v.normalize('NFC').trim();
  });
  return out;
}
function matchProvince(name) {
  if (name === '') return null;
  var f = fold(name), list = allProvinces(S.pfield);
  for (var i = 0; i < list.length; i++) if (fold(list[i]) === f) return list[i];
  if (S.pfield === 'province' && DATA.has_p2025) {
    var l2 = allProvinces('province_2025');
    for (var j = 0; j < l2.length; j++) if (fold(l2[j]) === f) { S.pfield = 'province_2025'; return l2[j]; }
  }
  return undefined;
}
function matchColumn(dim, key) {
  if (dim === 'family') return '_all';
  var keys = {};
  UNITS.forEach(function (u) { columnsOf(u, dim).forEach(function (c) { keys[c] = true; }); });
  if (key in keys) return key;
  var f = fold(key).replace(/[\s-]+/g, '_');
  var found;
  Object.keys(keys).forEach(function (k) {
    if (found) return;
    if (fold(k) === f || fold(columnLabel(dim, k)).replace(/[\s-]+/g, '_') === f) found = k;
  });
  return found;
}
function stateFromHash() {
  var h = parseHash(location.hash);
  var s = defaults();
  S = s;
  hashNotes = [];
  if (h.family) {
    var fam = h.family.toLowerCase();
    if (fam === 'all' || DATA.families.indexOf(fam) >= 0) s.family = fam;
    else {
      var byLabel = DATA.families.filter(function (f) { return fold(familyLabel(f)) === fold(h.family); });
      if (byLabel.length) s.family = byLabel[0];
    }
  }
  if (h.pv === '2025' && DATA.has_p2025) s.pfield = 'province_2025';
  var colKey = null;
  ['aspect', 'subtheme', 'column'].forEach(function (k) {
    if (h[k] !== undefined && colKey === null) {
      colKey = h[k];
      if (k !== 'column' && DATA.dims.indexOf(k) >= 0) s.dim = k;
    }
  });
  if (h.by && DATA.dims.indexOf(h.by) >= 0) s.dim = h.by;
  if (h.provinces) {
    var sel = {};
    h.provinces.split(/[,;|]/).forEach(function (p) {
      var m = matchProvince(p.trim());
      if (m !== undefined && m !== null) sel[m] = true;
    });
    s.provinces = sel;
  }
  if (h.from) s.from = h.from;
  if (h.to) s.to = h.to;
  if (h.undated === '0' || h.undated === 'no') s.undated = false;
  if (h.outlet) {
    var o = Object.keys(OUTLETS).filter(function (x) { return fold(x) === fold(h.outlet); });
    s.outlet = o.length ? o[0] : h.outlet;
  }
  if (h.level) s.level = h.level;
  if (h.q) s.q = h.q;
  if (h.province !== undefined) {
    var p = matchProvince(h.province);
    if (p === undefined) hashNotes.push(fmt(UI.no_match_province, { p: h.province }));
    else s.row = p;
  }
  if (colKey !== null && colKey !== '') {
    var c = matchColumn(s.dim, colKey);
    if (c === undefined) hashNotes.push(fmt(UI.no_match_column, { c: colKey }));
    else s.col = c;
  } else if (s.dim === 'family' && s.row !== null) s.col = '_all';
  if (h.doc) s.doc = h.doc;
  if (h.unit) s.unit = h.unit;
}
function enc(v) { return encodeURIComponent(v).replace(/%20/g, ' ').replace(/%2C/g, ','); }
function hashOf(s, extra) {
  var parts = ['family=' + enc(s.family)];
  if (s.dim !== DATA.dims[0]) parts.push('by=' + s.dim);
  if (s.pfield === 'province_2025') parts.push('pv=2025');
  if (s.row !== null && s.row !== undefined) parts.push('province=' + enc(s.row));
  if (s.col !== null && s.col !== undefined && s.dim !== 'family') parts.push((s.dim === 'aspect' ? 'aspect=' : 'subtheme=') + enc(s.col));
  if (s.provinces) parts.push('provinces=' + enc(Object.keys(s.provinces).sort(cmp).join(',')));
  if (s.from) parts.push('from=' + enc(s.from));
  if (s.to) parts.push('to=' + enc(s.to));
  if (!s.undated) parts.push('undated=0');
  if (s.outlet) parts.push('outlet=' + enc(s.outlet));
  if (s.level) parts.push('level=' + enc(s.level));
  if (s.q) parts.push('q=' + enc(s.q));
  var doc = extra && extra.doc !== undefined ? extra.doc : s.doc;
  var unit = extra && extra.unit !== undefined ? extra.unit : s.unit;
  if (doc) parts.push('doc=' + enc(doc));
  if (doc && unit) parts.push('unit=' + enc(unit));
  return '#' + parts.join('&').replace(/ /g, '%20');
}
function update(patch) {
  Object.keys(patch).forEach(function (k) { S[k] = patch[k]; });
  var h = hashOf(S);
  if (location.hash !== h) {
    try { history.pushState(null, '', h); } catch (e) { location.hash = h; }
  }
  render();
}
window.addEventListener('hashchange', function () { stateFromHash(); syncFilters(); render(); });
window.addEventListener('popstate', function () { stateFromHash(); syncFilters(); render(); });

// ---------- filtering ----------
function periodBounds(d) {
  // a date known to the day, month or year covers that whole period
  if (!d) return null;
  var y = d.slice(0, 4), m = d.slice(5, 7), day = d.slice(8, 10);
  return [y + '-' + (m || '01') + '-' + (day || '01'), y + '-' + (m || '12') + '-' + (day || '31')];
}
function docPasses(doc) {
  var p = provinceOf(doc, S.pfield);
  if (S.provinces && !S.provinces[p]) return false;
  if (S.outlet && doc.outlet !== S.outlet) return false;
  if (S.level && doc.level !== S.level) return false;
  if (S.from || S.to) {
    var b = periodBounds(doc.date);
    if (!b) return S.undated;
    if (S.from && b[1] < S.from) return false;
    if (S.to && b[0] > S.to) return false;
  } else if (!S.undated && !doc.date) return false;
  return true;
}
function queryFolded() { return fold(S.q); }
function unitsInView(ignoreFamily) {
  var q = queryFolded();
  return UNITS.filter(function (u) {
    if (!ignoreFamily && S.family !== 'all' && u.f !== S.family) return false;
    if (!docPasses(u.doc)) return false;
    if (q && folded(u).f.indexOf(q) < 0) return false;
    return true;
  });
}
function unitsOfCell(units, row, col) {
  return units.filter(function (u) {
    if (row !== null && provinceOf(u.doc, S.pfield) !== row) return false;
    if (col !== null && columnsOf(u, S.dim).indexOf(col) < 0) return false;
    return true;
  });
}
function sortUnits(list) {
  return list.slice().sort(function (a, b) {
    var pa = provinceOf(a.doc, S.pfield), pb = provinceOf(b.doc, S.pfield);
    if (pa !== pb) return cmp(pa, pb);
    if (a.doc.date !== b.doc.date) return a.doc.date < b.doc.date ? -1 : 1;
    if (a.d !== b.d) return a.d < b.d ? -1 : 1;
    return a.p - b.p;
  });
}

// ---------- filters panel ----------
var F = {};
function buildFilters() {
  var box = document.getElementById('filters');
  clear(box);
  // family
  var famSet = el('fieldset', null, [el('legend', { text: UI.family })]);
  F.family = {};
  var famCounts = {};
  UNITS.forEach(function (u) { famCounts[u.f] = (famCounts[u.f] || 0) + 1; });
  DATA.families.concat(['all']).forEach(function (f) {
    var input = el('input', { type: 'radio', name: 'family', value: f,
      onchange: function () { update({ family: f, row: null, col: null, more: 1 }); } });
    F.family[f] = input;
    famSet.appendChild(el('label', null, [input, el('span', { text: familyLabel(f) }),
      el('span', { cls: 'n', text: num(f === 'all' ? UNITS.length : famCounts[f] || 0) })]));
  });
  box.appendChild(famSet);
  // columns
  if (DATA.dims.length > 1) {
    var dimSet = el('fieldset', null, [el('legend', { text: UI.columns })]);
    F.dim = el('select', { onchange: function () { update({ dim: F.dim.value, col: null, more: 1 }); } });
    DATA.dims.forEach(function (d) { F.dim.appendChild(el('option', { value: d, text: dimLabel(d) })); });
    dimSet.appendChild(F.dim);
    box.appendChild(dimSet);
  }
  // province field
  if (DATA.has_p2025) {
    var pvSet = el('fieldset', null, [el('legend', { text: UI.province_field })]);
    F.pfield = el('select', { onchange: function () {
      update({ pfield: F.pfield.value, provinces: null, row: null, more: 1 }); buildProvinceList(); } });
    F.pfield.appendChild(el('option', { value: 'province', text: UI.province_as_reported }));
    F.pfield.appendChild(el('option', { value: 'province_2025', text: UI.province_2025 }));
    pvSet.appendChild(F.pfield);
    box.appendChild(pvSet);
  }
  // provinces
  var provSet = el('fieldset', null, [el('legend', { text: UI.provinces })]);
  provSet.appendChild(el('div', { cls: 'buttons' }, [
    el('button', { type: 'button', cls: 'small-btn', text: UI.all,
      onclick: function () { update({ provinces: null }); syncFilters(); } }),
    el('button', { type: 'button', cls: 'small-btn', text: UI.none,
      onclick: function () { update({ provinces: {}, row: null }); syncFilters(); } })]));
  F.provFilter = el('input', { type: 'search', placeholder: UI.filter_provinces,
    'aria-label': UI.filter_provinces, oninput: filterProvinceList });
  provSet.appendChild(F.provFilter);
  F.provList = el('div', { cls: 'province-list', id: 'province-list' });
  provSet.appendChild(F.provList);
  box.appendChild(provSet);
  // dates
  var dateSet = el('fieldset', null, [el('legend', { text: UI.dates })]);
  F.from = el('input', { type: 'date', 'aria-label': UI.from,
    onchange: function () { update({ from: F.from.value, more: 1 }); } });
  F.to = el('input', { type: 'date', 'aria-label': UI.to,
    onchange: function () { update({ to: F.to.value, more: 1 }); } });
  F.undated = el('input', { type: 'checkbox',
    onchange: function () { update({ undated: F.undated.checked, more: 1 }); } });
  dateSet.appendChild(el('div', { cls: 'row' }, [el('span', { text: UI.from }), F.from]));
  dateSet.appendChild(el('div', { cls: 'row' }, [el('span', { text: UI.to }), F.to]));
  dateSet.appendChild(el('label', null, [F.undated, el('span', { text: UI.undated })]));
  box.appendChild(dateSet);
  // outlet
  var outSet = el('fieldset', null, [el('legend', { text: UI.outlet })]);
  F.outlet = el('select', { onchange: function () { update({ outlet: F.outlet.value, more: 1 }); } });
  F.outlet.appendChild(el('option', { value: '', text: UI.all_outlets }));
  Object.keys(OUTLETS).sort(cmp).forEach(function (o) {
    F.outlet.appendChild(el('option', { value: o, text: o + ' (' + OUTLETS[o] + ')' }));
  });
  outSet.appendChild(F.outlet);
  box.appendChild(outSet);
  // level
  if (DATA.has_level) {
    var levSet = el('fieldset', null, [el('legend', { text: UI.level })]);
    F.level = el('select', { onchange: function () { update({ level: F.level.value, more: 1 }); } });
    F.level.appendChild(el('option', { value: '', text: UI.all_levels }));
    Object.keys(LEVELS).sort(cmp).forEach(function (l) {
      F.level.appendChild(el('option', { value: l, text: levelLabel(l) }));
    });
    levSet.appendChild(F.level);
    box.appendChild(levSet);
  }
  box.appendChild(el('button', { type: 'button', cls: 'small-btn', text: UI.reset,
    onclick: function () {
      var keep = { family: S.family, dim: S.dim };
      S = defaults(); S.family = keep.family; S.dim = keep.dim;
      update({}); syncFilters();
    } }));
  buildProvinceList();

  // search box
  var sb = clear(document.getElementById('search-box'));
  F.q = el('input', { type: 'search', id: 'q', placeholder: UI.search_placeholder, autocomplete: 'off' });
  var timer = null;
  F.q.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { update({ q: F.q.value.trim(), more: 1 }); }, 250);
  });
  F.q.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { clearTimeout(timer); update({ q: F.q.value.trim(), more: 1 }); }
  });
  sb.appendChild(el('label', { 'for': 'q', text: UI.search }));
  sb.appendChild(el('div', { cls: 'row' }, [F.q, el('button', { type: 'button', cls: 'small-btn',
    text: UI.clear, onclick: function () { F.q.value = ''; update({ q: '', more: 1 }); } })]));
}
function buildProvinceList() {
  clear(F.provList);
  F.provBoxes = {};
  var counts = {};
  DATA.docs.forEach(function (d) { var p = provinceOf(d, S.pfield); counts[p] = (counts[p] || 0) + 1; });
  allProvinces(S.pfield).forEach(function (p) {
    var cb = el('input', { type: 'checkbox', value: p, onchange: function () {
      var sel = {};
      Object.keys(F.provBoxes).forEach(function (k) { if (F.provBoxes[k].checked) sel[k] = true; });
      var all = Object.keys(F.provBoxes).every(function (k) { return F.provBoxes[k].checked; });
      var patch = { provinces: all ? null : sel, more: 1 };
      if (S.row !== null && !sel[S.row]) { patch.row = null; }
      update(patch);
    } });
    F.provBoxes[p] = cb;
    var lab = el('label', { 'data-fold': fold(provinceLabel(p)) }, [cb, el('span', { text: provinceLabel(p) }),
      el('span', { cls: 'n', text: num(counts[p] || 0) })]);
    F.provList.appendChild(lab);
  });
}
function filterProvinceList() {
  var f = fold(F.provFilter.value);
  Array.prototype.forEach.call(F.provList.children, function (lab) {
    lab.hidden = f && lab.getAttribute('data-fold').indexOf(f) < 0;
  });
}
function syncFilters() {
  if (F.family[S.family]) F.family[S.family].checked = true;
  if (F.dim) F.dim.value = S.dim;
  if (F.pfield && F.pfield.value !== S.pfield) { F.pfield.value = S.pfield; buildProvinceList(); }
  Object.keys(F.provBoxes).forEach(function (p) {
    F.provBoxes[p].checked = !S.provinces || !!S.provinces[p];
  });
  F.from.value = /^\d{4}-\d{2}-\d{2}$/.test(S.from) ? S.from : '';
  F.to.value = /^\d{4}-\d{2}-\d{2}$/.test(S.to) ? S.to : '';
  F.undated.checked = S.undated;
  F.outlet.value = S.outlet;
  if (F.level) F.level.value = S.level;
  if (document.activeElement !== F.q) F.q.value = S.q;
}

// ---------- matrix ----------
function renderMatrix(units) {
  var table = clear(document.getElementById('matrix'));
  var dim = S.dim;
  var rows = allProvinces(S.pfield).filter(function (p) { return !S.provinces || S.provinces[p]; });
  var cells = {}, rowTot = {}, colTot = {}, grand = 0;
  units.forEach(function (u) {
    var p = provinceOf(u.doc, S.pfield);
    rowTot[p] = (rowTot[p] || 0) + 1;
    grand++;
    columnsOf(u, dim).forEach(function (c) {
      var key = p + '\u0000' + c;
      cells[key] = (cells[key] || 0) + 1;
      colTot[c] = (colTot[c] || 0) + 1;
    });
  });
  var cols = Object.keys(colTot);
  if (dim === 'family') cols = ['_all'];
  if (S.col && cols.indexOf(S.col) < 0 && dim !== 'family') cols.push(S.col);
  cols.sort(function (a, b) {
    if (a === '_none') return 1; if (b === '_none') return -1;
    return (colTot[b] || 0) - (colTot[a] || 0) || cmp(columnLabel(dim, a), columnLabel(dim, b));
  });
  var showTotal = dim !== 'family';
  var caption = document.getElementById('matrix-caption');
  var capText = fmt(dim === 'family' ? UI.matrix_caption_family :
    dim === 'subtheme' ? UI.matrix_caption_subtheme : UI.matrix_caption, {
    family: familyLabel(S.family), dim: dimLabel(dim), dim_lower: dimLabel(dim).toLowerCase() });
  if (S.q) capText += ' ' + fmt(UI.with_keyword, { q: S.q });
  caption.textContent = capText;

  function cellButton(row, col, count, share, total) {
    var b = el('button', { type: 'button', 'data-row': row === null ? '' : row,
      'data-col': col === null ? '' : col, 'data-count': String(count) });
    var label = (row === null ? UI.grand_total : provinceLabel(row)) + ' · ' +
      (col === null ? UI.total : columnLabel(dim, col)) + ': ' + num(count) +
      (share !== null ? ' (' + pct(share) + ')' : '');
    b.title = label;
    b.setAttribute('aria-label', label);
    b.appendChild(el('span', { cls: 'count', text: count ? num(count) : '–' }));
    if (share !== null && count) b.appendChild(el('span', { cls: 'share', text: pct(share) }));
    if (!count) { b.classList.add('zero'); b.disabled = true; }
    else b.addEventListener('click', function () {
      update({ row: row, col: col, more: 1, doc: null, unit: null });
      var d = document.getElementById('detail');
      if (d.scrollIntoView) d.scrollIntoView({ block: 'start', behavior: 'smooth' });
    });
    var isSel = (S.row === row && S.col === col);
    if (isSel && (row !== null || col !== null)) b.classList.add('selected');
    return b;
  }
  function shade(td, share) {
    if (!share) return;
    var a = 0.06 + 0.64 * Math.min(1, share);
    td.style.backgroundColor = 'rgba(29, 78, 216, ' + a.toFixed(3) + ')';
    if (a > 0.45) td.style.color = '#fff';
  }

  var thead = el('thead'), hr = el('tr');
  hr.appendChild(el('th', { cls: 'corner', scope: 'col', text: UI.province }));
  if (dim !== 'family') {
    cols.forEach(function (c) {
      var th = el('th', { scope: 'col' });
      var b = el('button', { type: 'button', 'data-col': c, title: columnLabel(dim, c),
        text: columnLabel(dim, c), onclick: function () { update({ row: null, col: c, more: 1, doc: null, unit: null }); } });
      if (S.row === null && S.col === c) b.classList.add('selected');
      th.appendChild(b);
      hr.appendChild(th);
    });
  } else {
    hr.appendChild(el('th', { scope: 'col', cls: 'plain', text: familyLabel(S.family) }));
  }
  if (showTotal) hr.appendChild(el('th', { scope: 'col', cls: 'total plain', text: UI.total }));
  thead.appendChild(hr);
  table.appendChild(thead);

  var tbody = el('tbody');
  rows.forEach(function (p) {
    var tr = el('tr');
    var th = el('th', { scope: 'row' });
    var rb = el('button', { type: 'button', 'data-row': p, text: provinceLabel(p),
      onclick: function () { update({ row: p, col: null, more: 1, doc: null, unit: null }); } });
    if (S.row === p && S.col === null) rb.classList.add('selected');
    th.appendChild(rb);
    tr.appendChild(th);
    var rt = rowTot[p] || 0;
    if (dim === 'family') {
      var td0 = el('td');
      td0.appendChild(cellButton(p, '_all', rt, grand ? rt / grand : 0));
      shade(td0, grand ? rt / grand : 0);
      tr.appendChild(td0);
    } else {
      cols.forEach(function (c) {
        var n = cells[p + '\u0000' + c] || 0;
        var share = rt ? n / rt : 0;
        var td = el('td');
        td.appendChild(cellButton(p, c, n, share));
        shade(td, share);
        tr.appendChild(td);
      });
      var tdt = el('td', { cls: 'total' });
      tdt.appendChild(cellButton(p, null, rt, null));
      tr.appendChild(tdt);
    }
    if (S.row === p) tr.classList.add('sel-line');
    tbody.appendChild(tr);
  });
  table.appendChild(tbody);

  var tfoot = el('tfoot'), fr = el('tr');
  fr.appendChild(el('th', { scope: 'row', text: UI.grand_total }));
  if (dim === 'family') {
    var tdf = el('td');
    tdf.appendChild(cellButton(null, '_all', grand, null));
    fr.appendChild(tdf);
  } else {
    cols.forEach(function (c) {
      var td = el('td');
      td.appendChild(cellButton(null, c, colTot[c] || 0, grand ? (colTot[c] || 0) / grand : 0));
      fr.appendChild(td);
    });
    var tdg = el('td', { cls: 'total' });
    tdg.appendChild(cellButton(null, null, grand, null));
    fr.appendChild(tdg);
  }
  tfoot.appendChild(fr);
  table.appendChild(tfoot);

  var sel = table.querySelector('td .selected');
  if (sel && sel.scrollIntoView) {
    // keep the chosen cell visible inside the scrolling matrix
    var wrap = document.getElementById('matrix-wrap');
    var r = sel.getBoundingClientRect(), w = wrap.getBoundingClientRect();
    if (r.bottom > w.bottom || r.top < w.top + 60) wrap.scrollTop += r.top - w.top - w.height / 2;
    if (r.right > w.right || r.left < w.left + 160) wrap.scrollLeft += r.left - w.left - w.width / 2;
  }
}

// ---------- quotes ----------
function quoteRanges(u, col) {
  var fm = folded(u), ranges = [];
  u.cues.forEach(function (c) { findAll(fm, fold(c), true).forEach(function (r) { ranges.push([r[0], r[1], 'cue']); }); });
  u.terms.forEach(function (t) { findAll(fm, fold(t), true).forEach(function (r) { ranges.push([r[0], r[1], 'term']); }); });
  var q = queryFolded();
  if (q) findAll(fm, q, false).forEach(function (r) { ranges.push([r[0], r[1], 'q']); });
  return ranges;
}
function metaLine(u) {
  var d = u.doc;
  var bits = [el('span', { cls: 'doc-title', text: docTitle(d) })];
  [dateLabel(d.date), d.outlet || UI.unknown_outlet, provinceLabel(provinceOf(d, S.pfield)) +
    (S.pfield === 'province' && d.province_2025 && d.province_2025 !== d.province ? ' (→ ' + d.province_2025 + ')' : ''),
   d.level ? levelLabel(d.level) : null].forEach(function (b) {
    if (!b) return;
    bits.push(el('span', { cls: 'sep', text: '·' }));
    bits.push(el('span', { text: b }));
  });
  return el('p', { cls: 'meta' }, bits);
}
function contextLink(u, short) {
  var a = el('a', { cls: 'ctx', href: hashOf(S, { doc: u.d, unit: u.id }),
    text: (short ? UI.open_short : UI.open_in_report) + ' →', title: UI.open_in_report });
  a.addEventListener('click', function (e) {
    e.preventDefault();
    update({ doc: u.d, unit: u.id });
  });
  return a;
}
function unitItem(u) {
  var li = el('li', { cls: 'unit', 'data-unit': u.id, 'data-doc': u.d });
  var bq = el('blockquote', { cls: 'quote' });
  appendMarked(bq, u.t, quoteRanges(u, S.col));
  li.appendChild(bq);
  li.appendChild(metaLine(u));
  var chips = el('div', { cls: 'chips' });
  if (S.family === 'all') chips.appendChild(el('span', { cls: 'chip fam', text: familyLabel(u.f) }));
  u.a.forEach(function (a) { chips.appendChild(el('span', { cls: 'chip', text: columnLabel('aspect', a) })); });
  if (S.dim === 'subtheme' && u.st) chips.appendChild(el('span', { cls: 'chip', text: columnLabel('subtheme', u.st) }));
  chips.appendChild(contextLink(u));
  li.appendChild(chips);
  return li;
}
var PAGE = 200;
function renderDetail(units) {
  var title = document.getElementById('detail-title');
  var list = clear(document.getElementById('cell-list'));
  var more = clear(document.getElementById('detail-more'));
  var legend = document.getElementById('detail-legend');
  if (S.row === null && S.col === null) {
    title.textContent = '';
    legend.textContent = units.length ? UI.pick_cell : fmt(UI.no_data);
    legend.className = units.length ? 'legend' : 'legend empty';
    return;
  }
  var chosen = sortUnits(unitsOfCell(units, S.row, S.col));
  var parts = [familyLabel(S.family)];
  parts.push(S.row === null ? UI.grand_total : provinceLabel(S.row));
  if (S.dim !== 'family' && S.col !== null) parts.push(columnLabel(S.dim, S.col));
  title.textContent = parts.join(' · ') + ' — ' + fmt(UI.n_items, { n: num(chosen.length) });
  legend.textContent = chosen.length ? UI.legend + ' ' + UI.copy_link : fmt(UI.no_data);
  legend.className = chosen.length ? 'legend' : 'legend empty';
  var shown = Math.min(chosen.length, PAGE * S.more);
  for (var i = 0; i < shown; i++) list.appendChild(unitItem(chosen[i]));
  if (shown < chosen.length) {
    more.appendChild(document.createTextNode(fmt(UI.showing, { shown: num(shown), n: num(chosen.length) }) + ' '));
    more.appendChild(el('button', { type: 'button', cls: 'small-btn', text: UI.show_more,
      onclick: function () { S.more += 1; renderDetail(units); } }));
  }
}

// ---------- keyword in context ----------
function renderSearch(units) {
  var box = clear(document.getElementById('search-results'));
  var q = queryFolded();
  if (!q) { box.hidden = true; return; }
  box.hidden = false;
  var hits = [];
  units.forEach(function (u) {
    findAll(folded(u), q, false).forEach(function (r) { hits.push([u, r]); });
  });
  var nUnits = units.length;
  if (!hits.length) {
    box.appendChild(el('h2', { text: fmt(UI.no_hits, { q: S.q }) }));
    return;
  }
  var head = fmt(UI.search_results, { q: S.q, hits: num(hits.length), n: num(nUnits) });
  var CAP = 300;
  if (hits.length > CAP) head += ' ' + fmt(UI.search_capped, { shown: num(CAP) });
  box.appendChild(el('h2', { text: head }));
  var wrap = el('div', { cls: 'kwic-wrap' });
  var table = el('table', { cls: 'kwic', id: 'kwic' }, [el('colgroup', null, [
    el('col', { cls: 'c-left' }), el('col', { cls: 'c-hit' }), el('col', { cls: 'c-right' }),
    el('col', { cls: 'c-where' })])]);
  var tb = el('tbody');
  hits.slice(0, CAP).forEach(function (h) {
    var u = h[0], r = h[1], W = 70;
    var left = u.t.slice(Math.max(0, r[0] - W), r[0]), right = u.t.slice(r[1], r[1] + W);
    if (r[0] > W) left = '…' + left;
    if (r[1] + W < u.t.length) right = right + '…';
    tb.appendChild(el('tr', { 'data-unit': u.id }, [
      el('td', { cls: 'left' }, [el('div', null, [el('span', { text: left })])]),
      el('td', { cls: 'hit' }, [el('mark', { cls: 'q', text: u.t.slice(r[0], r[1]) })]),
      el('td', { cls: 'right', text: right }),
      el('td', { cls: 'where' }, [
        el('span', { text: provinceLabel(provinceOf(u.doc, S.pfield)) + ' · ' + dateLabel(u.doc.date) }),
        el('span', null, [S.family === 'all' ? familyLabel(u.f) + ' · ' : '', contextLink(u, true)])])]));
  });
  table.appendChild(tb);
  wrap.appendChild(table);
  box.appendChild(wrap);
}

// ---------- the report in context ----------
var lastFocus = null;
function closeDoc() { update({ doc: null, unit: null }); if (lastFocus) lastFocus.focus(); }
function renderDoc() {
  var view = document.getElementById('doc-view');
  if (!S.doc || !DOCS[S.doc]) { view.hidden = true; return; }
  var d = DOCS[S.doc];
  if (view.hidden) lastFocus = document.activeElement;
  view.hidden = false;
  document.getElementById('doc-title').textContent = docTitle(d);
  var meta = clear(document.getElementById('doc-meta'));
  [dateLabel(d.date), d.outlet || UI.unknown_outlet, provinceLabel(d.province),
   d.level ? levelLabel(d.level) : null, d.file || null].forEach(function (b, i) {
    if (!b) return;
    if (meta.childNodes.length) meta.appendChild(el('span', { cls: 'sep', text: '·' }));
    meta.appendChild(el('span', { text: b }));
  });
  var body = clear(document.getElementById('doc-body'));
  var note = document.getElementById('doc-note');
  note.hidden = true;
  var target = S.unit && UNIT_BY_ID[S.unit] && UNIT_BY_ID[S.unit].d === S.doc ? UNIT_BY_ID[S.unit] : null;
  var text = DATA.texts[S.doc];
  var docUnits = UNITS.filter(function (u) { return u.d === S.doc; }).sort(function (a, b) { return a.p - b.p; });
  var marked;
  if (typeof text === 'string') {
    var ranges = [];
    docUnits.forEach(function (u) {
      if (u.span && u !== target && (S.family === 'all' || u.f === S.family)) ranges.push([u.span[0], u.span[1], 'near']);
    });
    if (target) {
      if (target.span) ranges.push([target.span[0], target.span[1], 'target']);
      else { note.textContent = UI.span_missing; note.hidden = false; }
    }
    marked = appendMarked(body, text, ranges);
  } else {
    note.textContent = UI.full_text_missing;
    note.hidden = false;
    docUnits.forEach(function (u) {
      var p = el('p', { cls: 'unit-line' });
      var m = el('mark', { cls: u === target ? 'target' : (u.f === S.family ? 'near' : ''), text: u.t });
      p.appendChild(m);
      body.appendChild(p);
      if (u === target) marked = { target: m };
    });
  }
  var t = marked && marked.target;
  if (t) {
    t.id = 'doc-target';
    setTimeout(function () { if (t.scrollIntoView) t.scrollIntoView({ block: 'center' }); }, 0);
  }
  document.getElementById('doc-close').focus();
}

// ---------- render ----------
function renderNotes() {
  var n = document.getElementById('notice');
  n.textContent = hashNotes.join(' ');
  n.hidden = !hashNotes.length;
}
function render() {
  var units = unitsInView(false);
  renderNotes();
  renderMatrix(units);
  renderSearch(units);
  renderDetail(units);
  renderDoc();
}

function init() {
  document.getElementById('page-title').textContent = UI.title;
  var provs = allProvinces('province').filter(Boolean).length;
  document.getElementById('page-subtitle').textContent = fmt(UI.subtitle, {
    docs: num(DATA.docs.length), units: num(UNITS.length), provinces: num(provs) });
  document.getElementById('doc-close').textContent = '✕ ' + UI.close;
  document.getElementById('doc-close').addEventListener('click', closeDoc);
  document.getElementById('doc-view').addEventListener('click', function (e) {
    if (e.target === this) closeDoc();
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && S.doc) closeDoc();
  });
  stateFromHash();
  buildFilters();
  syncFilters();
  render();
  document.body.setAttribute('data-ready', '1');
}
init();
})();
