#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# DOM queries for tests/dumps/test-html.sh: see there.
import os, re, sys
from html.parser import HTMLParser
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
BLOCK = {'div', 'p', 'pre', 'li', 'ul', 'ol', 'td', 'th', 'tr', 'table', 'thead', 'tbody', 'details', 'summary',
         'section', 'header', 'nav', 'main', 'figure', 'figcaption', 'h1', 'h2', 'h3', 'h4', 'br', 'svg', 'title', 'button'}
class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.kids = tag, dict(attrs), parent, []
    def raw(self):
        return ''.join(k if isinstance(k, str) else k.raw() if k.tag not in BLOCK else ' ' + k.raw() + ' ' for k in self.kids)
    def text(self):
        if self.tag == 'tr':
            return ' | '.join(k.text() for k in self.kids if not isinstance(k, str) and k.tag in ('td', 'th'))
        return re.sub(r'[ \t\n\r\f]+', ' ', self.raw()).strip()
class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node('#root', [], None)
    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.kids.append(n)
        if tag not in VOID:
            self.cur = n
    def handle_startendtag(self, tag, attrs):
        self.cur.kids.append(Node(tag, attrs, self.cur))
    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent
    def handle_data(self, d):
        self.cur.kids.append(d)
def steps(sel):
    for part in re.findall(r'(?:[^\s\[]|\[[^\]]*\])+', sel):
        m = re.match(r'^([a-z0-9]*)((?:[#.][\w-]+|\[[\w-]+(?:="[^"]*")?\])*)$', part)
        if not m:
            sys.exit('bad selector step: ' + part)
        yield m.group(1), re.findall(r'([#.])([\w-]+)|\[([\w-]+)(?:="([^"]*)")?\]', m.group(2))
def matches(n, tag, conds):
    if tag and n.tag != tag:
        return False
    for kind, name, attr, v in conds:
        if kind == '#' and n.attrs.get('id') != name:
            return False
        if kind == '.' and name not in (n.attrs.get('class') or '').split():
            return False
        if attr and (attr not in n.attrs or (v and n.attrs[attr] != v)):
            return False
    return True
def below(n):
    for k in n.kids:
        if not isinstance(k, str):
            yield k
            yield from below(k)
trees = {}
def tree(path):
    key = (path, os.path.getmtime(path))
    if key not in trees:
        html = open(path, encoding='utf-8').read()
        html = re.sub(r'(<script type="application/json" id="dump">).*?(</script>)', r'\1\2', html, flags=re.S)
        t = Tree()
        t.feed(html)
        trees[key] = t.root
    return trees[key]
def query(path, sel):
    attr = None
    if '@' in sel and not sel.endswith(']'):
        sel, attr = sel.rsplit('@', 1)
    cur = [tree(path)]
    for tag, conds in steps(sel):
        seen, nxt = set(), []
        for c in cur:
            for n in below(c):
                if id(n) not in seen and matches(n, tag, conds):
                    seen.add(id(n))
                    nxt.append(n)
        cur = nxt
    return [n.attrs.get(attr, '') if attr else n.text() for n in cur]
for line in sys.stdin:
    path, sel = line.rstrip('\n').split('\t', 1)
    try:
        for r in query(path, sel):
            print(r)
    except Exception as e:
        print('domq: %s: %s' % (sel, e), file=sys.stderr)
    print('\x1e', flush=True)
