'use strict';
const PAGE = 1000;	/* rows rendered at a time */
const D = parseDump();
const app = document.getElementById('app');
const lazySections = [];	/* lazyDetails(), for #all */

/* The dump's JSON; integers past 2^53 as BigInt, exact. */
function parseDump() {
	const src = document.getElementById('dump').textContent;
	return JSON.parse(src, function (k, v, ctx) {
		if (typeof v === 'number' && !Number.isSafeInteger(v) && ctx &&
		    typeof ctx.source === 'string' && /^-?[0-9]+$/.test(ctx.source))
			return BigInt(ctx.source);
		return v;
	});
}

/* An element: h(tag, {class, text, on<event>, attr...}, children...) */
function h(tag, props) {
	const e = document.createElement(tag);
	for (const k in props || {}) {
		const v = props[k];
		if (v === undefined || v === null || v === false)
			continue;
		if (k === 'text')
			e.textContent = String(v);
		else if (k === 'class')
			e.className = v;
		else if (k.startsWith('on'))
			e.addEventListener(k.slice(2), v);
		else
			e.setAttribute(k, v === true ? '' : String(v));
	}
	for (let i = 2; i < arguments.length; i++)
		add(e, arguments[i]);
	return e;
}

function add(e, c) {
	if (c === undefined || c === null || c === false)
		return;
	if (Array.isArray(c))
		c.forEach(x => add(e, x));
	else if (c instanceof Node)
		e.appendChild(c);
	else
		e.appendChild(document.createTextNode(String(c)));
}

/* Text for markup built as a string (SVG). */
function esc(s) {
	return String(s).replace(/[&<>'"]/g, c => '&#' + c.charCodeAt(0) + ';');
}

function isNum(v) {
	return typeof v === 'number' || typeof v === 'bigint';
}

function isObj(v) {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/* A value as one line of JSON-like text: keys bare, integers exact. */
function compact(v) {
	if (v === null || v === undefined)
		return 'null';
	switch (typeof v) {
	case 'bigint':
	case 'number':
	case 'boolean':
		return String(v);
	case 'string':
		return JSON.stringify(v);
	}
	if (Array.isArray(v))
		return '[' + v.map(compact).join(', ') + ']';
	return '{' + Object.keys(v).map(k => k + ': ' + compact(v[k])).join(', ') + '}';
}

/* A value for a table cell, long ones cut with a button for the rest. */
function val(v, limit) {
	const text = typeof v === 'string' ? v : compact(v);
	const max = limit || 400;
	const span = h('span', {class: 'v'});
	if (text.length <= max) {
		span.textContent = text;
		return span;
	}
	span.textContent = text.slice(0, max) + ' ...';
	const b = h('button', {class: 'more', type: 'button', text: 'all ' + text.length + ' chars'});
	b.addEventListener('click', () => {
		span.textContent = text;
		b.remove();
	});
	return h('span', null, span, b);
}

function big(v) {
	try {
		if (typeof v === 'bigint')
			return v;
		if (typeof v === 'number' && Number.isInteger(v))
			return BigInt(v);
		if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v))
			return BigInt(v);
	} catch (e) {
		/* not a number */
	}
	return null;
}

function fmtBytes(n) {
	n = Number(n);
	const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let i = 0;
	while (n >= 1024 && i < u.length - 1) {
		n /= 1024;
		i++;
	}
	return (i ? n.toFixed(1) : String(n)) + ' ' + u[i];
}

function fmtNs(ns) {
	ns = Number(ns);
	if (ns >= 1e9)
		return (ns / 1e9).toFixed(3) + ' s';
	if (ns >= 1e6)
		return (ns / 1e6).toFixed(3) + ' ms';
	if (ns >= 1e3)
		return (ns / 1e3).toFixed(1) + ' us';
	return ns + ' ns';
}

function badge(text, kind) {
	return h('span', {class: 'badge' + (kind ? ' ' + kind : ''), text: text});
}

/* An object as a two-column table; arrays of objects as tables. */
function kvTable(obj, skip, depth) {
	const keys = Object.keys(obj).filter(k => !skip || !skip.includes(k));
	depth = depth || 0;
	if (keys.length > 4 && keys.every(k => !isObj(obj[k]) && !Array.isArray(obj[k]) && String(obj[k]).length < 80)) {
		/* scalars only: a grid of key value pairs */
		return h('div', {class: 'kvgrid'}, keys.map(k => h('div', {'data-key': k},
			h('span', {class: 'k', text: k}), ' ', val(obj[k]))));
	}
	const t = h('table', {class: 'kv'});
	for (const k of keys) {
		if (skip && skip.includes(k))
			continue;
		const v = obj[k];
		let cell;
		if (Array.isArray(v) && v.length && v.every(isObj))
			cell = objTable(v, 200);
		else if (isObj(v) && depth < 2 && Object.keys(v).length && Object.keys(v).length <= 24)
			cell = kvTable(v, null, depth + 1);
		else
			cell = val(v);
		t.appendChild(h('tr', {'data-key': k}, h('th', {text: k}), h('td', null, cell)));
	}
	return t;
}

/* Rows of objects as a table, a column per key. */
function objTable(rows, cap) {
	const cols = [];
	rows.slice(0, 50).forEach(r => Object.keys(r).forEach(k => {
		if (!cols.includes(k))
			cols.push(k);
	}));
	const t = h('table', null, h('thead', null, h('tr', null, cols.map(c => h('th', {text: c})))));
	const tb = h('tbody');
	rows.slice(0, cap).forEach(r => tb.appendChild(h('tr', null,
		cols.map(c => h('td', isNum(r[c]) ? {class: 'num'} : null, c in r ? val(r[c], 200) : '')))));
	t.appendChild(tb);
	if (rows.length > cap)
		return h('div', null, t, h('div', {class: 'mut', text: (rows.length - cap) + ' more rows not shown'}));
	return t;
}

/*
 * A table rendered PAGE rows at a time, with a filter on each row's text:
 * o.cols, o.rows, o.cells(row) -> cells, o.text(row) -> what the filter
 * matches, o.attrs(row) -> the row's attributes.
 */
function lazyTable(o) {
	const input = h('input', {type: 'search', class: 'filter', placeholder: 'filter: rows containing...', 'aria-label': 'filter rows'});
	const count = h('span', {class: 'count'});
	const tbody = h('tbody');
	const more = h('button', {type: 'button', class: 'showmore'});
	const texts = new Array(o.rows.length);
	let matches = o.rows, shown = 0, timer = 0;
	const wrap = h('div', {class: 'lazy', 'data-rows': o.rows.length},
		h('div', {class: 'bar'}, input, count),
		h('table', null, h('thead', null, h('tr', null, o.cols.map(c => h('th', {text: c})))), tbody),
		more);

	function textOf(i) {
		if (texts[i] === undefined)
			texts[i] = o.text(o.rows[i]).toLowerCase();
		return texts[i];
	}
	function renderMore() {
		const frag = document.createDocumentFragment();
		const end = Math.min(matches.length, shown + PAGE);
		for (; shown < end; shown++) {
			const r = matches[shown];
			frag.appendChild(h('tr', o.attrs ? o.attrs(r) : null, o.cells(r).map(c => h('td', null, c))));
		}
		tbody.appendChild(frag);
		count.textContent = shown + ' of ' + matches.length + ' rows shown' +
			(matches.length !== o.rows.length ? ' (' + o.rows.length + ' before the filter)' : '');
		wrap.dataset.matches = matches.length;
		more.hidden = shown >= matches.length;
		more.textContent = 'show ' + Math.min(PAGE, matches.length - shown) + ' more';
	}
	function apply() {
		const q = input.value.trim().toLowerCase();
		if (!q) {
			matches = o.rows;
		} else {
			matches = [];
			for (let i = 0; i < o.rows.length; i++) {
				if (textOf(i).includes(q))
					matches.push(o.rows[i]);
			}
		}
		tbody.textContent = '';
		shown = 0;
		renderMore();
	}
	input.addEventListener('input', () => {
		clearTimeout(timer);
		timer = setTimeout(apply, o.rows.length > 5000 ? 200 : 0);
	});
	more.addEventListener('click', renderMore);
	wrap.setFilter = s => {
		input.value = s;
		apply();
	};
	apply();
	return wrap;
}

/* A bar a CPU, for a per-CPU value. */
function barSvg(vals, field) {
	const nums = vals.map(Number);
	let max = 0;
	nums.forEach(x => {
		max = Math.max(max, Math.abs(x));
	});
	const n = nums.length;
	const bw = Math.max(1, Math.min(14, Math.floor(240 / Math.max(1, n))));
	const H = 28, W = Math.max(bw * n, 4);
	let s = '<svg class="bars" width="' + W + '" height="' + H + '" viewBox="0 0 ' + W + ' ' + H +
		'" data-values="' + esc(vals.map(String).join(',')) + '"' +
		(field ? ' data-field="' + esc(field) + '"' : '') + '>';
	nums.forEach((x, i) => {
		const bh = x === 0 || !max ? 1 : Math.max(1, Math.round(Math.abs(x) / max * (H - 2)));
		s += '<rect x="' + i * bw + '" y="' + (H - bh) + '" width="' + Math.max(1, bw - 1) +
			'" height="' + bh + '" class="' + (x < 0 ? 'neg' : x === 0 ? 'zero' : 'pos') +
			'" data-cpu="' + i + '" data-value="' + esc(String(vals[i])) + '"><title>cpu ' + i + ': ' +
			esc(String(vals[i])) + '</title></rect>';
	});
	const span = h('span', {class: 'barwrap'});
	span.innerHTML = s + '</svg>';
	return span;
}

/* The numeric leaves of a value, as paths (at most 3 deep). */
function numLeaves(v, path, out) {
	if (out.length >= 8)
		return out;
	if (isNum(v))
		out.push(path);
	else if (isObj(v) && path.length < 3)
		Object.keys(v).forEach(k => numLeaves(v[k], path.concat(k), out));
	return out;
}

function getPath(v, path) {
	for (const k of path) {
		if (!isObj(v))
			return undefined;
		v = v[k];
	}
	return v;
}

/* Per-CPU values: a bar chart, one per numeric field of a struct value. */
function pcpuChart(values) {
	const w = h('div', {class: 'pcpu'});
	if (values.every(isNum)) {
		w.appendChild(barSvg(values, null));
	} else if (values.length && isObj(values[0])) {
		for (const p of numLeaves(values[0], [], [])) {
			const vs = values.map(v => getPath(v, p));
			if (vs.every(isNum))
				w.appendChild(h('div', {class: 'pcf'}, h('span', {class: 'pcl', text: p.join('.')}), barSvg(vs, p.join('.'))));
		}
	}
	return w;
}

/* Bytes of a hex string that are not zero. */
function nonZero(hex) {
	let nz = 0;
	for (let i = 0; i + 1 < hex.length; i += 2) {
		if (hex.charCodeAt(i) !== 48 || hex.charCodeAt(i + 1) !== 48)
			nz++;
	}
	return nz;
}

/* Hex as hexdump -C lines, runs of zero lines as one '*'. */
function hexdump(hex, base) {
	const lines = [];
	let star = false;
	for (let off = 0; off * 2 < hex.length; off += 16) {
		const row = hex.slice(off * 2, off * 2 + 32);
		if (/^0*$/.test(row) && off) {
			if (!star)
				lines.push('*');
			star = true;
			continue;
		}
		star = false;
		let bytes = '', ascii = '';
		for (let i = 0; i < row.length; i += 2) {
			const b = parseInt(row.slice(i, i + 2), 16);
			bytes += row.slice(i, i + 2) + (i === 14 ? '  ' : ' ');
			ascii += b >= 32 && b < 127 ? String.fromCharCode(b) : '.';
		}
		lines.push((base + BigInt(off)).toString(16).padStart(12, '0') + '  ' + bytes.padEnd(50) + '|' + ascii + '|');
	}
	return lines.join('\n');
}

/* The arena's pages: a cell a page (or a group), captured ones shaded. */
function arenaGrid(m) {
	const info = m.info || {};
	const ps = BigInt((D.capture && D.capture.page_size) || 4096);
	const start = big(info.user_vm_start), end = big(info.user_vm_end);
	const ents = m.entries || [];
	let total = start !== null && end !== null && end > start ? Number((end - start) / ps) : ents.length;
	const pages = ents.map(e => {
		const a = big(e.key);
		const hex = typeof e.value === 'string' ? e.value : '';
		return {idx: a !== null && start !== null ? Number((a - start) / ps) : -1, addr: e.key, hex: hex, nz: nonZero(hex)};
	});
	const marks = new Map();
	const markAddr = (addr, cls, why) => {
		const a = big(addr);
		if (a === null || start === null || a < start || (end !== null && a >= end))
			return;
		const i = Number((a - start) / ps);
		if (!marks.has(i))
			marks.set(i, {cls: cls, why: why});
	};
	(D.allocators || []).forEach(al => {
		(al.slots || []).forEach(s => markAddr(s.addr, 'alloc', al.name + ' slot ' + s.index));
		(al.blocks || []).forEach(b => markAddr(b.start, 'alloc', al.name + ' block ' + b.block));
	});
	if (m.arena_globals_at)
		markAddr(m.arena_globals_at, 'glob', 'arena globals');
	const per = Math.max(1, Math.ceil(total / 8192));
	const cells = Math.ceil(total / per);
	const cols = 64, cs = cells > 2048 ? 6 : 11;
	const rows = Math.max(1, Math.ceil(cells / cols));
	const W = cols * cs, H = rows * cs;
	let s = '<svg class="arena" width="' + W + '" height="' + H + '" viewBox="0 0 ' + W + ' ' + H + '">' +
		'<defs><pattern id="ap' + m.index + '" width="' + cs + '" height="' + cs + '" patternUnits="userSpaceOnUse">' +
		'<rect width="' + cs + '" height="' + cs + '" fill="#eef0f4" stroke="#fff"/></pattern></defs>' +
		'<rect width="' + Math.min(W, cells * cs) + '" height="' + cs + '" fill="url(#ap' + m.index + ')"/>' +
		(rows > 1 ? '<rect y="' + cs + '" width="' + W + '" height="' + (H - cs) + '" fill="url(#ap' + m.index + ')"/>' : '');
	const cellsSeen = new Map();
	pages.forEach(p => {
		if (p.idx < 0 || p.idx >= total)
			return;
		const c = Math.floor(p.idx / per);
		const prev = cellsSeen.get(c) || {n: 0, nz: 0, first: p};
		prev.n++;
		prev.nz += p.nz;
		cellsSeen.set(c, prev);
	});
	const psz = Number(ps);
	cellsSeen.forEach((v, c) => {
		const frac = v.nz / (psz * v.n);
		const light = v.nz ? Math.round(62 - 40 * Math.min(1, Math.sqrt(frac))) : 82;
		const x = (c % cols) * cs, y = Math.floor(c / cols) * cs;
		s += '<rect class="pg" x="' + x + '" y="' + y + '" width="' + (cs - 1) + '" height="' + (cs - 1) +
			'" fill="hsl(215,60%,' + light + '%)" data-page="' + c * per + '"><title>' +
			(per > 1 ? 'pages ' + c * per + '-' + (c * per + per - 1) + ': ' + v.n + ' captured, '
				: 'page ' + c * per + ' ' + esc(v.first.addr) + ': ') +
			v.nz + ' bytes not zero</title></rect>';
	});
	marks.forEach((v, i) => {
		const c = Math.floor(i / per);
		if (i >= total)
			return;
		s += '<rect class="' + v.cls + '" x="' + ((c % cols) * cs + 0.75) + '" y="' + (Math.floor(c / cols) * cs + 0.75) +
			'" width="' + (cs - 2.5) + '" height="' + (cs - 2.5) + '"><title>' + esc(v.why) + '</title></rect>';
	});
	const fig = h('figure', {class: 'arena', 'data-captured': pages.length, 'data-total': total});
	const pic = h('div');
	pic.innerHTML = s + '</svg>';
	add(fig, [h('figcaption', null, h('b', {text: pages.length + ' of ' + total + ' pages captured'}),
		' (' + fmtBytes(total * psz) + ' of address space from ' + (info.user_vm_start || '?') + '; a cell is ' +
		(per > 1 ? per + ' pages' : 'a page') + ', darker: more bytes not zero)' +
		(m.nr_omitted ? '; ' + m.nr_omitted + ' pages left out (' + (m.nr_omitted_is || '') + ')' : '')),
		pic,
		h('div', {class: 'legend mut'}, h('span', {style: 'background:hsl(215,60%,40%)'}), 'captured',
			h('span', {style: 'background:hsl(215,60%,82%)'}), 'captured, all zero',
			h('span', {style: 'background:#eef0f4'}), 'not captured',
			h('span', {style: 'border:2px solid #e07b00'}), 'allocator slot or block',
			h('span', {style: 'border:2px solid #b3261e'}), 'arena globals')]);
	return {fig: fig, pages: pages};
}

function arenaEntries(m, pages) {
	return lazyTable({
		cols: ['page', 'address', 'bytes not zero', 'contents'],
		rows: pages,
		text: p => p.idx + ' ' + p.addr,
		attrs: p => ({'data-key': p.addr, 'data-page': p.idx}),
		cells: p => {
			const hex = p.hex;
			const cell = h('span', null, h('code', {text: hex.slice(0, 64) + (hex.length > 64 ? '...' : '')}));
			if (hex.length > 64) {
				const b = h('button', {type: 'button', class: 'more', text: 'hexdump'});
				b.addEventListener('click', () => {
					b.replaceWith(h('pre', {text: hexdump(hex, big(p.addr) || 0n)}));
				});
				cell.appendChild(b);
			}
			return [String(p.idx), h('code', {text: p.addr}), String(p.nz), cell];
		},
	});
}

function entryTable(m) {
	const ents = m.entries || [];
	const pc = ents.some(e => Array.isArray(e.values));
	const hex = e => [e.key_hex !== undefined ? h('div', {class: 'mut mono', text: 'key_hex ' + e.key_hex}) : null,
		e.value_hex !== undefined ? h('div', {class: 'mut mono', text: 'value_hex ' + e.value_hex.slice(0, 256)}) : null];
	return lazyTable({
		cols: pc ? ['key', 'per CPU', 'values (CPU 0, 1, ...)'] : ['key', 'value'],
		rows: ents,
		text: e => compact(e.key) + ' ' + compact(pc ? e.values : e.value),
		attrs: e => ({class: 'entry', 'data-key': compact(e.key).slice(0, 200)}),
		cells: e => pc ? [val(e.key), pcpuChart(e.values || []), h('div', null, val(e.values), hex(e))]
			: [val(e.key), h('div', null, 'value' in e ? val(e.value) : null, hex(e))],
	});
}

/* A <details> whose content is built when first opened (or by #all). */
function lazyDetails(props, summary, build) {
	const d = h('details', props, h('summary', null, summary));
	let body = null;
	d.render = () => {
		if (!body) {
			body = build();
			d.appendChild(body);
		}
		return body;
	};
	d.addEventListener('toggle', () => {
		if (d.open)
			d.render();
	});
	lazySections.push(d);
	return d;
}

function mapBody(m) {
	const b = h('div', {class: 'mapbody'});
	const btf = 'BTF ' + btfText(m);
	b.appendChild(h('div', {class: 'facts'}, 'id ' + m.id + ', key ' + m.key_size + ' B, value ' + m.value_size + ' B, max_entries ' +
		m.max_entries + ', flags ' + m.flags + '; ' + btf + '; ' + m.nr_entries + ' entries captured' +
		(m.nr_omitted ? ', ' + m.nr_omitted + ' left out (' + m.nr_omitted_is + ')' : '') +
		(m.reason ? '; ' + m.reason : '') + (m.in_snapshot ? '; in the snapshot' : '; read live') +
		(m.capture_ns !== undefined ? ', in ' + fmtNs(m.capture_ns) : '')));
	b.appendChild(h('details', null, h('summary', {text: 'every field of the map'}),
		kvTable(m, ['entries', 'info', 'arena_globals', 'arena_globals_at'])));
	if (m.info) {
		b.appendChild(h('h4', {text: 'info'}));
		b.appendChild(kvTable(m.info));
	}
	let pages = null;
	if (m.type === 'arena') {
		const g = arenaGrid(m);
		pages = g.pages;
		b.appendChild(h('h4', {text: 'page occupancy'}));
		b.appendChild(g.fig);
	}
	if (m.arena_globals) {
		b.appendChild(h('h4', {text: 'arena globals at ' + m.arena_globals_at}));
		b.appendChild(kvTable(m.arena_globals));
	}
	b.appendChild(h('h4', {text: 'entries'}));
	b.table = pages ? arenaEntries(m, pages) : entryTable(m);
	b.appendChild(b.table);
	return b;
}

function mapSection(m) {
	return lazyDetails({class: 'map', id: 'map-' + m.index, 'data-name': m.name, 'data-type': m.type},
		[h('span', {class: 'mname', text: m.name}), ' ', badge(m.type),
			' ' + m.nr_entries + ' entries, ' + fmtBytes(m.dump_bytes || 0),
			m.truncated ? badge('truncated', 'warn') : null,
			m.status && m.status !== 'ok' ? badge(m.status, 'bad') : null,
			m.unsupported ? badge('unsupported', 'warn') : null],
		() => mapBody(m));
}

/* A map's BTF types, or why it has none. */
function btfText(m) {
	if (!m.btf)
		return 'none' + (m.btf_missing ? ': ' + m.btf_missing : '');
	return (m.btf.key_type ? m.btf.key_type + ' / ' : '') + m.btf.value_type + (m.btf.from ? ' (' + m.btf.from + ')' : '');
}

function mapRow(m) {
	const omitted = m.nr_omitted ? m.nr_omitted + (m.nr_omitted_is && m.nr_omitted_is !== 'exact' ? ' (' + m.nr_omitted_is + ')' : '') : '';
	const why = m.reason ? h('div', {class: 'mut', text: m.reason}) : null;
	return h('tr', {'data-map': m.name, 'data-index': m.index},
		h('td', {class: 'num', text: m.index}),
		h('td', null, h('a', {href: '#map-' + m.index, text: m.name, onclick: () => openMap(m.index)})),
		h('td', {text: m.type}),
		h('td', {class: 'num', text: m.nr_entries}),
		h('td', {class: 'num', text: omitted}),
		h('td', {class: 'num', title: String(m.dump_bytes), text: fmtBytes(m.dump_bytes || 0)}),
		h('td', {class: 'num', text: m.max_entries}),
		h('td', {class: 'num', text: m.key_size + ' / ' + m.value_size}),
		h('td', {class: 'mono', text: btfText(m)}),
		h('td', {text: m.in_snapshot ? 'yes' : 'no'}),
		h('td', null, m.truncated ? [badge('yes', 'warn'), why] : 'no'),
		h('td', null, m.status === 'ok' ? 'ok' : [badge(m.status || '?', 'bad'), why]));
}

function mapsSection() {
	const maps = D.maps || [];
	const cols = ['#', 'name', 'type', 'entries', 'omitted', 'bytes', 'max_entries', 'key/value size',
		'BTF key / value', 'snapshot', 'truncated', 'status'];
	return h('section', {id: 'maps'}, h('h2', {text: 'Maps (' + maps.length + ')'}),
		h('table', {class: 'maps'}, h('thead', null, h('tr', null, cols.map(c => h('th', {text: c})))),
			h('tbody', null, maps.map(mapRow))),
		h('div', null, h('button', {type: 'button', text: 'open every section', onclick: () => openAll(true)}), ' ',
			h('button', {type: 'button', text: 'close every section', onclick: () => openAll(false)})),
		maps.map(mapSection));
}

function openMap(index) {
	const d = document.getElementById('map-' + index);
	if (!d || !d.render)
		return null;
	const body = d.render();
	d.open = true;
	return body;
}

function openAll(open) {
	lazySections.forEach(d => {
		if (open)
			d.render();
		d.open = open;
	});
}

function exitBox(s) {
	const x = s.exit || {};
	const kind = x.kind_name || String(x.kind);
	const cls = x.kind >= 1024 ? 'err' : x.kind === 0 ? 'none' : '';
	return h('div', {class: 'exit ' + cls, id: 'exit-' + s.index, 'data-sched': s.name},
		h('div', null, h('span', {class: 'kind', text: kind}), ' ', h('span', {class: 'mut', text: '(' + x.kind + ')'}),
			' of ', h('b', {text: s.name}), x.reason ? ': ' + x.reason : ''),
		x.message ? h('div', {class: 'msg', text: x.message}) : h('div', {class: 'mut', text: 'no message'}),
		h('div', {class: 'mut', text: 'exit code ' + x.exit_code + ', on CPU ' + x.exit_cpu}),
		x.backtrace && x.backtrace.length ? h('details', {open: true}, h('summary', {text: 'backtrace (' + x.backtrace.length + ' frames)'}),
			h('pre', {class: 'bt', text: x.backtrace.join('\n')})) : null,
		x.dump ? h('details', null, h('summary', {text: 'sched_ext debug dump (' + x.dump.split('\n').length + ' lines)'}),
			h('pre', {text: x.dump})) : null);
}

/* The capture in a line: when, where, how long, how the maps were copied. */
function captureLine(c) {
	const sn = c.snapshot;
	let t = (c.trigger || '?') + ' capture ' + (c.time || '') + ', kernel ' + (c.kernel_release || '?') + ' ' +
		(c.machine || '') + ', module ' + (c.module_version || '?');
	if (c.nr_online_cpus !== undefined)
		t += ', ' + c.nr_online_cpus + ' of ' + c.nr_possible_cpus + ' CPUs online';
	t += ', dump ' + fmtBytes(c.dump_bytes || 0);
	if (c.duration_ns !== undefined)
		t += ' taken in ' + fmtNs(c.duration_ns);
	if (sn)
		t += ', maps copied ' + (sn.consistent ? 'at one instant (stop_machine, CPUs held ' + fmtNs(sn.held_ns) + ')' : 'live, one by one');
	return t;
}

function header() {
	const c = D.capture || {};
	const S = D.schedulers || [];
	const first = S.find(s => s.exit && s.exit.kind) || S[0];
	const what = first ? first.name + ', ' + (first.exit.kind_name || first.exit.kind) : 'no scheduler';
	const hd = h('header', null, h('h1', {text: 'scxdump: ' + what}),
		h('div', {class: 'cap'}, captureLine(c),
			c.truncated ? badge('truncated: ' + c.bytes_omitted + ' bytes left out', 'warn') : null));
	document.title = 'scxdump: ' + what;
	if (D.salvage) {
		const v = D.salvage;
		hd.appendChild(h('div', {class: 'banner bad', id: 'salvage'}, h('b', {text: 'Damaged dump, salvaged: '}),
			v.records + ' whole records read, to byte ' + v.read_bytes + ' of ' + v.file_bytes + '; ' + v.damage +
			' (stopped by ' + v.stopped_by + ')'));
	}
	if (first)
		hd.appendChild(exitBox(first));
	return hd;
}

function problems() {
	const errs = D.errors || [], abs = D.absent || [];
	if (!errs.length && !abs.length)
		return null;
	return h('section', {id: 'problems'}, h('h2', {text: 'What the capture could not do'}),
		errs.length ? h('div', {class: 'banner'}, h('b', {text: errs.length + ' capture errors'}),
			h('ul', null, errs.map(e => h('li', {text: e.message + ' (errno ' + e.errno + ')'})))) : null,
		abs.length ? h('div', null, h('b', {text: 'Not in this kernel'}),
			h('ul', null, abs.map(a => h('li', null, h('code', {text: a.feature}), ': ' + a.reason)))) : null);
}

function schedTree() {
	const S = D.schedulers || [];
	const nodes = new Map(), roots = [];
	const keyOf = (s, i) => s.id !== undefined ? 'id' + s.id : 'ix' + i;
	S.forEach((s, i) => nodes.set(keyOf(s, i), {s: s, kids: []}));
	S.forEach((s, i) => {
		const n = nodes.get(keyOf(s, i));
		if (s.parent && s.parent.id !== undefined) {
			let p = nodes.get('id' + s.parent.id);
			if (!p) {
				p = {ghost: s.parent, kids: []};
				nodes.set('id' + s.parent.id, p);
				roots.push(p);
			}
			p.kids.push(n);
		} else {
			roots.push(n);
		}
	});
	const li = n => {
		if (n.ghost)
			return h('li', {class: 'sched ghost', 'data-name': n.ghost.name, 'data-id': n.ghost.id},
				h('span', {class: 'sname', text: n.ghost.name}), ' ', badge('id ' + n.ghost.id),
				h('span', {class: 'mut', text: ' parent, not in this dump'}),
				n.kids.length ? h('ul', null, n.kids.map(li)) : null);
		const s = n.s, x = s.exit || {};
		return h('li', {class: 'sched', 'data-name': s.name, 'data-level': s.level, 'data-id': s.id},
			h('a', {href: '#exit-' + s.index}, h('span', {class: 'sname', text: s.name})), ' ',
			s.id !== undefined ? badge('id ' + s.id) : null, ' level ' + s.level,
			s.cgroup ? ', cgroup ' + s.cgroup.path + ' (id ' + s.cgroup.id + ')' : '',
			', ', h('span', {class: 'exitkind', text: x.kind_name || String(x.kind)}),
			', ' + s.nr_maps + ' maps, timeout ' + (s.ops ? s.ops.timeout_ms : '?') + ' ms, ops flags ' + (s.ops ? s.ops.flags : '?'),
			n.kids.length ? h('ul', null, n.kids.map(li)) : null);
	};
	const sec = h('section', {id: 'schedulers'}, h('h2', {text: 'Schedulers'}), h('ul', {class: 'tree'}, roots.map(li)));
	S.forEach(s => {
		sec.appendChild(h('h3', {text: s.name}));
		if (S.length > 1 || s !== (S.find(t => t.exit && t.exit.kind) || S[0]))
			sec.appendChild(exitBox(s));
		if (s.event_counters) {
			const ev = s.event_counters, names = Object.keys(ev);
			const moved = names.filter(k => ev[k] !== 0 && ev[k] !== 0n);
			sec.appendChild(h('details', null, h('summary', {text: 'event counters (' + moved.length + ' of ' + names.length + ' not zero)'}),
				kvTable(Object.fromEntries(moved.concat(names.filter(k => !moved.includes(k))).map(k => [k, ev[k]])))));
		}
		if (s.programs && s.programs.length) {
			const off = s.programs.some(p => p.stats_kept === false) ? ': run counts not kept: sysctl kernel.bpf_stats_enabled=0' : '';
			sec.appendChild(h('details', null, h('summary', {text: 'programs (' + s.programs.length + ')' + off}), objTable(s.programs, 1000)));
		}
		sec.appendChild(h('details', null, h('summary', {text: 'ops'}), kvTable(s.ops || {})));
	});
	return sec;
}

/* A DSQ's id; the built-in ones (bit 63) in hex, as the decoder writes them. */
function dsqId(d) {
	if (typeof d.id === 'bigint' && d.id >= 1n << 63n)
		return '0x' + d.id.toString(16);
	return String(d.id);
}

function cpuTable(cpus) {
	const rows = cpus.map(c => {
		const x = c.scx || {}, b = c.nr_running_by_class || {}, cur = c.curr;
		const masks = ['cpus_to_kick', 'cpus_to_kick_if_idle', 'cpus_to_preempt', 'cpus_to_wait']
			.filter(k => x[k]).map(k => k + ' ' + x[k]).join('; ');
		return h('tr', {'data-cpu': c.cpu},
			h('td', {class: 'num', text: c.cpu}), h('td', {text: c.online ? 'yes' : 'no'}),
			h('td', {class: 'num', text: c.nr_running}),
			h('td', {class: 'num', text: [b.fair, b.rt, b.deadline, b.ext].join(' / ')}),
			h('td', {class: 'num', text: x.nr_running}), h('td', {class: 'num', text: x.flags}),
			h('td', {text: masks}),
			h('td', {text: cur ? cur.pid + ' ' + cur.comm + ' (' + cur.class + ', ' + cur.policy + ', prio ' + cur.prio + ')' : ''}),
			h('td', {class: 'num', text: c.local_dsq ? c.local_dsq.nr : ''}));
	});
	return h('table', {class: 'cpus'}, h('thead', null, h('tr', null,
		['cpu', 'online', 'nr_running', 'fair / rt / dl / ext', 'scx nr_running', 'scx flags', 'kick / preempt / wait', 'running', 'local DSQ']
			.map(c => h('th', {text: c})))), h('tbody', null, rows));
}

function dsqTasks(d) {
	if (!d.tasks || !d.tasks.length)
		return '';
	return h('ol', {class: 'dsqtasks'}, d.tasks.map(t => h('li', {'data-pid': t.pid},
		h('b', {text: t.pid + ' ' + t.comm}), ' vtime ' + t.dsq_vtime + ', slice ' + t.slice + ', weight ' + t.weight +
		(isNum(t.runnable_ms) ? ', runnable ' + t.runnable_ms + ' ms' : ''))));
}

function dsqTable(dsqs) {
	const rows = dsqs.map(d => h('tr', {'data-dsq': dsqId(d), 'data-kind': d.kind},
		h('td', {class: 'num', text: dsqId(d)}), h('td', {text: d.name || ''}), h('td', {text: d.kind}),
		h('td', {class: 'num', text: d.node !== undefined ? 'node ' + d.node : d.cpu >= 0 ? 'cpu ' + d.cpu : ''}),
		h('td', {class: 'num', text: d.nr}),
		h('td', {class: 'num', text: d.listed + (d.not_listed ? ' (+' + d.not_listed + ' not listed)' : '')}),
		h('td', {text: d.vtime_ordered ? 'vtime' : 'fifo'}), h('td', {class: 'num', text: d.seq}),
		h('td', null, dsqTasks(d))));
	return h('table', {class: 'dsqs'}, h('thead', null, h('tr', null,
		['id', 'name', 'kind', 'cpu / node', 'nr', 'listed', 'order', 'seq', 'tasks (queue order)']
			.map(c => h('th', {text: c})))), h('tbody', null, rows));
}

function coreSection() {
	const S = (D.schedulers || []).filter(s => s.core || s.cpus || s.dsqs || s.tasks);
	if (!S.length)
		return null;
	const sec = h('section', {id: 'core'}, h('h2', {text: 'Core state'}));
	S.forEach(s => {
		sec.appendChild(h('h3', {text: s.name}));
		if (s.core)
			sec.appendChild(h('details', null, h('summary', {text: 'read ' + s.core.when + ', ' + s.core.tasks_listed +
				' tasks and ' + s.core.dsqs_listed + ' DSQs listed' +
				(s.core.truncated && s.core.truncated.length ? ', cut by ' + s.core.truncated.join(', ') : '')}),
				kvTable(s.core)));
		if (s.cpus) {
			sec.appendChild(h('h4', {text: 'CPUs'}));
			sec.appendChild(cpuTable(s.cpus));
		}
		if (s.dsqs) {
			sec.appendChild(h('h4', {text: 'DSQs'}));
			sec.appendChild(dsqTable(s.dsqs));
		}
		if (s.tasks) {
			/* the tasks' more (a newer module's): what they ran, their parent */
			const more = s.tasks.some(t => t.runtime_ns !== undefined);
			const cols = ['pid', 'tgid', 'comm', 'state', 'cpu', 'class / policy / prio', 'scx_state', 'ops_state', 'dsq',
				'runnable_ms', 'slice', 'dsq_vtime', 'weight'].concat(more ? ['ran ms', 'switches (vol / invol)', 'parent'] : [],
				['cpus_allowed', 'storage']);
			const cell = (t, c) => {
				if (c === 'dsq')
					return t.dsq ? (t.dsq.name || dsqId(t.dsq)) :
						t.ddsp ? 'direct dispatch to ' + (t.ddsp.dsq_name || t.ddsp.dsq_id) + ' pending' : '';
				if (c === 'ran ms')
					return isNum(t.runtime_ns) ? (Number(t.runtime_ns) / 1e6).toFixed(3) : '';
				if (c === 'switches (vol / invol)')
					return isNum(t.nvcsw) ? t.nvcsw + ' / ' + t.nivcsw : '';
				if (c === 'parent')
					return isNum(t.parent_tgid) ? String(t.parent_tgid) : '';
				if (c === 'class / policy / prio')
					return t.class + ' / ' + t.policy + ' / ' + t.prio;
				if (c === 'storage')
					return t.storage && Object.keys(t.storage).length ? val(t.storage, 300) : '';
				return t[c] === undefined || t[c] === null ? '' : val(t[c], 200);
			};
			sec.appendChild(lazyDetails({class: 'tasks', 'data-sched': s.name},
				'Tasks on sched_ext (' + s.tasks.length + ')', () => lazyTable({
					cols: cols,
					rows: s.tasks,
					text: t => compact(t),
					attrs: t => ({class: 'task', 'data-pid': t.pid}),
					cells: t => cols.map(c => cell(t, c)),
				})));
		}
	});
	return sec;
}

function stallSection() {
	if (!D.stall)
		return null;
	return h('section', {id: 'stall'}, h('h2', {text: 'Stall watch (' + D.stall.kind + ')'}),
		kvTable(D.stall, ['tasks']), D.stall.tasks && D.stall.tasks.length ? objTable(D.stall.tasks, 200) : null);
}

/* A line over the samples; null values break it. */
function spark(vals) {
	const nums = vals.map(v => isNum(v) ? Number(v) : null).filter(v => v !== null);
	const W = 260, H = 30;
	if (!nums.length)
		return '';
	let lo = Math.min(...nums), hi = Math.max(...nums);
	if (hi === lo)
		hi = lo + 1;
	const n = vals.length;
	let pts = '', s = '<svg class="spark" width="' + W + '" height="' + H + '" viewBox="0 0 ' + W + ' ' + H + '">';
	const flush = () => {
		if (pts)
			s += '<polyline points="' + pts + '"/>';
		pts = '';
	};
	vals.forEach((v, i) => {
		if (!isNum(v)) {
			flush();
			return;
		}
		const x = n > 1 ? (i / (n - 1)) * (W - 4) + 2 : W / 2;
		const y = H - 3 - (Number(v) - lo) / (hi - lo) * (H - 6);
		pts += x.toFixed(1) + ',' + y.toFixed(1) + ' ';
	});
	flush();
	const span = h('span');
	span.innerHTML = s + '</svg>';
	return span;
}

function timelineSection() {
	const tl = D.timeline;
	if (!tl)
		return null;
	const sm = tl.samples || [];
	const sec = h('section', {id: 'timeline'}, h('h2', {text: 'Timeline (' + sm.length + ' samples, every ' + tl.interval_ms + ' ms)'}));
	if (sm.length)
		sec.appendChild(h('div', {class: 'facts', text: 'samples ' + sm[0].seq + ' to ' + sm[sm.length - 1].seq + ', from ' +
			sm[0].ms_before_capture + ' ms to ' + sm[sm.length - 1].ms_before_capture + ' ms before this capture'}));
	sec.appendChild(kvTable(tl, ['samples', 'maps']));
	if (tl.maps && tl.maps.length)
		sec.appendChild(objTable(tl.maps, 100));
	const series = new Map();
	const put = (label, group, i, v) => {
		if (!series.has(label))
			series.set(label, {group: group, vals: new Array(sm.length).fill(null)});
		series.get(label).vals[i] = v;
	};
	sm.forEach((x, i) => {
		(x.cpus || []).forEach(c => {
			put('cpu ' + c.cpu + ' nr_running', 0, i, c.nr_running);
			put('cpu ' + c.cpu + ' scx_nr_running', 0, i, c.scx_nr_running);
			put('cpu ' + c.cpu + ' local_dsq_nr', 0, i, c.local_dsq_nr);
		});
		(x.dsqs || []).forEach(d => put('DSQ ' + dsqId(d) + ' (' + d.kind + ') nr', 1, i, d.nr));
		(x.maps || []).forEach(m => (m.entries || []).slice(0, 64).forEach(e => {
			const at = m.name + '[' + compact(e.key) + ']';
			numLeaves(e.value, [], []).forEach(p => put(at + (p.length ? '.' + p.join('.') : ''), 2, i, getPath(e.value, p)));
		}));
		Object.keys(x.events || {}).forEach(k => put(k, 3, i, x.events[k]));
		put('sample duration_ns', 4, i, x.duration_ns);
	});
	const rows = [...series.entries()].filter(([k, v]) => v.group !== 3 || v.vals.some(x => isNum(x) && Number(x) !== 0))
		.sort((a, b) => a[1].group - b[1].group);
	const quiet = series.size - rows.length;
	const t = h('table', {class: 'series'}, h('thead', null, h('tr', null,
		['series', 'over the samples (oldest left)', 'min', 'max', 'last'].map(c => h('th', {text: c})))));
	const tb = h('tbody');
	rows.forEach(([label, v]) => {
		const nums = v.vals.filter(isNum);
		let lo = nums[0], hi = nums[0];
		nums.forEach(x => {
			if (x < lo)
				lo = x;
			if (x > hi)
				hi = x;
		});
		const last = v.vals[v.vals.length - 1];
		tb.appendChild(h('tr', {class: 'series', 'data-label': label, 'data-last': isNum(last) ? String(last) : ''},
			h('td', {class: 'mono', text: label}), h('td', null, lo === hi ? h('span', {class: 'mut', text: 'constant'}) : spark(v.vals)),
			h('td', {class: 'num', text: lo === undefined ? '' : String(lo)}), h('td', {class: 'num', text: hi === undefined ? '' : String(hi)}),
			h('td', {class: 'num', text: isNum(last) ? String(last) : 'absent'})));
	});
	t.appendChild(tb);
	sec.appendChild(t);
	if (quiet)
		sec.appendChild(h('div', {class: 'mut', text: quiet + ' event counters stayed 0 in every sample'}));
	sec.appendChild(lazyDetails(null, 'samples (' + sm.length + ')', () => lazyTable({
		cols: ['seq', 'ms before capture', 'duration', 'faults / cut', 'CPUs (nr_running, scx, local DSQ)', 'DSQs (id: nr)'],
		rows: sm,
		text: x => compact(x),
		attrs: x => ({'data-seq': x.seq}),
		cells: x => [String(x.seq), String(x.ms_before_capture), fmtNs(x.duration_ns), x.faults + ' ' + (x.cut || []).join(','),
			(x.cpus || []).map(c => c.cpu + ': ' + c.nr_running + '/' + c.scx_nr_running + '/' + c.local_dsq_nr).join('  '),
			val((x.dsqs || []).map(d => dsqId(d) + ': ' + d.nr).join('  '), 300)],
	})));
	return sec;
}

/* The event recorder's events: the time of one in ms from the failure. */
function evMs(e) {
	return (Number(e.t_ns) / 1e6).toFixed(6);
}

function evTask(e, key, comm) {
	return e[key] === undefined ? '' : e[key] + (e[comm] !== undefined ? ' ' + e[comm] : '');
}

const EV_SKIP = ['seq', 'cpu', 'ts_ns', 't_ns', 'type', 'pid', 'comm', 'prev_pid', 'prev_comm', 'next_pid', 'next_comm'];

/* CPU lanes over the events' window: what each ran, from its switches; other events as ticks. */
function evLanes(evs, info) {
	const cpus = [...new Set(evs.map(e => e.cpu))].sort((a, b) => a - b);
	if (!cpus.length)
		return '';
	const t0 = Number(evs[0].t_ns), t1 = Math.max(0, Number(evs[evs.length - 1].t_ns));
	const W = 900, L = 60, LH = 18, span = t1 - t0 || 1;
	const x = t => (L + (Number(t) - t0) / span * (W - L - 4)).toFixed(1);
	const hue = pid => (Number(pid) * 47) % 360;
	let s = '<svg class="lanes" width="' + W + '" height="' + (cpus.length * LH + 18) + '" viewBox="0 0 ' + W + ' ' + (cpus.length * LH + 18) + '">';
	cpus.forEach((c, i) => {
		const y = i * LH;
		s += '<text x="2" y="' + (y + 13) + '">CPU ' + esc(c) + '</text>';
		let run = null;
		const close = end => {
			if (run && Number(run.next_pid) > 0)
				s += '<rect class="run" x="' + x(run.t_ns) + '" y="' + (y + 2) + '" width="' + Math.max(0.5, x(end) - x(run.t_ns)).toFixed(1) +
					'" height="' + (LH - 4) + '" style="fill: hsl(' + hue(run.next_pid) + ', 55%, 70%)"><title>' +
					esc(evTask(run, 'next_pid', 'next_comm')) + '</title></rect>';
		};
		evs.filter(e => e.cpu === c).forEach(e => {
			if (e.type === 'switch') {
				close(e.t_ns);
				run = e;
			} else {
				s += '<line class="ev ' + esc(e.type) + '" x1="' + x(e.t_ns) + '" x2="' + x(e.t_ns) + '" y1="' + (y + 1) + '" y2="' + (y + LH - 1) +
					'"><title>' + esc(evMs(e) + ' ms ' + e.type + ' ' + evTask(e, 'pid', 'comm')) + '</title></line>';
			}
		});
		close(info.times_from === 'stop' ? 0 : t1);
	});
	if (info.times_from === 'stop' && t0 <= 0)
		s += '<line class="failure" x1="' + x(0) + '" x2="' + x(0) + '" y1="0" y2="' + (cpus.length * LH) + '"/>';
	s += '<text x="' + L + '" y="' + (cpus.length * LH + 14) + '">' + esc(evMs({t_ns: t0}) + ' ms') + '</text>';
	s += '<text x="' + (W - 4) + '" y="' + (cpus.length * LH + 14) + '" text-anchor="end">' + esc(evMs({t_ns: t1}) + ' ms') + '</text>';
	const span2 = h('div', {class: 'lanes'});
	span2.innerHTML = s + '</svg>';
	return span2;
}

function eventsSection() {
	const info = D.events_info, all = D.events || [];
	if (!info)
		return null;
	const LAST = 500;
	const evs = all.slice(-LAST);
	const sec = h('section', {id: 'events'}, h('h2', {text: 'Events (' + all.length + ')'}));
	sec.appendChild(h('div', {class: 'facts', text: 'times in ms from the ' + (info.times_from === 'stop' ? 'failure (' +
		(info.stop_kind_name || info.stop_kind) + ')' : 'capture (the recording had not stopped)') + ', scheduler load ' + info.enable_seq +
		', ' + info.per_cpu + ' slots per CPU' + (all.length > LAST ? '; the last ' + LAST + ' shown' : '')}));
	sec.appendChild(h('details', null, h('summary', {text: 'per CPU: kept, overwritten, torn; hooks'}),
		objTable(info.cpus || [], 1000), objTable(info.hooks || [], 100)));
	sec.appendChild(evLanes(evs, info));
	const cols = ['ms', 'cpu', 'type', 'task', 'details'];
	const detail = e => Object.keys(e).filter(k => !EV_SKIP.includes(k)).map(k => k + ' ' + compact(e[k])).join(', ');
	const task = e => e.type === 'switch' ? evTask(e, 'prev_pid', 'prev_comm') + ' -> ' + evTask(e, 'next_pid', 'next_comm') : evTask(e, 'pid', 'comm');
	sec.appendChild(lazyTable({
		cols: cols,
		rows: evs,
		text: e => compact(e),
		attrs: e => ({class: 'event ' + e.type, 'data-cpu': e.cpu, 'data-seq': e.seq, 'data-type': e.type}),
		cells: e => [evMs(e), String(e.cpu), e.type, task(e), val(detail(e), 300)],
	}));
	return sec;
}

function allocatorsSection() {
	const al = D.allocators || [];
	if (!al.length)
		return null;
	const sec = h('section', {id: 'allocators'}, h('h2', {text: 'Arena allocators (' + al.length + ')'}));
	al.forEach(a => {
		sec.appendChild(h('h3', {text: a.kind + ' ' + a.name}));
		const d = h('div', {class: 'allocator', 'data-name': a.name, 'data-kind': a.kind});
		d.appendChild(kvTable(a, ['slots', 'blocks']));
		if (a.slots) {
			d.appendChild(lazyDetails({class: 'slots'}, 'live slots (' + a.slots.length + ')', () => lazyTable({
				cols: ['index', 'idx', 'gen', 'addr', 'payload'],
				rows: a.slots,
				text: x => compact(x),
				attrs: x => ({class: 'slot', 'data-index': x.index}),
				cells: x => [String(x.index), String(x.idx), String(x.gen), h('code', {text: x.addr}), val(x.payload)],
			})));
		}
		if (a.blocks) {
			d.appendChild(h('h4', {text: 'blocks (' + a.blocks.length + ')'}));
			d.appendChild(objTable(a.blocks, 1000));
		}
		sec.appendChild(d);
	});
	return sec;
}

function btfSection() {
	const b = D.btf_objects || [];
	return h('section', {id: 'capture'}, h('h2', {text: 'Capture'}), kvTable(D.capture || {}),
		b.length ? h('h4', {text: 'BTF objects'}) : null, b.length ? objTable(b, 1000) : null);
}

/* #all opens every map; #map-N[:filter] opens map N, filtered. */
function followHash() {
	let hs = location.hash.slice(1);
	try {
		hs = decodeURIComponent(hs);
	} catch (e) {
		/* a malformed escape (#map-0:%ZZ): the text as it is */
	}
	if (hs === 'all') {
		openAll(true);
		return;
	}
	const m = /^map-([0-9]+)(?::(.*))?$/.exec(hs);
	if (!m)
		return;
	const body = openMap(m[1]);
	if (!body)
		return;
	if (m[2] !== undefined && body.table)
		body.table.setFilter(m[2]);
	body.parentNode.scrollIntoView();
}

function section(fn) {
	try {
		return fn();
	} catch (e) {
		console.error(e);
		scxdumpError('a section failed: ' + e);
		return h('div', {class: 'banner bad', text: 'this section failed to render: ' + e});
	}
}

const t0 = performance.now();
const parts = [
	section(header), section(problems), section(schedTree), section(mapsSection), section(coreSection),
	section(stallSection), section(timelineSection), section(eventsSection), section(allocatorsSection), section(btfSection)];
const nav = h('nav');
parts.forEach(p => {
	if (p && p.tagName === 'SECTION')
		nav.appendChild(h('a', {href: '#' + p.id, text: p.querySelector('h2').textContent.replace(/ \(.*/, '')}));
});
app.textContent = '';
add(app, [parts[0], nav, h('main', null, parts.slice(1))]);
app.appendChild(h('footer', {text: 'scxdump html: json_version ' + D.json_version + ', dump format ' + D.format_version +
	'. The decoded dump is in this page as JSON: the script element with id dump.'}));
window.addEventListener('hashchange', () => section(followHash));
section(followHash);
document.body.dataset.renderMs = Math.round(performance.now() - t0);
document.body.dataset.ready = '1';
