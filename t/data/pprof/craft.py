#!/usr/bin/env python3
# craft.py CASE > FILE: writes a pprof profile (plain profile.proto, not
# gzipped) that shows one feature or one defect, for t/2800-fold-pprof.t.
# The encoder is the protobuf wire format in a few lines (varints and
# length-delimited fields), independent of prof's: field numbers from
# pprof's profile.proto.  The cases are at the end; each says what it is.
import sys


def varint(v):
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, value):
    """An int (varint), bytes or str (length-delimited) or list (repeated)."""
    if isinstance(value, list):
        return b''.join(field(num, v) for v in value)
    if isinstance(value, int):
        return varint(num << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(num << 3 | 2) + varint(len(value)) + value


def msg(*fields):
    return b''.join(field(n, v) for n, v in fields if v is not None)


class Profile:
    def __init__(self):
        self.strings = ['']
        self.parts = []

    def s(self, text):
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)

    def sample_type(self, type, unit):
        self.parts.append((1, msg((1, self.s(type)), (2, self.s(unit)))))

    def sample(self, locs, values, labels=()):
        ls = []
        for k, v in labels:
            if isinstance(v, tuple):
                ls.append(msg((1, self.s(k)), (3, v[0]), (4, self.s(v[1]))))
            else:
                ls.append(msg((1, self.s(k)), (2, self.s(v))))
        self.parts.append((2, msg((1, list(locs)), (2, list(values)), (3, ls))))

    def mapping(self, id, start, limit, offset, file, has_functions=0):
        self.parts.append((3, msg((1, id), (2, start), (3, limit), (4, offset),
                                  (5, self.s(file)), (7, has_functions))))

    def location(self, id, mapping=0, address=0, lines=()):
        self.parts.append((4, msg((1, id), (2, mapping), (3, address),
                                  (4, [msg((1, f), (2, l)) for f, l in lines]))))

    def function(self, id, name, file='', line=0):
        self.parts.append((5, msg((1, id), (2, self.s(name)), (3, self.s(name)),
                                  (4, self.s(file)), (5, line))))

    def raw(self, num, value):
        self.parts.append((num, value))

    def bytes(self, strings=None):
        body = b''.join(field(n, v) for n, v in self.parts)
        return body + field(6, self.strings if strings is None else strings)


def features():
    """Two sample types (default: the first, by default_sample_type),
    labels (a string and a number), a location with an inlined function,
    a location without a function (MODULE+0xOFFSET), one without a
    mapping either ([unknown]), names with ';', a newline and a tab."""
    p = Profile()
    p.sample_type('alloc_objects', 'count')
    p.sample_type('alloc_space', 'bytes')
    p.raw(14, p.s('alloc_objects'))
    p.mapping(1, 0x400000, 0x500000, 0x1000, '/usr/bin/app', 1)
    p.mapping(2, 0x7f0000000000, 0x7f0000100000, 0, '/usr/lib/libz.so.1')
    p.function(1, 'main', 'app.c', 3)
    p.function(2, 'parse', 'parse.c', 10)
    p.function(3, 'next_token', 'lex.h', 1)
    p.function(4, 'odd;name\nwith\ttab', 'odd.c')
    p.location(1, 1, 0x401000, [(1, 5)])
    p.location(2, 1, 0x402000, [(3, 7), (2, 42)])   # next_token inlined into parse
    p.location(3, 2, 0x7f0000001234)                # no function
    p.location(4, 0, 0x1234)                        # no mapping either
    p.location(5, 1, 0x403000, [(4, 0)])
    p.sample([2, 1], [3, 300], [('request', 'GET /a'), ('bytes', (64, 'bytes'))])
    p.sample([3, 1], [2, 200], [('request', 'POST /b')])
    p.sample([4, 1], [1, 100])
    p.sample([5, 1], [0, 50])     # 0 objects: skipped, 50 bytes counted
    return p.bytes()


def cpu():
    """A CPU profile as Go writes one: samples/count and cpu/nanoseconds,
    no default (the last is counted), a period, start and duration, a
    comment, drop_frames."""
    p = Profile()
    p.sample_type('samples', 'count')
    p.sample_type('cpu', 'nanoseconds')
    p.function(1, 'main.main', 'main.go')
    p.function(2, 'main.work', 'main.go')
    p.location(1, 0, 0, [(1, 10)])
    p.location(2, 0, 0, [(2, 20)])
    p.sample([2, 1], [3, 30000000])
    p.sample([1], [1, 10000000])
    p.raw(7, p.s('runtime\\..*'))
    p.raw(9, 1700000000 * 10**9)
    p.raw(10, 2500000000)
    p.raw(11, msg((1, p.s('cpu')), (2, p.s('nanoseconds'))))
    p.raw(12, 10000000)
    p.raw(13, [p.s('built by craft.py')])
    return p.bytes()


def micro():
    """Values in microseconds and kilobytes are made nanoseconds, bytes."""
    p = Profile()
    p.sample_type('wall', 'microseconds')
    p.function(1, 'f')
    p.location(1, 0, 0, [(1, 0)])
    p.sample([1], [7])
    return p.bytes()


def empty_stack():
    """A sample without locations: a stack of one empty frame."""
    p = Profile()
    p.sample_type('samples', 'count')
    p.sample([], [4])
    return p.bytes()


# Defects: each must be refused with its reason.
def bad_location():
    p = Profile()
    p.sample_type('samples', 'count')
    p.sample([5], [1])
    return p.bytes()


def bad_string():
    p = Profile()
    p.sample_type('samples', 'count')
    p.parts.append((5, msg((1, 1), (2, 99))))
    p.location(1, 0, 0, [(1, 0)])
    p.sample([1], [1])
    return p.bytes()


def bad_function():
    p = Profile()
    p.sample_type('samples', 'count')
    p.location(1, 0, 0, [(7, 0)])
    p.sample([1], [1])
    return p.bytes()


def bad_mapping():
    p = Profile()
    p.sample_type('samples', 'count')
    p.location(1, 3, 0x10)
    p.sample([1], [1])
    return p.bytes()


def negative():
    p = Profile()
    p.sample_type('samples', 'count')
    p.function(1, 'f')
    p.location(1, 0, 0, [(1, 0)])
    p.sample([1], [-5])
    return p.bytes()


def values():
    p = Profile()
    p.sample_type('samples', 'count')
    p.function(1, 'f')
    p.location(1, 0, 0, [(1, 0)])
    p.sample([1], [1, 2])
    return p.bytes()


def duplicate():
    p = Profile()
    p.sample_type('samples', 'count')
    p.function(1, 'f')
    p.location(3, 0, 0, [(1, 0)])
    p.location(3, 0, 0, [(1, 0)])
    p.sample([3], [1])
    return p.bytes()


def no_empty_string():
    p = Profile()
    p.sample_type('samples', 'count')
    return p.bytes(strings=['x'])


def wire():
    """A Profile field with the wrong wire type, after a good start."""
    p = Profile()
    p.sample_type('samples', 'count')
    return p.bytes() + varint(2 << 3 | 0) + varint(7)


def cut():
    """A length that runs past the end."""
    return features()[:-5]


if __name__ == '__main__':
    sys.stdout.buffer.write(globals()[sys.argv[1]]())
