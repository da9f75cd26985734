#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the netlink spec (docs/netlink/flowsess.yaml) against the uapi
header (kmod/uapi/flowsess.h), the one definition of the wire format:
the family's name, every command, attribute set, attribute, type and enum
value must agree, in order (order is value).

    check_spec.py [SPEC [HEADER]]

Prints what disagrees; exits 1 if anything does."""
import os
import re
import sys

import yaml


def enums(text):
    """{name: [(entry, comment)]} of each enum in a C header, __*_MAX aside."""
    res = {}
    for m in re.finditer(r'enum (\w+) \{\n(.*?)\n\};', text, re.S):
        entries, incomment = [], False
        for line in m.group(2).split('\n'):
            s = line.strip()
            if incomment:
                incomment = '*/' not in s
                continue
            if s.startswith('/*'):
                incomment = '*/' not in s
                continue
            mm = re.match(r'(\w+),?\s*(?:/\*\s*(.*?)\s*(\*/)?)?$', s)
            if not mm:
                continue
            if mm.group(2) is not None and mm.group(3) is None:
                incomment = True
            if not mm.group(1).startswith('__'):
                entries.append((mm.group(1), mm.group(2) or ''))
        res[m.group(1)] = entries
    return res


def cname(prefix, name):
    return (prefix + name).upper().replace('-', '_')


def header_type(comment):
    """The type a header comment starts with: "u8, 0 or 1" is u8."""
    m = re.match(r'(u8|u16|u32|u64|be16|binary|flag|nest)\b', comment)
    return m.group(1) if m else None


def numbered(entries, first):
    """Each entry's value as YNL numbers them: its 'value', else one more
    than the entry before, @first for the first."""
    values, nxt = [], first
    for e in entries:
        v = e.get('value', nxt) if isinstance(e, dict) else nxt
        values.append(v)
        nxt = v + 1
    return values


def spec_type(attr):
    t = attr.get('type')
    if t == 'u16' and attr.get('byte-order') == 'big-endian':
        return 'be16'
    return t


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else 'docs/netlink/flowsess.yaml'
    header_path = sys.argv[2] if len(sys.argv) > 2 else 'kmod/uapi/flowsess.h'
    spec = yaml.safe_load(open(spec_path))
    text = open(header_path).read()
    header = enums(text)
    defines = dict(re.findall(r'#define (\w+)[ \t]+(\S+)', text))
    errors = []

    def enum_of(prefix):
        """The header's enum whose entries carry @prefix, and no longer
        prefix in common (FLOWSESS_TCP_ is tcp_state's, not tcp_peer's)."""
        p = cname(prefix, '')
        found = [(len(os.path.commonprefix([e[0] for e in entries])), name, entries)
                 for name, entries in header.items()
                 if entries and all(e[0].startswith(p) for e in entries)]
        if found:
            _, name, entries = min(found)
            return name, entries
        errors.append('no enum in the header for prefix %s' % p)
        return None, []

    def same(what, want, got):
        if want == got:
            return
        if isinstance(want, list) and isinstance(got, list):
            i = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b),
                     min(len(want), len(got)))
            want = want[i] if i < len(want) else '(nothing)'
            got = got[i] if i < len(got) else '(nothing)'
            what = '%s, at %d' % (what, i)
        errors.append('%s: the header has %s, the spec %s' % (what, want, got))

    same('family name', defines.get(cname('', spec['c-family-name'])),
         '"%s"' % spec['name'])
    if cname('', spec['c-version-name']) not in defines:
        errors.append('no %s in the header' % cname('', spec['c-version-name']))

    enum_names = set()
    for d in spec.get('definitions', []):
        enum_names.add(d['name'])
        _, entries = enum_of(d['name-prefix'])
        same('enum %s' % d['name'], [e[0] for e in entries],
             [cname(d['name-prefix'], x) for x in d['entries']])

    set_names = {s['name'] for s in spec['attribute-sets']}
    for aset in spec['attribute-sets']:
        prefix = aset['name-prefix']
        _, entries = enum_of(prefix)
        attrs = aset['attributes']
        same('attribute set %s' % aset['name'], [e[0] for e in entries],
             [cname(prefix, a['name']) for a in attrs])
        # Attribute sets count from 1 unless told (YNL's nlspec).
        same('values of attribute set %s' % aset['name'], list(range(len(entries))),
             numbered(attrs, 1))
        for (cn, comment), a in zip(entries, attrs):
            if a['name'] == 'unspec':
                want = 'unused'
            elif a['name'] == 'pad':
                want = 'pad'
            elif aset['name'] == 'stats':
                want = 'u64'	# "a nest of one u64 per enum flowsess_stat"
            else:
                want = header_type(comment)
            same('type of %s' % cn, want, spec_type(a))
            if a.get('type') == 'nest' and a.get('nested-attributes') not in set_names:
                errors.append('%s: no attribute set %s' % (cn, a.get('nested-attributes')))
            if 'enum' in a and a['enum'] not in enum_names:
                errors.append('%s: no enum %s' % (cn, a['enum']))
            m = re.search(r'enum (\w+)', comment)
            if m and not comment.startswith('nest') and 'enum' not in a:
                errors.append('%s: the header says enum %s, the spec no enum' % (cn, m.group(1)))

    ops = [o for o in spec['operations']['list'] if isinstance(o, dict)]
    same('commands', [e[0] for e in header['flowsess_cmd']],
         [cname('flowsess-cmd-', o['name']) for o in ops])
    same('values of the commands', list(range(len(header['flowsess_cmd']))),
         numbered(ops, 1))
    by_set = {s['name']: {a['name'] for a in s['attributes']} for s in spec['attribute-sets']}
    for o in ops:
        for kind in ('do', 'dump', 'event'):
            part = o.get(kind) or {}
            for sub in ([part] if kind == 'event' else [part.get('request') or {}, part.get('reply') or {}]):
                for a in sub.get('attributes', []):
                    if a not in by_set.get(o.get('attribute-set'), ()):
                        errors.append('%s: no attribute %s in set %s' % (o['name'], a, o.get('attribute-set')))

    for g in spec.get('mcast-groups', {}).get('list', []):
        same('multicast group %s' % g['name'], defines.get(cname('flowsess-mcgrp-', g['name'])),
             '"%s"' % g['name'])

    for e in errors:
        print('%s: %s' % (spec_path, e))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
