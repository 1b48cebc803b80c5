#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# gen-seeds.py: writes the generated part of the seed corpora of the fuzz
# targets (tests/fuzz/corpus/fuzz_msg and fuzz_ctl): BGP messages and
# streams as an AWS VGW, BIRD or FRR send them, and control-socket frames
# as vtibgpctl sends them.  Run from the source tree when the formats
# change; the files it writes are committed.  Crash inputs and the text
# corpora (configs, AWS samples) are added by hand.
import os
import socket
import struct
import sys

top = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(top, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


# ---- BGP ---------------------------------------------------------------

def msg(mtype, body):
    return b'\xff' * 16 + struct.pack('!HB', 19 + len(body), mtype) + body


def ip(s):
    return bytes(int(x) for x in s.split('.'))


def cap(code, val=b''):
    return struct.pack('!BB', code, len(val)) + val


def open_msg(asn, hold, bgp_id, caps, one_param_each=False):
    my_as = asn if asn <= 0xffff else 23456
    if one_param_each:
        params = b''.join(struct.pack('!BB', 2, len(c)) + c for c in caps)
    else:
        allc = b''.join(caps)
        params = struct.pack('!BB', 2, len(allc)) + allc
    body = struct.pack('!BHH', 4, my_as, hold) + ip(bgp_id)
    return msg(1, body + struct.pack('!B', len(params)) + params)


MP4 = cap(1, struct.pack('!HBB', 1, 0, 1))
MP6 = cap(1, struct.pack('!HBB', 2, 0, 1))
RR = cap(2)
RR_OLD = cap(128)


def AS4(asn):
    return cap(65, struct.pack('!I', asn))


def GR(time, restarting=False, fwd=True):
    flags = (0x8000 if restarting else 0) | time
    return cap(64, struct.pack('!HHBB', flags, 1, 1, 0x80 if fwd else 0))


def attr(flags, code, val):
    if len(val) > 255:
        return struct.pack('!BBH', flags | 0x10, code, len(val)) + val
    return struct.pack('!BBB', flags, code, len(val)) + val


def seg(stype, asns, four=True):
    fmt = '!I' if four else '!H'
    return struct.pack('!BB', stype, len(asns)) + \
        b''.join(struct.pack(fmt, a) for a in asns)


def pfx(s):
    a, l = s.split('/')
    l = int(l)
    return bytes([l]) + ip(a)[:(l + 7) // 8]


def update(withdrawn=(), attrs=b'', nlri=()):
    w = b''.join(pfx(p) for p in withdrawn)
    n = b''.join(pfx(p) for p in nlri)
    return msg(2, struct.pack('!H', len(w)) + w +
               struct.pack('!H', len(attrs)) + attrs + n)


def std_attrs(path, nh='169.254.249.57', med=100, four=True, extra=b''):
    a = attr(0x40, 1, b'\x00')
    a += attr(0x40, 2, seg(2, path, four) if path else b'')
    a += attr(0x40, 3, ip(nh))
    if med is not None:
        a += attr(0x80, 4, struct.pack('!I', med))
    return a + extra


def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def pfx6(s):
    a, l = s.split('/')
    l = int(l)
    return bytes([l]) + ip6(a)[:(l + 7) // 8]


def mp_reach6(nh, nlri, ll=None):
    hop = ip6(nh) + (ip6(ll) if ll else b'')
    return attr(0x80, 14, struct.pack('!HBB', 2, 1, len(hop)) + hop +
                b'\x00' + b''.join(pfx6(p) for p in nlri))


def mp_unreach6(withdrawn):
    return attr(0x80, 15, struct.pack('!HB', 2, 1) +
                b''.join(pfx6(p) for p in withdrawn))


def notification(code, sub, data=b''):
    return msg(3, bytes([code, sub]) + data)


KEEPALIVE = msg(4, b'')
EOR = update()

aws_open = open_msg(64512, 30, '169.254.249.57', [MP4, RR_OLD, RR, AS4(64512)])
bird_open = open_msg(64512, 90, '10.0.0.1', [
    MP4, RR, cap(6), cap(70), GR(120, fwd=True), AS4(64512),
    cap(69, struct.pack('!HBB', 1, 1, 1)), cap(71), cap(73, b'\x03vgw\x00')])
frr_open = open_msg(4200000000, 9, '192.0.2.1',
                    [MP4, RR, AS4(4200000000), GR(5, restarting=True)],
                    one_param_each=True)
old_open = open_msg(7224, 180, '169.254.249.61', [])
aws_update = update(attrs=std_attrs([64512]), nlri=['10.10.0.0/16'])
many = ['10.10.%d.0/24' % i for i in range(200)]
big_update = update(attrs=std_attrs([64512, 64512, 64512]), nlri=many)
as2_update = update(
    attrs=std_attrs([23456, 65001], four=False) +
    attr(0xc0, 17, seg(2, [4200000000, 65001])), nlri=['10.20.0.0/16'])
set_update = update(
    attrs=attr(0x40, 1, b'\x02') +
    attr(0x40, 2, seg(2, [64512, 65010]) + seg(1, [65020, 65021, 65022])) +
    attr(0x40, 3, ip('169.254.249.57')) +
    attr(0x40, 5, struct.pack('!I', 200)) + attr(0x40, 6, b'') +
    attr(0xc0, 7, struct.pack('!I', 65010) + ip('10.1.1.1')) +
    attr(0xc0, 8, struct.pack('!III', 0xfde80064, 0xffffff01, 7224 << 16)) +
    attr(0xc0, 99, b'unknown transitive'),
    nlri=['10.30.0.0/16', '10.31.128.0/17', '0.0.0.0/0', '10.32.1.1/32'])
mp_update = update(
    attrs=attr(0x40, 1, b'\x00') + attr(0x40, 2, seg(2, [64512])) +
    attr(0x80, 14, struct.pack('!HBB', 1, 1, 4) + ip('169.254.249.57') +
         b'\x00' + pfx('10.40.0.0/16') + pfx('10.41.0.0/24')) +
    attr(0x80, 15, struct.pack('!HB', 1, 1) + pfx('10.42.0.0/16')))
withdraw = update(withdrawn=['10.10.0.0/16', '10.11.0.0/16', '10.12.3.0/24'])
bad_attr_len = update(
    attrs=attr(0x40, 1, b'\x00') + attr(0x40, 2, seg(2, [64512])) +
    attr(0x40, 3, ip('169.254.249.57')) + attr(0x80, 4, b'\x00\x00\x64'),
    nlri=['10.10.0.0/16'])
bad_origin = update(attrs=std_attrs([64512]).replace(
    b'\x40\x01\x01\x00', b'\x40\x01\x01\x07'), nlri=['10.10.0.0/16'])
shutdown = 'maintenance: tunnel 1 \u2014 back at 02:00'.encode()
cease = notification(6, 2, bytes([len(shutdown)]) + shutdown)
reset = notification(6, 4, b'\x00')
hold = notification(4, 0)
bad_as = notification(2, 2, struct.pack('!H', 64512))
maxpfx = notification(6, 1, struct.pack('!HBI', 1, 1, 1000))
refresh = msg(5, struct.pack('!HBB', 1, 0, 1))
refresh6 = msg(5, struct.pack('!HBB', 2, 0, 1))
borr_long = msg(5, struct.pack('!HBBB', 1, 1, 1, 0))     # RFC 7313 5
refresh_unknown = msg(5, struct.pack('!HBBI', 1, 7, 1, 0))
# IPv6 over a TGW connection (RFC 4760, RFC 2545): MP_REACH first
tgw_open = open_msg(64512, 30, '169.254.249.57',
                    [MP6, RR, AS4(64512)])
dual_open = open_msg(64512, 90, '10.0.0.1', [
    MP4, MP6, RR, AS4(64512),
    cap(64, struct.pack('!HHBBHBB', 120, 1, 1, 0x80, 2, 1, 0x80))])
path6 = attr(0x40, 1, b'\x00') + attr(0x40, 2, seg(2, [64512])) + \
    attr(0x80, 4, struct.pack('!I', 100))
upd6 = update(attrs=mp_reach6('fd00:1::1', ['2001:db8:10::/48',
                                            '2001:db8:11::/56', '::/0']) +
              path6)
upd6_ll = update(attrs=mp_reach6('fd00:1::1', ['2001:db8:10::/48'],
                                 ll='fe80::1') + path6)
upd6_ll_only = update(attrs=mp_reach6('::', ['2001:db8:10::/48'],
                                      ll='fe80::1') + path6)
upd6_wd = update(attrs=mp_unreach6(['2001:db8:10::/48', '2001:db8::1/128']))
eor6 = update(attrs=mp_unreach6([]))
upd6_dual = update(attrs=mp_reach6('fd00:1::1', ['2001:db8:10::/48']) +
                   path6 + attr(0x40, 3, ip('169.254.249.57')),
                   nlri=['10.10.0.0/16'])
upd6_bad_nh = update(attrs=attr(0x80, 14, struct.pack('!HBB', 2, 1, 4) +
                                ip('169.254.249.57') + b'\x00' +
                                pfx6('2001:db8:10::/48')) + path6)
upd6_bad_len = update(attrs=attr(0x80, 14, struct.pack('!HBB', 2, 1, 16) +
                                 ip6('fd00:1::1') + b'\x00\x81' +
                                 b'\x20' * 17) + path6)
upd6_no_origin = update(attrs=mp_reach6('fd00:1::1', ['2001:db8:10::/48']) +
                        attr(0x40, 2, seg(2, [64512])))

seeds = {
    'open-aws': aws_open, 'open-bird': bird_open, 'open-frr-as4': frr_open,
    'open-no-caps': old_open, 'keepalive': KEEPALIVE,
    'update-aws': aws_update, 'update-200-prefixes': big_update,
    'update-as2-as4path': as2_update, 'update-set-attrs': set_update,
    'update-mp-reach': mp_update, 'update-withdraw': withdraw,
    'update-eor': EOR, 'update-bad-med-len': bad_attr_len,
    'update-bad-origin': bad_origin,
    'notification-shutdown': cease, 'notification-reset': reset,
    'notification-hold': hold, 'notification-bad-as': bad_as,
    'notification-max-prefix': maxpfx,
    'refresh': refresh, 'refresh-ipv6': refresh6,
    'refresh-borr-long': borr_long, 'refresh-unknown-subtype': refresh_unknown,
    'open-tgw-ipv6': tgw_open, 'open-dual-stack': dual_open,
    'update6-mp-reach': upd6, 'update6-nexthop-32': upd6_ll,
    'update6-nexthop-link-local': upd6_ll_only,
    'update6-mp-unreach': upd6_wd, 'update6-eor': eor6,
    'update6-with-ipv4': upd6_dual, 'update6-bad-nexthop-len': upd6_bad_nh,
    'update6-prefix-129': upd6_bad_len,
    'update6-missing-origin': upd6_no_origin,
    'stream-tgw-ipv6-session': tgw_open + KEEPALIVE + upd6 + upd6_ll +
    eor6 + KEEPALIVE + upd6_wd + KEEPALIVE,
    'stream-aws-session': aws_open + KEEPALIVE + aws_update + EOR +
    KEEPALIVE + withdraw + KEEPALIVE + cease,
    'stream-bird-session': bird_open + KEEPALIVE + set_update + mp_update +
    EOR + refresh + KEEPALIVE,
    'stream-cut': aws_open + KEEPALIVE + aws_update[:30],
    'stream-bad-marker': KEEPALIVE + b'\xfe' + KEEPALIVE[1:],
    'stream-bad-length': KEEPALIVE + KEEPALIVE[:16] + b'\x00\x12\x04',
    'stream-bad-type': KEEPALIVE + msg(9, b''),
}
for name, data in seeds.items():
    write('fuzz_msg', name, data)

# ---- control frames ------------------------------------------------------

def pb_str(field, s):
    b = s.encode()
    return bytes([field << 3 | 2, len(b)]) + b


def pb_u32(field, v):
    out = bytes([field << 3])
    while True:
        x = v & 0x7f
        v >>= 7
        if v:
            out += bytes([x | 0x80])
        else:
            return out + bytes([x])


def frame(method, rid, payload=b'', flags=0):
    return struct.pack('!III', method | flags, rid, len(payload)) + payload


SUMMARY, NEIGHBOR, ROUTES, WATCH, SHUT, ENABLE, RESET, REFRESH, DRILL, \
    DRILLS, METRICS, RELOAD = range(12)
ctl = {
    'summary': frame(SUMMARY, 1),
    'neighbor': frame(NEIGHBOR, 2, pb_str(1, '169.254.249.57')),
    'neighbor-iface': frame(NEIGHBOR, 3, pb_str(1, 'vti1')),
    'routes': frame(ROUTES, 4, pb_str(1, '10.10.0.0/16')),
    'routes-page': frame(ROUTES, 5, pb_str(1, '10.10.1.1') +
                         pb_str(2, '10.10.0.0/16') + pb_u32(3, 500)),
    'watch': frame(WATCH, 6, pb_str(1, 'vti0')),
    'watch-all': frame(WATCH, 7),
    'shutdown': frame(SHUT, 8, pb_str(1, 'vti0') +
                      pb_str(2, 'maintenance window')),
    'enable': frame(ENABLE, 9, pb_str(1, 'vti0')),
    'reset': frame(RESET, 10, pb_str(1, '169.254.249.61')),
    'refresh': frame(REFRESH, 11, pb_str(1, 'vti1')),
    'drill': frame(DRILL, 12, pb_str(1, 'vti0') + pb_str(2, '10.10.0.10') +
                   pb_u32(3, 30)),
    'drills': frame(DRILLS, 13),
    'metrics': frame(METRICS, 14),
    'reload': frame(RELOAD, 15),
    'unknown-method': frame(77, 16),
    'bad-payload': frame(NEIGHBOR, 17, b'\x0a\x40abc'),
    'flags-in-request': frame(SUMMARY, 18, flags=0x20000000),
    'too-large': struct.pack('!III', SUMMARY, 19, 0x100001),
    'cut-header': frame(SUMMARY, 20)[:7],
    'cut-payload': frame(NEIGHBOR, 21, pb_str(1, 'vti0'))[:14],
    'session': frame(WATCH, 1) + frame(SUMMARY, 2) +
    frame(NEIGHBOR, 3, pb_str(1, 'vti0')) + frame(METRICS, 4) +
    frame(ROUTES, 5) + frame(77, 6) + frame(SHUT, 7, pb_str(1, 'vti0')),
    'many-watches': b''.join(frame(WATCH, i) for i in range(40)),
}
for name, data in ctl.items():
    write('fuzz_ctl', name, data)
