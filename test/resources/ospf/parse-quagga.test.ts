import { describe, expect, it } from 'vitest';
import { parseQuaggaInterfaces, parseQuaggaNeighbors } from '../../../src/resources/ospf/parse-quagga.js';
import { parseFrrInterfaces } from '../../../src/resources/ospf/parse-frr.js';
import { countNeighbors } from '../../../src/resources/ospf/ospf-state.js';
import { fixture } from './fixture.js';

describe('parseQuaggaInterfaces', () => {
  it('reads a real Quagga 0.99 answer from FreeBSD', () => {
    expect(parseQuaggaInterfaces(fixture('quagga-0.99-freebsd-interface.txt'))).toEqual({
      re0: {
        name: 're0',
        enabled: true,
        running: true,
        cost: 10,
        area: '0.0.0.0',
        state: 'Backup',
        networkType: 'BROADCAST',
        passive: false,
        neighborCount: 1,
        adjacentCount: 1,
      },
    });
  });

  it('reads every interface kind of the format strings: point-to-point, down, not enabled, passive in a stub area', () => {
    const interfaces = parseQuaggaInterfaces(fixture('quagga-1.2-interfaces.txt'));
    expect(Object.keys(interfaces)).toEqual(['gre0', 'gre1', 'vtnet0', 'vtnet1']);
    expect(interfaces.gre0).toMatchObject({ cost: 1000, networkType: 'POINTOPOINT', state: 'Point-To-Point', area: '0.0.0.0', running: true, adjacentCount: 1 });
    expect(interfaces.gre1).toMatchObject({ enabled: true, running: false, cost: null });
    expect(interfaces.vtnet0).toMatchObject({ enabled: false, running: false, cost: null });
    expect(interfaces.vtnet1).toMatchObject({ cost: 10, area: '0.0.0.1 [Stub]', passive: true, state: 'DR' });
  });

  it('agrees with the JSON parser on the same FRR 8.4 router (FRR kept Quagga\'s text format)', () => {
    const text = parseQuaggaInterfaces(fixture('frr-8.4-interface.txt'));
    const json = parseFrrInterfaces(fixture('frr-8.4-interface.json.txt'));
    for (const name of ['lo', 'r1e0']) {
      const { cost, area, state, networkType, passive, running, adjacentCount } = json[name]!;
      expect(text[name]).toMatchObject({ cost, area, state, networkType, passive, running, adjacentCount });
    }
  });

  it('reads a down interface as enabled but not running ("OSPF not enabled" is all ospfd can say then)', () => {
    expect(parseQuaggaInterfaces(fixture('frr-8.4-interface-down.txt')).r1e0).toMatchObject({ enabled: true, running: false, cost: null });
  });

  it('answers nothing for "No such interface name" and for garbage', () => {
    expect(parseQuaggaInterfaces('No such interface name\n')).toEqual({});
    expect(parseQuaggaInterfaces('\u0000\u0001 nonsense\n  Cost: 5\n')).toEqual({});
  });
});

describe('parseQuaggaNeighbors', () => {
  it('reads a real Quagga 0.99 answer', () => {
    expect(parseQuaggaNeighbors(fixture('quagga-0.99-freebsd-neighbor.txt'))).toEqual([
      { routerId: '1.1.1.1', interface: 're0', address: '10.0.12.1', state: 'Full', role: 'DR' },
      { routerId: '3.3.3.3', interface: 're1', address: '10.0.23.3', state: 'Full', role: 'DR' },
    ]);
  });

  it('counts only Full neighbours per interface', () => {
    const neighbors = parseQuaggaNeighbors(fixture('quagga-1.2-neighbor.txt'));
    expect(neighbors.map((n) => n.state)).toEqual(['Full', 'ExStart', '2-Way']);
    expect(countNeighbors(neighbors, 'gre0')).toEqual({ total: 1, full: 1 });
    expect(countNeighbors(neighbors, 'gre2')).toEqual({ total: 1, full: 0 });
    expect(countNeighbors(neighbors, 'vtnet1')).toEqual({ total: 1, full: 0 });
  });

  it("reads FRR's text form too, with its extra Up Time column", () => {
    expect(parseQuaggaNeighbors(fixture('frr-8.4-neighbor.txt'))).toEqual([
      { routerId: '10.255.0.2', interface: 'r1e0', address: '192.0.2.2', state: 'Full', role: null },
    ]);
  });
});
