import { describe, expect, it } from 'vitest';
import { deriveRole, targetRole } from '../../src/engine/role.js';
import type { CarpState, NodeRole, TargetRole } from '../../src/model.js';

const vhids = (...states: CarpState[]) => states.map((state, i) => ({ vhid: i + 1, interface: 'vmx0', state }));

describe('deriveRole', () => {
  const table: Array<[CarpState[], NodeRole]> = [
    [['MASTER'], 'MASTER'],
    [['MASTER', 'MASTER', 'MASTER'], 'MASTER'],
    [['BACKUP'], 'BACKUP'],
    [['BACKUP', 'BACKUP'], 'BACKUP'],
    [['MASTER', 'BACKUP'], 'MIXED'],
    [['BACKUP', 'MASTER', 'MASTER'], 'MIXED'],
    [['INIT'], 'INIT'],
    [['MASTER', 'INIT'], 'INIT'],
    [['BACKUP', 'UNKNOWN'], 'INIT'],
    [['MASTER', 'MASTER', 'ABSENT'], 'INIT'],
    [['ABSENT', 'MASTER', 'BACKUP'], 'INIT'],
    [[], 'INIT'], // CARP unreadable: nothing observed
  ];
  it.each(table)('%j → %s', (states, role) => {
    expect(deriveRole(vhids(...states))).toBe(role);
  });
});

describe('targetRole', () => {
  const table: Array<[NodeRole, TargetRole]> = [
    ['MASTER', 'MASTER'],
    ['BACKUP', 'BACKUP'],
    ['MIXED', 'BACKUP'],
    ['INIT', 'BACKUP'],
  ];
  it.each(table)('%s → %s', (role, target) => {
    expect(targetRole(role)).toBe(target);
  });
});
