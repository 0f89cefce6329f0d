// Pure parts of the lab: ping parsing and gap finding, the advertised skew, the devd line.
import { describe, expect, it } from 'vitest';
import { firstReplyFrom, longestGap, parsePingLine, sendRate, type PingReply } from './ping.js';
import { devdLine } from './standins/carp-events.mjs';
import { demotedAdvskew } from './standins/common.mjs';

describe('parsePingLine', () => {
  it('reads time, seq, ttl and the answering router from iputils -D output', () => {
    expect(parsePingLine('[1732528000.123456] 64 bytes from 203.0.113.10: icmp_seq=12 ttl=65 time=0.045 ms')).toEqual({
      at: 1732528000123,
      seq: 12,
      ttl: 65,
      router: 'rb',
    });
  });

  it('ignores no-answer lines, the header and the summary', () => {
    expect(parsePingLine('[1732528000.123456] no answer yet for icmp_seq=13')).toBeNull();
    expect(parsePingLine('PING 203.0.113.10 (203.0.113.10) from 203.0.113.1 : 56(84) bytes of data.')).toBeNull();
    expect(parsePingLine('3 packets transmitted, 3 received, 0% packet loss, time 20ms')).toBeNull();
  });

  it('leaves the router null for a TTL no lab router uses', () => {
    expect(parsePingLine('[1.0] 64 bytes from 203.0.113.10: icmp_seq=1 ttl=7 time=1 ms')?.router).toBeNull();
  });
});

describe('longestGap / firstReplyFrom', () => {
  const reply = (at: number, seq: number, router: 'ra' | 'rb'): PingReply => ({ at, seq, ttl: 0, router });
  const replies = [reply(0, 1, 'ra'), reply(10, 2, 'ra'), reply(20, 3, 'ra'), reply(3020, 303, 'rb'), reply(3030, 304, 'rb')];

  it('finds the outage and counts the lost requests', () => {
    expect(longestGap(replies)).toMatchObject({ gapMs: 3000, lost: 299, lastBefore: { seq: 3 }, firstAfter: { seq: 303 } });
  });

  it('only looks at gaps that end after `since`', () => {
    expect(longestGap(replies, 3025)?.gapMs).toBe(10);
    expect(longestGap([])).toBeNull();
  });

  it('measures the rate ping really sent at, from sequence numbers (58/s on a busy machine, not 100/s)', () => {
    const slow = Array.from({ length: 59 }, (_, i) => reply(Math.round((i * 1000) / 58), i + 1, 'ra'));
    expect(sendRate(slow)).toBeCloseTo(58, 0);
    expect(sendRate(replies)).toBeCloseTo(100, 0);
    expect(sendRate([])).toBe(0);
  });

  it('finds the first reply through a router after a time', () => {
    expect(firstReplyFrom(replies, 'rb', 0)?.seq).toBe(303);
    expect(firstReplyFrom(replies, 'ra', 25)).toBeUndefined();
  });
});

describe('demotedAdvskew (ip_carp.c DEMOTE_ADVSKEW)', () => {
  it.each([
    [0, 0, 0],
    [100, 0, 100],
    [0, 240, 240],
    [100, 240, 240],
    [100, -50, 50],
    [0, -10, 0],
  ])('advskew %i with demotion %i advertises %i', (advskew, demotion, expected) => {
    expect(demotedAdvskew(advskew, demotion)).toBe(expected);
  });
});

describe('devdLine', () => {
  it('is the notification carp_set_state() sends to devd', () => {
    expect(devdLine(1, 'vtnet0', 'MASTER')).toBe('!system=CARP subsystem=1@vtnet0 type=MASTER');
  });
});
