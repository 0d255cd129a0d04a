import { describe, expect, it } from 'vitest';
import type { Membership } from '../../../kernel/auth/index.js';
import { assertMayDefine, assertMayGrant, withinOwnPermissions } from './access.policy.js';
import type { RoleInfo } from './access.service.js';
import { BUILTIN_ROLES, type BuiltinRole } from './permissions.js';

const member = (role: string, permissions: string[]): Membership => ({ orgId: 'o', role, permissions: new Set(permissions) });
const builtin = (key: BuiltinRole): RoleInfo => ({ key, name: BUILTIN_ROLES[key].name, permissions: new Set(BUILTIN_ROLES[key].permissions), builtin: true });
const asMember = (key: BuiltinRole) => member(key, BUILTIN_ROLES[key].permissions);

describe('access policy', () => {
  it('owners may grant every role, owner included', () => {
    for (const key of Object.keys(BUILTIN_ROLES) as BuiltinRole[]) expect(() => assertMayGrant(asMember('owner'), builtin(key))).not.toThrow();
  });

  it('admins may grant admin and below, never owner', () => {
    expect(() => assertMayGrant(asMember('admin'), builtin('owner'))).toThrow(expect.objectContaining({ code: 'owner_required' }));
    for (const key of ['admin', 'instructor', 'teaching_assistant', 'learner'] as const) {
      expect(() => assertMayGrant(asMember('admin'), builtin(key))).not.toThrow();
    }
  });

  it('others may only grant permission sets they hold', () => {
    const lead = member('people_lead', ['member.read', 'member.update_role']);
    expect(() => assertMayGrant(lead, builtin('teaching_assistant'))).toThrow(expect.objectContaining({ code: 'role_exceeds_own_permissions' }));
    expect(() => assertMayGrant(lead, builtin('learner'))).not.toThrow();
    expect(withinOwnPermissions(lead, ['member.read'])).toBe(true);
    expect(withinOwnPermissions(lead, ['member.read', 'role.manage'])).toBe(false);
    expect(() => assertMayDefine(lead, ['role.manage'])).toThrow(expect.objectContaining({ status: 403 }));
  });
});
