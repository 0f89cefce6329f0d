import { describe, expect, it } from 'vitest';
import { parseFrrInterfaces, parseFrrNeighbors } from '../../../src/resources/ospf/parse-frr.js';
import { countNeighbors } from '../../../src/resources/ospf/ospf-state.js';
import { fixture } from './fixture.js';

describe('parseFrrInterfaces', () => {
  it('reads FRR 8.4 {"interfaces": {…}} (captured from Debian 12 FRR 8.4.4)', () => {
    const interfaces = parseFrrInterfaces(fixture('frr-8.4-interface.json.txt'));
    expect(Object.keys(interfaces)).toEqual(['lo', 'r1e0']);
    expect(interfaces.r1e0).toEqual({
      name: 'r1e0',
      enabled: true,
      running: true,
      cost: 10,
      area: '0.0.0.0',
      state: 'Point-To-Point',
      networkType: 'POINTOPOINT',
      passive: false,
      neighborCount: 1,
      adjacentCount: 1,
    });
    expect(interfaces.lo).toMatchObject({ cost: 100, networkType: 'LOOPBACK', state: 'Loopback', passive: true, running: true });
  });

  it('reads FRR 9.1–10.1 output with "interfaceIp", and falls back to it when the flat fields are missing', () => {
    const text = fixture('frr-10.1-interface.json.txt');
    const expected = { cost: 10, area: '0.0.0.0', networkType: 'POINTOMULTIPOINT', state: 'Point-To-Point', adjacentCount: 3, running: true };
    expect(parseFrrInterfaces(text)['r1-eth0']).toMatchObject(expected);
    // The same answer with only the per-address copy (the flat keys are slated for removal there).
    const json = JSON.parse(text);
    const iface = json.interfaces['r1-eth0'];
    for (const key of ['cost', 'networkType', 'state', 'nbrAdjacentCount']) delete iface[key];
    expect(parseFrrInterfaces(JSON.stringify(json))['r1-eth0']).toMatchObject({ cost: 10, networkType: 'POINTOMULTIPOINT', state: 'Point-To-Point', adjacentCount: 3 });
  });

  it('reads FRR 4.0 {"interfaces": [{"<name>": {…}}]} like the object form of 5.0+', () => {
    const interfaces = parseFrrInterfaces(fixture('frr-4.0-interface.json.txt'));
    expect(interfaces).toEqual(parseFrrInterfaces(fixture('frr-8.4-interface.json.txt')));
    expect(Object.keys(interfaces)).toEqual(['lo', 'r1e0']);
    expect(interfaces.r1e0).toMatchObject({ cost: 10, running: true, enabled: true });
  });

  it('marks an interface ospfd knows only from its configuration (ifIndex 0, not enabled) as a placeholder', () => {
    const interfaces = parseFrrInterfaces(fixture('frr-8.4-interface-placeholder.json.txt'));
    expect(interfaces.gre8).toMatchObject({ name: 'gre8', placeholder: true, running: false, cost: null });
    expect(parseFrrInterfaces(fixture('frr-8.4-interface.json.txt')).r1e0!.placeholder).toBeUndefined();
  });

  it('answers nothing for {"noSuchIface": true}', () => {
    expect(parseFrrInterfaces(fixture('frr-8.4-interface-nosuch.json.txt'))).toEqual({});
  });

  it('marks an up interface without OSPF as not enabled', () => {
    expect(parseFrrInterfaces(fixture('frr-8.4-interface-disabled.json.txt')).r1x0).toMatchObject({ enabled: false, running: false, cost: null });
  });

  it('reads a down interface as enabled but not running: FRR drops its OSPF state while down', () => {
    // FRR 8.4 prints "ifDown": false and "ospfEnabled": false for an OSPF interface whose link is down.
    expect(parseFrrInterfaces(fixture('frr-8.4-interface-down.json.txt')).r1e0).toMatchObject({ enabled: true, running: false, cost: null });
  });

  it('reads FRR ≤ 3.0 flat maps (interfaces at the top level)', () => {
    // Shape from ospfd/ospf_vty.c at tag frr-3.0 (f633dc2998): json_object_object_add(json, ifp->name, …).
    const text = JSON.stringify({ gre0: { ifUp: true, ifIndex: 5, ospfEnabled: true, area: '0.0.0.0', networkType: 'POINTOPOINT', cost: 1000, state: 'Point-To-Point', nbrCount: 1, nbrAdjacentCount: 1 } });
    expect(parseFrrInterfaces(text).gre0).toMatchObject({ cost: 1000, running: true, adjacentCount: 1 });
  });

  it('rejects what is not a JSON object with PARSE_FAILED', () => {
    expect(() => parseFrrInterfaces('% Unknown command: show ip ospf interface json')).toThrow(expect.objectContaining({ code: 'PARSE_FAILED' }));
    expect(() => parseFrrInterfaces('[1,2]')).toThrow(expect.objectContaining({ code: 'PARSE_FAILED' }));
  });
});

describe('parseFrrNeighbors', () => {
  it('reads FRR 8.4 (captured): "converged" and "role" next to the deprecated "state"', () => {
    const neighbors = parseFrrNeighbors(fixture('frr-8.4-neighbor.json.txt'));
    expect(neighbors).toEqual([{ routerId: '10.255.0.2', interface: 'r1e0', address: '192.0.2.2', state: 'Full', role: 'DROther' }]);
    expect(countNeighbors(neighbors, 'r1e0')).toEqual({ total: 1, full: 1 });
    expect(countNeighbors(neighbors, 'lo')).toEqual({ total: 0, full: 0 });
  });

  it('reads FRR 7.5 ("state": "Full/Backup" only) and attributes neighbours to interfaces', () => {
    const neighbors = parseFrrNeighbors(fixture('frr-7.5-neighbor.json.txt'));
    expect(neighbors.map((n) => [n.routerId, n.interface, n.state, n.role])).toEqual([
      ['1.1.1.1', 'r2-eth0', 'Full', 'Backup'],
      ['3.3.3.3', 'r2-eth1', 'Full', 'Backup'],
      ['4.4.4.4', 'r2-eth1', 'Full', 'DR'],
    ]);
    expect(countNeighbors(neighbors, 'r2-eth1')).toEqual({ total: 2, full: 2 });
  });

  it('reads FRR 8.4 topotest output ("converged" without "nbrState")', () => {
    const neighbors = parseFrrNeighbors(fixture('frr-8.4-topotest-neighbor.json.txt'));
    expect(neighbors).toHaveLength(3);
    expect(neighbors.every((n) => n.state === 'Full')).toBe(true);
    expect(neighbors[0]).toMatchObject({ interface: 'r2-eth0', address: '10.0.1.1' });
  });

  it('reads FRR 10 (no "state"/"address"; "ifaceAddress", "nbrPriority")', () => {
    const neighbors = parseFrrNeighbors(fixture('frr-10-neighbor.json.txt'));
    expect(neighbors.map((n) => [n.routerId, n.interface, n.address, n.state])).toEqual([
      ['1.1.1.1', 'r2-eth0', '10.0.1.1', 'Full'],
      ['3.3.3.3', 'r2-eth1', '10.0.2.3', 'Full'],
      ['4.4.4.4', 'r2-eth1', '10.0.2.4', 'Full'],
    ]);
  });

  it('counts only Full neighbours as adjacent', () => {
    const text = JSON.stringify({
      neighbors: {
        '10.0.0.2': [{ nbrState: 'Full/-', converged: 'Full', role: 'DROther', ifaceAddress: '10.0.0.2', ifaceName: 'gre0:10.0.0.1' }],
        '10.0.0.6': [{ nbrState: 'ExStart/-', converged: 'ExStart', role: 'DROther', ifaceAddress: '10.0.0.6', ifaceName: 'gre0:10.0.0.5' }],
        '10.0.0.9': [{ nbrState: 'Init/-', converged: 'Init', ifaceAddress: '10.0.0.9', ifaceName: 'gre1:10.0.0.10' }],
      },
    });
    const neighbors = parseFrrNeighbors(text);
    expect(countNeighbors(neighbors, 'gre0')).toEqual({ total: 2, full: 1 });
    expect(countNeighbors(neighbors, 'gre1')).toEqual({ total: 1, full: 0 });
  });

  it('reads FRR ≤ 3.0 flat neighbour maps (one object per router id)', () => {
    // Shape from ospfd/ospf_vty.c at tag frr-3.0 (f633dc2998), show_ip_ospf_neighbor_sub().
    const text = JSON.stringify({ '10.0.0.2': { priority: 1, state: 'Full/DR', deadTimeMsecs: 35000, address: '10.0.0.2', ifaceName: 'gre0:10.0.0.1' } });
    expect(parseFrrNeighbors(text)).toEqual([{ routerId: '10.0.0.2', interface: 'gre0', address: '10.0.0.2', state: 'Full', role: 'DR' }]);
  });

  it('answers no neighbours for an empty map', () => {
    expect(parseFrrNeighbors('{"neighbors":{}}')).toEqual([]);
  });
});
